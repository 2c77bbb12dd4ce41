"""The revenue desk pages: who may see them, what they show, CSV downloads, one-click actions,
and the weekly e-mail."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core import mail

from masthead.analytics import experiments, report, rollup
from masthead.analytics.models import Experiment, ReportRecipient, Variant
from masthead.core import clock
from tests.content.factories import ArticleFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
PAGES = ["/admin/revenue/", "/admin/revenue/csv/mrr/"]


@pytest.fixture(autouse=True)
def _ordinary_day():
    with clock.travel(ORDINARY_DAY, frozen=True):
        yield


@pytest.fixture
def history(plans, make_user, subscribe):
    """Two subscriptions, bought today, rolled up."""
    subscribe(make_user("one"), plans["smart-essential"])
    subscribe(make_user("two"), plans["super-saver"])
    rollup.rollup_days(TODAY - dt.timedelta(days=2), TODAY)


@pytest.fixture
def experiment(publication):
    found = Experiment.objects.create(slug="limit", name="Limit test", kind=Experiment.Kind.FREE_LIMIT,
                                      holdout_percent=5, created_at=clock.now())
    Variant.objects.create(experiment=found, slug="control", name="Control", is_control=True)
    Variant.objects.create(experiment=found, slug="three", name="Three free", free_limit=3)
    return found


def test_anonymous_visitors_are_sent_to_the_admin_login(client, publication):
    for page in PAGES + ["/admin/revenue/experiments/1/"]:
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), page


def test_staff_without_the_analytics_permission_see_nothing(client, staff_without_desk, experiment):
    client.force_login(staff_without_desk)
    for page in PAGES + [f"/admin/revenue/experiments/{experiment.pk}/"]:
        assert client.get(page).status_code == 403, page
    assert client.post(f"/admin/revenue/experiments/{experiment.pk}/start/").status_code == 403
    assert client.get("/admin/analytics/experiment/").status_code == 403
    assert client.get("/admin/analytics/funnelday/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "Revenue desk" not in index and "/admin/revenue/" not in index
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.DRAFT


def test_a_reader_who_is_not_staff_is_not_let_in_even_with_the_permission(client, make_user):
    from django.contrib.auth.models import Permission

    user = make_user("outsider")
    user.user_permissions.add(Permission.objects.get(codename="view_revenue_desk"))
    client.force_login(user)
    assert client.get("/admin/revenue/").status_code == 302


def test_the_desk_shows_each_chart_with_its_table_and_definitions(client, analyst, history):
    client.force_login(analyst)
    response = client.get("/admin/revenue/", {"from": "2026-06-01", "to": "2026-06-15", "grain": "day"})
    page = response.content.decode()
    assert response.status_code == 200
    for title in ("The funnel", "MRR and ARR (after GST)", "Paid subscribers by plan", "Monthly churn",
                  "Monthly cohort retention", "What led to each subscription", "By referrer", "By device"):
        assert title in page, title
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" viewBox') == 12 and page.count("Download CSV") == 12
    # 19,067.80 + 13,771.19 = 32,838.98 rupees-paise of MRR
    assert "₹328.39" in page and "₹3,940.68" in page
    assert "Net revenue retention" in page and "counts 1/24 of its price" in page


def test_gifts_sold_are_on_the_desk_in_its_revenue(client, analyst, plans, make_user, subscribe, give):
    subscribe(make_user("one"), plans["smart-essential"])
    give(plans["smart-essential"], 6)
    rollup.rollup_days(TODAY, TODAY)
    client.force_login(analyst)
    page = client.get("/admin/revenue/", {"from": "2026-06-01", "to": "2026-06-15", "grain": "day"}).content.decode()
    assert "<li>Gifts sold<strong>1</strong></li>" in page
    assert "₹3,432.20" in page  # ₹2,700 + ₹1,350 after GST, in the movement table's revenue
    assert "they are not in MRR or churn" in page  # the definition
    csv = client.get("/admin/revenue/csv/movement/", {"from": "2026-06-15", "to": "2026-06-15", "grain": "day"})
    assert b",343220" in csv.content


def test_the_admin_index_links_the_desk_for_analysts(client, analyst):
    client.force_login(analyst)
    assert client.get("/admin/analytics/funnelday/")["Location"] == "/admin/revenue/"


def test_odd_filters_are_explained_not_failed(client, analyst, history):
    client.force_login(analyst)
    response = client.get("/admin/revenue/", {"from": "yesterday", "to": "2026-06-15", "grain": "hour",
                                              "referrer": "<script>"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not a date" in page and "is not a period" in page
    assert "<script>" not in page
    swapped = client.get("/admin/revenue/", {"from": "2026-06-15", "to": "2026-06-01"})
    assert "swapped" in swapped.content.decode()


def test_a_chart_downloads_as_csv_with_the_same_numbers(client, analyst, history):
    client.force_login(analyst)
    response = client.get("/admin/revenue/csv/mrr/", {"from": "2026-06-13", "to": "2026-06-15", "grain": "day"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["period", "mrr", "arr", "paid_subscribers", "arpu"]
    assert rows[-1] == ["2026-06-15", "32839", str(32839 * 12), "2", "16420"]
    assert client.get("/admin/revenue/csv/nothing/").status_code == 404


def test_an_experiment_starts_and_stops_in_one_click(client, analyst, experiment):
    client.force_login(analyst)
    page = client.get(f"/admin/revenue/experiments/{experiment.pk}/").content.decode()
    assert "Planned sample" in page and f"{experiments.plan(experiment)}" in page
    response = client.post(f"/admin/revenue/experiments/{experiment.pk}/start/")
    assert response.status_code == 302
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.RUNNING
    assert client.get(f"/admin/revenue/experiments/{experiment.pk}/start/").status_code == 405
    page = client.get(f"/admin/revenue/experiments/{experiment.pk}/").content.decode()
    assert "Too early to call" in page and "Promote Three free" in page
    client.post(f"/admin/revenue/experiments/{experiment.pk}/promote/",
                {"variant": experiment.variants.get(slug="three").pk})
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.PROMOTED


def test_viewing_results_is_not_running_experiments(client, make_user, experiment):
    from django.contrib.auth.models import Permission

    viewer = make_user("vera", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_revenue_desk"))
    client.force_login(viewer)
    assert client.get(f"/admin/revenue/experiments/{experiment.pk}/").status_code == 200
    assert client.post(f"/admin/revenue/experiments/{experiment.pk}/start/").status_code == 403


def test_an_editor_creates_an_experiment_in_the_admin_and_sees_its_planned_sample(client, analyst, publication):
    from django.contrib.auth.models import Permission

    analyst.user_permissions.add(*Permission.objects.filter(content_type__app_label="analytics"))
    client.force_login(analyst)
    form = {"name": "Three or five", "slug": "three-or-five", "kind": "free_limit", "holdout_percent": "5",
            "baseline_rate": "0.02", "minimum_effect": "0.25",
            "variants-TOTAL_FORMS": "2", "variants-INITIAL_FORMS": "0", "variants-MIN_NUM_FORMS": "0",
            "variants-MAX_NUM_FORMS": "1000",
            "variants-0-name": "Control", "variants-0-slug": "control", "variants-0-is_control": "on",
            "variants-0-weight": "1",
            "variants-1-name": "Three", "variants-1-slug": "three", "variants-1-weight": "1",
            "variants-1-free_limit": "3"}
    response = client.post("/admin/analytics/experiment/add/", form, follow=True)
    created = Experiment.objects.get(slug="three-or-five")
    assert created.planned_readers == experiments.stats.planned_sample(0.02, 0.25)
    assert f"{created.planned_readers:,} readers in each variant" in response.content.decode()
    bad = dict(form, slug="bad", name="Bad", baseline_rate="0")
    assert "between 0 and 1" in client.post("/admin/analytics/experiment/add/", bad).content.decode()


def test_the_weekly_report_goes_to_chosen_staff_with_charts(analyst, make_user, history, publication):
    ReportRecipient.objects.create(user=analyst)
    left = make_user("left", is_staff=False)
    ReportRecipient.objects.create(user=left)
    assert report.send_weekly_report(ORDINARY_DAY + dt.timedelta(days=1)) == "weekly report sent to 1"
    sent = [m for m in mail.outbox if "the week's revenue" in m.subject]
    assert len(sent) == 1
    message = sent[0]
    assert message.to == [analyst.email]
    html = message.alternatives[0][0]
    assert "<svg" in html and "₹328.39" in html
    assert {name for name, _, kind in message.attachments} >= {"funnel.svg", "mrr.svg", "cohorts.svg"}
    assert "MRR ₹328.39" in message.body


def test_no_recipients_no_report(publication):
    assert report.send_weekly_report() == "weekly report: no recipients"
    assert not [m for m in mail.outbox if "the week's revenue" in m.subject]


def test_no_gated_text_reaches_the_desk_or_the_report(client, analyst, plans, make_user, subscribe, settings):
    """The canary pattern of tests/access/test_leaks.py, for this channel: headlines may appear, bodies never."""
    settings.MASTHEAD_FREE_LIMIT = 0
    story = ArticleFactory(body="<p>Open.</p><p>CANARY-7f3a gated words.</p>", headline="The canary story")
    from django.test import Client

    Client().get(story.get_absolute_url(), follow=True)
    reader = make_user("buyer")
    subscribe(reader, plans["smart-essential"], return_to=story.get_absolute_url())
    rollup.rollup_recent()
    client.force_login(analyst)
    page = client.get("/admin/revenue/").content.decode()
    assert "The canary story" in page
    ReportRecipient.objects.create(user=analyst)
    report.send_weekly_report(ORDINARY_DAY + dt.timedelta(days=1))
    message = next(m for m in mail.outbox if "the week's revenue" in m.subject)
    everything = [page, message.body, message.alternatives[0][0]]
    everything += [client.get(f"/admin/revenue/csv/{slug}/").content.decode() for slug in ("attribution", "funnel")]
    assert not any("CANARY-7f3a" in text for text in everything)


def test_the_funnel_filtered_by_a_dimension_counts_only_its_reads(client, analyst, publication):
    from masthead.analytics.models import Event

    def event(kind, referrer, device, reason=""):
        return Event(at=ORDINARY_DAY, day=TODAY, kind=kind, reason=reason, section="business", referrer=referrer,
                     device=device, channel="web", reader="0" * 16)

    Event.objects.bulk_create([event("metered_read", "search", "mobile")] * 5 + [event("metered_read", "social", "mobile")] * 2
                              + [event("paywall_view", "search", "desktop", "limit")] * 3)
    rollup.rollup_days(TODAY, TODAY)
    client.force_login(analyst)

    def funnel_csv(**filters):
        response = client.get("/admin/revenue/csv/funnel/", {"from": "2026-06-15", "to": "2026-06-15", **filters})
        return list(csv.reader(io.StringIO(response.content.decode())))[1][1:4]

    assert funnel_csv() == ["7", "0", "3"]
    assert funnel_csv(referrer="search") == ["5", "0", "3"]
    assert funnel_csv(device="mobile") == ["7", "0", "0"]
    assert funnel_csv(referrer="social", device="desktop") == ["0", "0", "0"]
    response = client.get("/admin/revenue/csv/by-referrer/", {"from": "2026-06-15", "to": "2026-06-15"})
    rows = {r[0]: r[1:4] for r in list(csv.reader(io.StringIO(response.content.decode())))[1:]}
    assert rows == {"search": ["5", "0", "3"], "social": ["2", "0", "0"]}
