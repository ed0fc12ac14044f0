"""Calendar arithmetic for the aggregates: aligned periods, day bitmaps, seconds buckets.

Pure functions, no database: the rollup, the queries and the tests share them.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

EPOCH = date(2000, 1, 3)  # a Monday: weeks and longer periods start on Mondays
GRAINS = (1, 7, 28, 112)  # each divides the next
WORD_BITS = 62  # bits used per signed 64-bit word (keeps clear of the sign bit)
WORDS = 12  # 12 * 62 = 744 >= 731 days: a visit bitmap block spans two calendar years

# Lower bounds (seconds) of the viewing-time buckets; the median is exact to its bucket.
SECONDS_BUCKETS = (0, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600, 900, 1800, 3600)


def period_start(day: date, grain: int) -> date:
    offset = (day - EPOCH).days
    return EPOCH + timedelta(days=offset - offset % grain)


def week_start(day: date) -> date:
    return period_start(day, 7)


@dataclass(frozen=True)
class PeriodRun:
    """Consecutive aligned periods of one grain: `first` .. `last` (period starts)."""

    grain: int
    first: date
    last: date


def decompose(start: date, end: date, grains: tuple[int, ...] = GRAINS) -> list[PeriodRun]:
    """Cut [start, end] (inclusive) into the fewest aligned periods, greedily from the left.

    Every day of the range lies in exactly one period, and no period reaches outside it.
    """
    runs: list[PeriodRun] = []
    day = start
    while day <= end:
        grain = 1
        for g in grains:
            if period_start(day, g) == day and day + timedelta(days=g - 1) <= end:
                grain = g
        if runs and runs[-1].grain == grain and runs[-1].last + timedelta(days=grain) == day:
            runs[-1] = PeriodRun(grain, runs[-1].first, day)
        else:
            runs.append(PeriodRun(grain, day, day))
        day += timedelta(days=grain)
    return runs


def weeks_of(start: date, end: date) -> list[PeriodRun]:
    """[start, end] as whole weeks plus single days at the edges (for the weekly trend)."""
    return decompose(start, end, (1, 7))


def day_bits(day: date) -> list[tuple[int, int, int]]:
    """(block, word index, bit value) of `day` in each visit bitmap block holding it.

    Block `b` covers the calendar years b and b+1, so every day is in blocks year-1 and year,
    and any range within two consecutive calendar years lies in a single block.
    """
    bits = []
    for block in (day.year - 1, day.year):
        index = (day - date(block, 1, 1)).days
        bits.append((block, index // WORD_BITS, 1 << (index % WORD_BITS)))
    return bits


def block_masks(start: date, end: date) -> dict[int, tuple[int, ...]]:
    """Blocks covering [start, end] without overlap (start.year, +2, ...) and, per block,
    the word masks selecting the range's days. One block for ranges within two years."""
    masks: dict[int, tuple[int, ...]] = {}
    for block in range(start.year, end.year + 1, 2):
        origin = date(block, 1, 1)
        lo = (max(start, origin) - origin).days
        hi = (min(end, date(block + 1, 12, 31)) - origin).days
        words = [0] * WORDS
        for w in range(WORDS):
            a = max(lo, w * WORD_BITS)
            b = min(hi, (w + 1) * WORD_BITS - 1)
            if a <= b:
                words[w] = ((1 << (b - a + 1)) - 1) << (a - w * WORD_BITS)
        masks[block] = tuple(words)
    return masks


def seconds_bucket(seconds: int) -> int:
    return SECONDS_BUCKETS[max(0, bisect_right(SECONDS_BUCKETS, max(0, seconds)) - 1)]


def median_bucket(histogram: dict[int, int]) -> int | None:
    """The bucket holding the lower median of the counted values."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    target = (total - 1) // 2
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen > target:
            return bucket
    return None
