"""Interval maths and sample sizes against published values."""

from __future__ import annotations

import pytest

from masthead.analytics import stats
from masthead.analytics.stats import ArmResult


@pytest.mark.parametrize("successes, trials, low, high", [
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score).
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_newcombes_table(successes, trials, low, high):
    found = stats.wilson(successes, trials)
    assert found == (pytest.approx(low, abs=5e-5), pytest.approx(high, abs=5e-5))


def test_wilson_refuses_impossible_counts_and_is_empty_without_trials():
    assert stats.wilson(0, 0) == (0.0, 0.0)
    with pytest.raises(ValueError):
        stats.wilson(5, 4)


def test_newcombe_difference_interval_matches_his_example():
    # Newcombe (1998b) Statistics in Medicine 17:873-890, Table II example (56/70 vs 48/80): 0.0524 to 0.3339.
    low, high = stats.difference_interval(48, 80, 56, 70)
    assert (low, high) == (pytest.approx(0.0524, abs=5e-4), pytest.approx(0.3339, abs=5e-4))


def test_planned_sample_is_the_two_proportion_formula():
    # 10% -> 12% at alpha 0.05 two-sided, power 0.8: 3,841 per arm (Fleiss, without continuity correction).
    assert stats.planned_sample(0.10, 0.20) == 3841
    # 1% -> 1.2% by the same formula: 42,693 per arm
    assert stats.planned_sample(0.01, 0.20) == 42693
    with pytest.raises(ValueError):
        stats.planned_sample(0, 0.2)
    with pytest.raises(ValueError):
        stats.planned_sample(0.5, 1.5)


def test_rpm_is_revenue_per_thousand_readers():
    assert stats.rpm(228814, 1000) == 228814
    assert stats.rpm(228814, 4000) == 57204
    assert stats.rpm(100, 0) == 0


def arms(control, variant):
    return [ArmResult("control", "Control", *control, is_control=True), ArmResult("three", "Three free", *variant)]


def test_the_verdict_refuses_a_winner_before_the_planned_sample():
    # A huge difference, but below the planned readers: no winner.
    words, winner = stats.verdict(arms((999, 50, 10, 1, 0), (999, 80, 30, 40, 0)), planned=1000)
    assert winner is None
    assert "Too early" in words and "1,000" in words and "999" in words


def test_the_verdict_calls_a_clear_winner_at_the_planned_sample():
    words, winner = stats.verdict(arms((5000, 900, 120, 50, 0), (5000, 950, 200, 110, 0)), planned=5000)
    assert winner == "three"
    assert words.startswith("Three free converts better than Control")


def test_the_verdict_says_so_when_nothing_differs():
    words, winner = stats.verdict(arms((5000, 900, 120, 50, 0), (5000, 950, 130, 52, 0)), planned=5000)
    assert winner is None and words.startswith("No clear difference")
