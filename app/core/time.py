from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class NonexistentLocalTime(ValueError):
    """A wall-clock time the clocks skip when summer time starts (02:30 on the last Sunday of
    March in Berlin)."""


def local_to_utc(value: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a date/time as people write it: one with an offset is kept as given;
    one without is read on the wall clock of `zone` (the organisation time zone).

    A time in the hour repeated when summer time ends (02:30 on the last Sunday of October in
    Berlin) is its first occurrence, still in summer time. A time in the hour skipped when
    summer time starts does not exist: `NonexistentLocalTime`. A time that would leave the
    calendar (year 1 or 9999 pushed past its end) raises OverflowError."""
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    instant = value.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != value:
        raise NonexistentLocalTime(
            f"{value:%Y-%m-%d %H:%M} does not exist in {zone.key}: the clocks skip that hour"
        )
    return instant
