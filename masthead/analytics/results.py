"""An experiment's results from its daily rollup (ExperimentDay), with the verdict."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from masthead.analytics import stats
from masthead.analytics.models import HOLDOUT, Experiment, ExperimentDay


@dataclass
class Report:
    arms: list[stats.ArmResult]
    holdout: stats.ArmResult | None
    verdict: str
    winner: str | None
    planned: int


def report(experiment: Experiment) -> Report:
    sums = {row["arm"]: row for row in ExperimentDay.objects.filter(experiment=experiment).values("arm").annotate(
        readers=Sum("readers"), paywall_views=Sum("paywall_views"), checkouts=Sum("checkouts"),
        subscriptions=Sum("subscriptions"), revenue=Sum("revenue")).order_by()}

    def arm(slug, name, is_control=False):
        row = sums.get(slug, {})
        return stats.ArmResult(slug, name, row.get("readers") or 0, row.get("paywall_views") or 0,
                               row.get("checkouts") or 0, row.get("subscriptions") or 0, row.get("revenue") or 0,
                               is_control)

    arms = [arm(v.slug, v.name, v.is_control) for v in experiment.variants.all()]
    holdout = arm(HOLDOUT, "Holdout (publisher's rules)") if experiment.holdout_percent else None
    planned = experiment.planned_readers or stats.planned_sample(experiment.baseline_rate, experiment.minimum_effect)
    words, winner = stats.verdict(arms, planned)
    return Report(arms, holdout, words, winner, planned)
