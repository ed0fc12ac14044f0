"""How sure a share is: Wilson score intervals, and Newcombe's hybrid score interval for the
difference of two shares (his method 10, 1998), both at 95 %.

Both stay inside [0, 1] (or [-1, 1]) and behave at 0 of n and n of n, where the textbook
p ± 1.96·se interval collapses to a width of zero and claims certainty it does not have.
"""

from dataclasses import dataclass
from enum import StrEnum
from math import sqrt

Z95 = 1.959963984540054  # the normal quantile for a two-sided 95 % interval
# Below this many visits on either side, a lift is "not enough visits yet": the interval would
# span most of [-1, 1] and the point estimate invites reading noise as a finding.
MIN_VISITS_PER_SIDE = 10


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


class LiftVerdict(StrEnum):
    too_few = "too_few"  # fewer than MIN_VISITS_PER_SIDE visits with or without the item
    above = "above"  # the interval lies above zero
    below = "below"  # the interval lies below zero
    unclear = "unclear"  # the interval holds zero: no difference shown either way


def wilson(successes: int, n: int, z: float = Z95) -> Interval | None:
    if n <= 0:
        return None
    p = successes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    scale = 1 + z2 / n
    return Interval(max(0.0, (centre - half) / scale), min(1.0, (centre + half) / scale))


def difference(k1: int, n1: int, k2: int, n2: int, z: float = Z95) -> Interval | None:
    """Interval for k1/n1 - k2/n2 from the two Wilson intervals (Newcombe's hybrid score)."""
    first, second = wilson(k1, n1, z), wilson(k2, n2, z)
    if first is None or second is None:
        return None
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    below = sqrt((p1 - first.low) ** 2 + (second.high - p2) ** 2)
    above = sqrt((first.high - p1) ** 2 + (p2 - second.low) ** 2)
    return Interval(d - below, d + above)


def lift_verdict(k1: int, n1: int, k2: int, n2: int) -> tuple[Interval | None, LiftVerdict]:
    if min(n1, n2) < MIN_VISITS_PER_SIDE:
        return None, LiftVerdict.too_few
    interval = difference(k1, n1, k2, n2)
    assert interval is not None  # both sides have visits
    if interval.low > 0:
        return interval, LiftVerdict.above
    if interval.high < 0:
        return interval, LiftVerdict.below
    return interval, LiftVerdict.unclear
