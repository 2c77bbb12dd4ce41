"""Paywall experiments: assignment by weight with a holdout, stickiness, the variant as an input
to the one decision, results from the rollup, and start/stop/promote."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.test import Client, RequestFactory

from masthead.access.models import AccessRules
from masthead.analytics import events, experiments, results, rollup
from masthead.analytics.events import reader_hash
from masthead.analytics.models import Assignment, Experiment, ExperimentDay, Variant
from masthead.core import clock
from tests.content.factories import ArticleFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db

BODY = "<p>Open paragraph.</p><p>GATED-CANARY paragraph.</p>"
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _ordinary_day():
    with clock.travel(ORDINARY_DAY, frozen=True):
        yield


def make(kind=Experiment.Kind.FREE_LIMIT, holdout=10, arms=(("control", 1, {}), ("one", 1, {"free_limit": 1})),
         slug="free-limit"):
    experiment = Experiment.objects.create(slug=slug, name="Free limit test", kind=kind, holdout_percent=holdout,
                                           baseline_rate=0.02, minimum_effect=0.5, created_at=clock.now())
    for arm_slug, weight, fields in arms:
        Variant.objects.create(experiment=experiment, slug=arm_slug, name=arm_slug.capitalize(),
                               is_control=arm_slug == "control", weight=weight, **fields)
    return experiment


def test_readers_split_by_weight_after_the_holdout():
    live = experiments.Live(1, "split", 10, (
        experiments.Arm("control", 1, None), experiments.Arm("b", 3, None)), None)
    counts = Counter(experiments.choose(live, f"reader-{i}") for i in range(40_000))
    assert abs(counts["holdout"] / 40_000 - 0.10) < 0.01
    assert abs(counts["control"] / 40_000 - 0.225) < 0.01
    assert abs(counts["b"] / 40_000 - 0.675) < 0.01


def test_assignment_is_a_pure_function_of_experiment_and_reader():
    live = experiments.Live(1, "split", 0, (experiments.Arm("a", 1, None), experiments.Arm("b", 1, None)), None)
    first = [experiments.choose(live, f"r{i}") for i in range(200)]
    assert [experiments.choose(live, f"r{i}") for i in range(200)] == first
    other = experiments.Live(2, "another", 0, live.arms, None)
    assert [experiments.choose(other, f"r{i}") for i in range(200)] != first  # independent between experiments


def test_the_same_reader_gets_the_same_arm_in_another_process(another_process, publication):
    live = experiments.Live(1, "split", 5, (experiments.Arm("a", 1, None), experiments.Arm("b", 2, None)), None)
    mine = [experiments.choose(live, reader_hash(f"a:m{i}")) for i in range(20)]
    code = ("from masthead.analytics import experiments as e\nfrom masthead.analytics.events import reader_hash\n"
            "live = e.Live(1, 'split', 5, (e.Arm('a', 1, None), e.Arm('b', 2, None)), None)\n"
            "print(','.join(e.choose(live, reader_hash(f'a:m{i}')) for i in range(20)))")
    assert another_process(code) == ",".join(mine)


def test_a_free_limit_variant_is_decided_in_the_one_read_and_recorded(publication, settings):
    settings.MASTHEAD_FREE_LIMIT = 3
    experiment = experiments.start(make(holdout=0, arms=(("control", 1, {}), ("one", 1, {"free_limit": 1}))))
    stories = [ArticleFactory(body=BODY) for _ in range(2)]
    seen = Counter()
    for n in range(12):
        client = Client()
        pages = [client.get(s.get_absolute_url(), follow=True) for s in stories]
        experiments.flush_assignments()
        who = Assignment.objects.order_by("-pk").first()
        seen[who.arm] += 1
        second = pages[1].content.decode()
        if who.arm == "one":
            assert "limit of 1 free articles" in second and "GATED-CANARY" not in second
        else:
            assert "GATED-CANARY" in second
    assert seen["one"] and seen["control"]
    events.flush()
    rollup.rollup_days(TODAY, TODAY)
    days = {d.arm: d for d in ExperimentDay.objects.filter(experiment=experiment)}
    assert days["one"].readers == seen["one"] and days["control"].readers == seen["control"]
    assert days["one"].paywall_views == seen["one"]
    assert "control" not in days or days["control"].paywall_views == 0
    report = results.report(experiment)
    assert [a.readers for a in report.arms] == [seen["control"], seen["one"]]
    assert report.winner is None and "Too early" in report.verdict


def test_a_signed_in_reader_keeps_the_arm_their_anonymous_meter_had(publication, make_user, settings):
    from masthead.access.reader import cookie_value

    experiment = experiments.start(make(holdout=0))
    live, _ = experiments.live()
    user = make_user("meera")
    # Find a meter whose arm differs from what the account's own hash would give.
    account_arm = experiments.choose(live, reader_hash(f"u:{user.pk}"))
    meter = next(f"m{i}" for i in range(100) if experiments.choose(live, reader_hash(f"a:m{i}")) != account_arm)
    anonymous_arm = experiments.choose(live, reader_hash(f"a:{meter}"))
    request = RequestFactory().get("/")
    request.COOKIES[settings.MASTHEAD_METER_COOKIE] = cookie_value(meter)
    experiments.carry_to_account(request=request, user=user)
    stored = Assignment.objects.get(experiment=experiment, reader=reader_hash(f"u:{user.pk}"))
    assert (stored.arm, stored.carried) == (anonymous_arm, True)

    class SignedIn:
        meter_key = f"u:{user.pk}"

    assert experiments.variant_for_reader(SignedIn()).key == f"free-limit:{anonymous_arm}"
    # A second sign-in from another device does not move the account.
    request.COOKIES[settings.MASTHEAD_METER_COOKIE] = cookie_value("another-device")
    experiments.carry_to_account(request=request, user=user)
    assert Assignment.objects.get(experiment=experiment, reader=reader_hash(f"u:{user.pk}")).arm == anonymous_arm


def test_the_holdout_gets_the_publishers_rules_under_its_own_key(publication):
    experiment = experiments.start(make(holdout=50))
    live, _ = experiments.live()
    meter = next(f"m{i}" for i in range(100) if experiments.choose(live, reader_hash(f"a:m{i}")) == "holdout")

    class Anonymous:
        meter_key = f"a:{meter}"

    variant = experiments.variant_for_reader(Anonymous())
    assert variant.key == "free-limit:holdout" and variant.free_limit is None
    assert experiment.status == Experiment.Status.RUNNING


def test_an_experiment_cannot_start_without_a_control_or_with_arms_that_change_nothing(publication):
    experiment = make(arms=(("control", 1, {}), ("same", 1, {})))
    with pytest.raises(experiments.ExperimentError, match="must set a free limit"):
        experiments.start(experiment)
    no_control = make(slug="no-control", arms=(("a", 1, {"free_limit": 2}), ("b", 1, {"free_limit": 4})))
    with pytest.raises(experiments.ExperimentError, match="exactly one variant as the control"):
        experiments.start(no_control)


def test_one_experiment_runs_at_a_time_and_the_plan_is_set_at_start(publication):
    first = experiments.start(make())
    assert first.planned_readers == experiments.stats.planned_sample(0.02, 0.5)
    second = make(slug="second")
    with pytest.raises(experiments.ExperimentError, match="is running"):
        experiments.start(second)
    experiments.stop(first)
    assert experiments.live() == (None, None)
    assert experiments.start(second).status == Experiment.Status.RUNNING


def test_promoting_a_free_limit_makes_it_the_rule_and_ends_the_experiment(publication, settings):
    settings.MASTHEAD_FREE_LIMIT = 5
    experiment = experiments.start(make())
    experiments.promote(experiment, experiment.variants.get(slug="one"))
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.PROMOTED and experiment.promoted.slug == "one"
    assert AccessRules.objects.get().free_limit == 1
    from masthead.access.rules import current_rules

    assert current_rules().free_limit == 1
    assert experiments.live() == (None, None)


def test_promoted_paywall_copy_is_shown_to_every_reader(publication, settings):
    settings.MASTHEAD_FREE_LIMIT = 1
    experiment = experiments.start(make(kind=Experiment.Kind.PAYWALL_COPY, arms=(
        ("control", 1, {}), ("urgent", 1, {"headline": "That was your {free_limit} free story. Stay informed."}))))
    experiments.promote(experiment, experiment.variants.get(slug="urgent"))
    stories = [ArticleFactory(body=BODY) for _ in range(2)]
    client = Client()
    page = [client.get(s.get_absolute_url(), follow=True) for s in stories][1].content.decode()
    assert "That was your 1 free story. Stay informed." in page
    assert "GATED-CANARY" not in page


def client_in(arm: str, stories) -> tuple[Client, list]:
    """A new browser that the experiment put in `arm`, with the pages it read."""
    for _ in range(40):
        client = Client()
        pages = [client.get(s.get_absolute_url(), follow=True) for s in stories]
        experiments.flush_assignments()
        if Assignment.objects.order_by("-pk").first().arm == arm:
            return client, pages
    raise AssertionError(f"no reader fell in {arm}")


def test_a_plan_order_variant_reorders_and_badges_the_paywall_plans(publication, plans, settings):
    settings.MASTHEAD_FREE_LIMIT = 1
    experiment = experiments.start(make(kind=Experiment.Kind.PLAN_ORDER, holdout=0, arms=(
        ("saver-first", 1, {"plan_order": "super-saver,smart-essential,smart-quarterly",
                            "highlight_plan": "super-saver", "highlight_text": "Most popular"}),
        ("control", 1, {}))))
    stories = [ArticleFactory(body=BODY) for _ in range(2)]
    page = client_in("saver-first", stories)[1][1].content.decode()
    assert page.index("Super Saver") < page.index("Smart Essential") < page.index("Smart Quarterly")
    # The variant's badge moves to Super Saver (the reference plans badge Smart Essential).
    assert page.count("Most popular") == 1 and page.index("Most popular") < page.index("Smart Essential")
    control = client_in("control", stories)[1][1].content.decode()
    assert control.index("Smart Quarterly") < control.index("Super Saver")
    assert control.index("Smart Essential") > control.index("Most popular") > control.index("Smart Quarterly")
    experiments.promote(experiment, experiment.variants.get(slug="saver-first"))
    plans["super-saver"].refresh_from_db()
    plans["smart-essential"].refresh_from_db()
    assert (plans["super-saver"].display_order, plans["super-saver"].highlight) == (0, "Most popular")
    assert plans["smart-essential"].highlight == ""
