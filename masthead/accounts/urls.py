from django.urls import path

from masthead.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("devices/<int:device_id>/sign-out/", views.sign_out_device, name="sign_out_device"),
    path("devices/sign-out-others/", views.sign_out_others, name="sign_out_others"),
    path("partner/claim/", views.claim_partner_code, name="claim_partner_code"),
    path("data/", views.data, name="data"),
    path("data/export/", views.export, name="export"),
    path("data/delete/code/", views.send_deletion_code, name="send_deletion_code"),
    path("data/delete/", views.delete, name="delete"),
    # allauth's own pages at allauth's addresses (these come first), refusing bad input with a 400.
    path("signup/", views.SignupView.as_view()),
    path("email/", views.EmailView.as_view()),
    path("password/reset/", views.PasswordResetView.as_view()),
    path("login/code/", views.RequestLoginCodeView.as_view()),
]
