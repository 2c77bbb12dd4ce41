from django.urls import path

from masthead.billing import sandbox_views, views, webhooks

app_name = "billing"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/return/<str:gateway>/", views.checkout_return, name="checkout_return"),
    path("sandbox/checkout/<str:token>/", sandbox_views.checkout, name="sandbox_checkout"),
    path("sandbox/checkout/<str:token>/authenticate/", sandbox_views.authenticate, name="sandbox_authenticate"),
    path("billing/webhooks/<str:gateway>/", webhooks.receive, name="webhook"),
    path("account/subscription/", views.account, name="account"),
    path("account/subscription/cancel/", views.cancel, name="cancel"),
    path("account/subscription/resume/", views.resume, name="resume"),
    path("account/subscription/plan/", views.change_plan, name="change_plan"),
    path("account/invoices/<int:pk>/", views.invoice, name="invoice"),
    path("account/invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
]
