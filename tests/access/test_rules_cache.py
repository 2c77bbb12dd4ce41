"""The rules and the publication's time zone in force: a save applies in every process at once."""

from __future__ import annotations

import pytest

from masthead.access import service
from masthead.access.models import AccessRules
from masthead.access.rules import current_rules
from tests.content.factories import SectionFactory

pytestmark = pytest.mark.django_db


def test_saved_rules_apply_at_once_here(publication):
    assert current_rules().free_limit == 5

    AccessRules.objects.update_or_create(pk=1, defaults={"free_limit": 2})

    assert current_rules().free_limit == 2


def test_rules_saved_in_another_process_apply_here(publication, another_process):
    assert current_rules().free_limit == 5

    another_process("from masthead.access.models import AccessRules\n"
                    "AccessRules.objects.update_or_create(pk=1, defaults={'free_limit': 2})")

    assert current_rules().free_limit == 2


def test_a_rules_list_changed_in_another_process_applies_here(publication, another_process):
    AccessRules.objects.create(pk=1)
    SectionFactory(slug="opinion", name="Opinion")
    assert current_rules().free_sections == frozenset()

    another_process("from masthead.access.models import AccessRules\nfrom masthead.content.models import Section\n"
                    "AccessRules.objects.get(pk=1).free_sections.add(Section.objects.get(slug='opinion'))")

    assert current_rules().free_sections == frozenset({"opinion"})


def test_rules_saved_in_the_admin_with_their_lists_apply_at_once(client, publication, admin_user):
    AccessRules.objects.create(pk=1)
    opinion = SectionFactory(slug="opinion", name="Opinion")
    assert current_rules().free_sections == frozenset()
    client.force_login(admin_user)
    form = {"free_limit": 3, "period": "month", "teaser_paragraphs": 1, "archive_days": 30,
            "registration_wall": 0, "anonymous_meters_per_ip": 0, "free_sections": [opinion.pk],
            "crawler_domains": "", "crawler_ip_ranges": ""}

    response = client.post("/admin/access/accessrules/1/change/", form)

    assert response.status_code == 302
    assert (current_rules().free_limit, current_rules().free_sections) == (3, frozenset({"opinion"}))


def test_the_publications_time_zone_applies_to_the_meter_at_once_after_a_save(publication):
    assert str(service._zone()) == "Asia/Kolkata"

    publication.time_zone = "Europe/London"
    publication.save()

    assert str(service._zone()) == "Europe/London"


def test_the_publications_time_zone_saved_in_another_process_applies_here(publication, another_process):
    assert str(service._zone()) == "Asia/Kolkata"

    another_process("from masthead.content.models import Publication\n"
                    "Publication.objects.update(time_zone='Europe/London')\n"
                    "p = Publication.objects.get(); p.save()")

    assert str(service._zone()) == "Europe/London"
