"""Background work for billing (Huey). Each task calls into webhooks or actions."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=5, retry_delay=30, name="billing.process_webhook")
def process_webhook(row_id: int) -> str:
    from masthead.billing import webhooks

    return webhooks.process(row_id)


@db_task(retries=5, retry_delay=5, name="billing.deliver_sandbox_webhook")
def deliver_sandbox_webhook(webhook_id: int, store_path: str) -> int:
    """POST a signed sandbox webhook to Masthead's own endpoint over HTTP, as a provider does."""
    import urllib.request

    from django.conf import settings
    from django.urls import reverse

    from masthead.billing.gateways.sandbox import SIGNATURE_HEADER, SandboxStore

    store = SandboxStore(store_path)
    body, signature = store.webhook(webhook_id)
    url = settings.MASTHEAD_PUBLIC_URL.rstrip("/") + reverse("billing:webhook", args=["sandbox"])
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", SIGNATURE_HEADER: signature, "User-Agent": "Masthead-Sandbox/1",
    })
    with urllib.request.urlopen(request, timeout=10) as response:  # loopback only: MASTHEAD_PUBLIC_URL
        status = response.status
    store.mark_delivered(webhook_id)
    return status


@db_task(name="billing.renew_due")
def renew_due_task() -> str:
    from masthead.billing.renewals import renew_due

    return renew_due().as_line()
