"""allauth's account app under a name of its own in the admin.

Its group (the readers' sign-in e-mail addresses) was titled "Accounts", as was this
app's; settings.INSTALLED_APPS names this class instead of "allauth.account".
"""

from allauth.account.apps import AccountConfig


class SignInConfig(AccountConfig):
    verbose_name = "Sign-in e-mail addresses"
