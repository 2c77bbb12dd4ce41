"""Terms, refunds and cancellation, contact: linked in every footer, editable by staff."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from masthead.content.models import LegalPage, Publication
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db

FOOTER_LINKS = ["/terms/", "/privacy/", "/refunds/", "/contact/"]


def legal_links(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Legal">.*?</nav>', html, re.S).group(0)
    return re.findall(r'href="([^"]+)"', nav)


def test_every_page_links_the_policies_in_its_footer(client, publication):
    story = ArticleFactory()
    for path in ("/", story.get_absolute_url(), "/subscribe/", "/privacy/", "/terms/", "/accounts/login/"):
        html = client.get(path, follow=True).content.decode()
        assert legal_links(html) == FOOTER_LINKS, path


def test_each_policy_page_answers_with_default_text_before_staff_edit_it(client, publication):
    for path, heading in (("/terms/", "Terms of use"), ("/refunds/", "Refund and cancellation policy"),
                          ("/contact/", "Contact us")):
        response = client.get(path)
        assert response.status_code == 200, path
        assert f"<h1>{heading}</h1>" in response.content.decode(), path
    assert "published by Test Gazette Media Pvt Ltd (fictional)" in client.get("/terms/").content.decode()
    assert "you keep full access until the end of the term" in client.get("/refunds/").content.decode()


def test_the_contact_page_names_the_publisher_its_address_and_gstin(client, publication):
    publication.contact_email, publication.phone = "desk@gazette.example", "+91 22 0000 0000"
    publication.save()

    html = client.get("/contact/").content.decode()

    assert "<dt>Publisher</dt><dd>Test Gazette Media Pvt Ltd (fictional)</dd>" in html
    assert "<address>1 Example Road, Testpur 000000 (fictional)</address>" in html
    assert "<dt>GSTIN</dt><dd>00AAAAA0000A0Z0</dd>" in html
    assert '<a href="mailto:desk@gazette.example">desk@gazette.example</a>' in html
    assert "<dt>Phone</dt><dd>+91 22 0000 0000</dd>" in html


def test_staff_edit_a_policy_in_the_admin_and_readers_see_it_at_once(client, editor_client, publication):
    client.get("/refunds/")  # cached for anonymous readers before the edit
    form = editor_client.get("/admin/content/legalpage/add/?kind=refunds")
    assert form.context["adminform"].form.initial["title"] == "Refund and cancellation policy"
    assert "you keep full access" in form.context["adminform"].form.initial["body"]

    response = editor_client.post("/admin/content/legalpage/add/", {
        "kind": "refunds", "title": "Refunds", "body": "<p>Full refund within 14 days.</p><script>alert(1)</script>",
    })

    assert response.status_code == 302
    html = Client().get("/refunds/").content.decode()
    assert "<h1>Refunds</h1>" in html and "<p>Full refund within 14 days.</p>" in html
    assert "<script>" not in html


def test_one_page_per_kind(editor_client, publication):
    for kind in LegalPage.Kind.values:
        LegalPage.objects.create(kind=kind, title=kind)

    assert editor_client.get("/admin/content/legalpage/").context["has_add_permission"] is False
    assert editor_client.get("/admin/content/legalpage/add/").status_code == 403


def test_a_malformed_gstin_is_refused_with_a_message(editor_client, publication):
    data = {
        "name": publication.name, "tagline": "", "logo_text": "", "public_url": "", "time_zone": "Asia/Kolkata",
        "currency": "INR", "locale": "en-IN", "legal_name": "Gazette Ltd", "address": "1 Road",
        "contact_email": "", "phone": "", "premium_target": "30",
    }
    url = f"/admin/content/publication/{publication.pk}/change/"

    refused = editor_client.post(url, data | {"gstin": "27aabcm1234f1z5"})
    short = editor_client.post(url, data | {"gstin": "27AABCM1234"})
    accepted = editor_client.post(url, data | {"gstin": "27AABCM1234F1Z5"})

    assert refused.status_code == short.status_code == 200
    assert "is not a GSTIN: 15 characters" in refused.content.decode()
    assert accepted.status_code == 302
    assert Publication.objects.get().gstin == "27AABCM1234F1Z5"


def test_the_demo_seeds_the_policy_pages(db):
    from masthead.content.demo import seed_content

    seed_content(progress=lambda line: None)
    seed_content(progress=lambda line: None)  # a second run adds nothing

    assert sorted(LegalPage.objects.values_list("kind", flat=True)) == ["contact", "refunds", "terms"]
    assert "Demo Ledger Media Private Limited" in LegalPage.objects.get(kind="terms").body


def test_the_demo_publication_fits_its_fields_on_every_database():
    """SQLite does not enforce lengths; PostgreSQL refuses the seed if a value is too long."""
    from masthead.content.demo import PUBLICATION

    for name, value in PUBLICATION.items():
        field = Publication._meta.get_field(name)
        assert field.max_length is None or len(value) <= field.max_length, name
        field.clean(value, Publication())
