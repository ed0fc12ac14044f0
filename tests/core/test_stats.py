"""The intervals behind every lift, against values worked out by hand (and, for the difference,
the five worked examples of Newcombe's 1998 paper, method 10)."""

from math import sqrt

import pytest

from app.core.stats import (
    MIN_VISITS_PER_SIDE,
    Interval,
    LiftVerdict,
    difference,
    lift_verdict,
    wilson,
)


def close(got: Interval | None, low: float, high: float) -> bool:
    if got is None:
        return False
    return got.low == pytest.approx(low, abs=5e-5) and got.high == pytest.approx(high, abs=5e-5)


def test_wilson_by_hand() -> None:
    # 0 of 10: the upper end is z²/(n+z²) = 3.8415/13.8415
    assert close(wilson(0, 10), 0.0, 3.841459 / 13.841459)
    assert close(wilson(10, 10), 10 / 13.841459, 1.0)
    # 56 of 70: centre (0.8 + 3.8415/140) / (1 + 3.8415/70), half-width z·sqrt(...) / same
    z2 = 3.841459
    centre = (0.8 + z2 / 140) / (1 + z2 / 70)
    half = 1.959964 * sqrt(0.8 * 0.2 / 70 + z2 / (4 * 70 * 70)) / (1 + z2 / 70)
    assert close(wilson(56, 70), centre - half, centre + half)
    assert wilson(0, 0) is None


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2", "low", "high"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
    ],
)
def test_difference_matches_newcombes_worked_examples(
    k1: int, n1: int, k2: int, n2: int, low: float, high: float
) -> None:
    got = difference(k1, n1, k2, n2)
    assert got is not None
    assert (round(got.low, 4), round(got.high, 4)) == (low, high)


def test_the_seen_case_of_31_against_69_visits_is_no_finding() -> None:
    # the dashboard once coloured -4.8 points red on 31 vs 69 visits: 12/31 vs 30/69
    interval, verdict = lift_verdict(12, 31, 30, 69)
    assert pytest.approx(-0.048, abs=5e-4) == 12 / 31 - 30 / 69
    assert verdict == LiftVerdict.unclear
    assert interval is not None and interval.low < -0.2 and interval.high > 0.1


def test_verdicts() -> None:
    few = MIN_VISITS_PER_SIDE - 1
    assert lift_verdict(few, few, 0, 100) == (None, LiftVerdict.too_few)
    assert lift_verdict(9, 10, 3, 10)[1] == LiftVerdict.above
    assert lift_verdict(3, 10, 9, 10)[1] == LiftVerdict.below
    assert lift_verdict(5, 10, 5, 10)[1] == LiftVerdict.unclear
