from django.urls import path, register_converter

from masthead.billing import gift_subscription_views, gift_views, sandbox_views, views, webhooks
from masthead.billing.gateways.base import is_configured


class ConfiguredGateway:
    """A gateway name in a URL that matches only while that gateway is configured, so an
    unconfigured gateway's routes answer 404 before anything else runs (CSRF included)."""

    regex = "[a-z0-9_]+"

    def to_python(self, value: str) -> str:
        if not is_configured(value):
            raise ValueError(value)  # no match: 404
        return value

    def to_url(self, value: str) -> str:
        return value


class SandboxToken(ConfiguredGateway):
    """A sandbox checkout token, routed only while the sandbox is configured."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        if not is_configured("sandbox"):
            raise ValueError(value)
        return value


register_converter(ConfiguredGateway, "gateway")
register_converter(SandboxToken, "sandbox_token")

app_name = "billing"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/return/<gateway:gateway>/", views.checkout_return, name="checkout_return"),
    path("sandbox/checkout/<sandbox_token:token>/", sandbox_views.checkout, name="sandbox_checkout"),
    path("sandbox/checkout/<sandbox_token:token>/authenticate/", sandbox_views.authenticate,
         name="sandbox_authenticate"),
    path("billing/webhooks/<gateway:gateway>/", webhooks.receive, name="webhook"),
    path("accounts/subscription/", views.account, name="account"),
    path("accounts/subscription/cancel/", views.cancel, name="cancel"),
    path("accounts/subscription/resume/", views.resume, name="resume"),
    path("accounts/subscription/plan/", views.change_plan, name="change_plan"),
    path("gift/", gift_subscription_views.buy_gift, name="buy_gift"),
    path("gift/return/<gateway:gateway>/", gift_subscription_views.gift_return, name="gift_return"),
    path("gift/redeem/<str:token>/", gift_subscription_views.redeem_gift, name="redeem_gift"),
    path("accounts/gifts/", gift_subscription_views.my_gifts, name="gifts"),
    path("accounts/gifts/articles/", gift_views.gifted_articles, name="article_gifts"),
    path("accounts/gifts/articles/<int:pk>/revoke/", gift_views.revoke_article_gift, name="revoke_article_gift"),
    path("accounts/invoices/<int:pk>/", views.invoice, name="invoice"),
    path("accounts/invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
]
