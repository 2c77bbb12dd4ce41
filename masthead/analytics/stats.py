"""Honest statistics for paywall experiments: intervals, sample sizes and a verdict.

Conversion is subscriptions over readers assigned to the arm. The interval is Wilson's
score interval (Wilson 1927; Newcombe 1998, method 3), which behaves at 0% and for small
samples where the normal approximation does not. The planned sample per arm is the
classic two-proportion formula at 5% two-sided significance and 80% power for the
smallest lift the editor cares about. A winner is never called before every arm has its
planned readers, and then only when the difference's 95% interval excludes zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)      # 1.959963...
Z_POWER80 = NormalDist().inv_cdf(0.80)  # 0.841621...


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion; (0, 0) with no trials."""
    if trials <= 0:
        return (0.0, 0.0)
    if not 0 <= successes <= trials:
        raise ValueError("successes must be between 0 and the number of trials")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return (max(0.0, centre - half), min(1.0, centre + half))


def planned_sample(baseline: float, relative_lift: float, *, z_alpha: float = Z95, z_beta: float = Z_POWER80) -> int:
    """Readers needed in each arm to detect baseline -> baseline x (1 + lift)."""
    if not 0 < baseline < 1:
        raise ValueError("the baseline conversion must be between 0 and 1 (e.g. 0.01 for 1%)")
    p2 = baseline * (1 + relative_lift)
    if relative_lift <= 0 or not 0 < p2 < 1:
        raise ValueError("the lift must be positive and keep the conversion below 100%")
    mean = (baseline + p2) / 2
    top = z_alpha * math.sqrt(2 * mean * (1 - mean)) + z_beta * math.sqrt(baseline * (1 - baseline) + p2 * (1 - p2))
    return math.ceil(top * top / (p2 - baseline) ** 2)


def difference_interval(s1: int, n1: int, s2: int, n2: int, z: float = Z95) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p2 - p1 (built from the two Wilson intervals)."""
    p1, p2 = s1 / n1, s2 / n2
    l1, u1 = wilson(s1, n1, z)
    l2, u2 = wilson(s2, n2, z)
    d = p2 - p1
    return (d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2))


def rpm(revenue_paise: int, readers: int) -> int:
    """Revenue per thousand readers, in paise."""
    return round(revenue_paise * 1000 / readers) if readers else 0


@dataclass(frozen=True)
class ArmResult:
    slug: str
    name: str
    readers: int
    paywall_views: int
    checkouts: int
    subscriptions: int
    revenue: int
    is_control: bool = False

    @property
    def conversion(self) -> float:
        return self.subscriptions / self.readers if self.readers else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.subscriptions, self.readers)

    @property
    def rpm(self) -> int:
        return rpm(self.revenue, self.readers)


def verdict(arms: list[ArmResult], planned: int) -> tuple[str, str | None]:
    """A plain-language verdict and the winning arm's slug (None unless one is called)."""
    control = next((a for a in arms if a.is_control), None)
    if control is None or len(arms) < 2:
        return ("An experiment needs a control and at least one other variant.", None)
    short = [a for a in arms if a.readers < planned]
    if short:
        least = min(a.readers for a in arms)
        return (f"Too early to call: each variant needs {planned:,} readers and the smallest has {least:,}. "
                "Differences seen now are likely to be noise.", None)
    best, best_low = None, 0.0
    for arm in arms:
        if arm is control:
            continue
        low, high = difference_interval(control.subscriptions, control.readers, arm.subscriptions, arm.readers)
        if low > 0 and (best is None or low > best_low):
            best, best_low = arm, low
    if best is not None:
        return (f"{best.name} converts better than {control.name}: at least {best_low * 100:.2f} points more "
                "(95% confidence).", best.slug)
    worse = [a.name for a in arms if a is not control and difference_interval(
        control.subscriptions, control.readers, a.subscriptions, a.readers)[1] < 0]
    if worse:
        return (f"{control.name} converts better than {', '.join(worse)}; no variant beats it.", control.slug)
    return ("No clear difference at the planned sample: the variants convert alike within the 95% intervals.", None)
