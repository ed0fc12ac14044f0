"""When to try an outgoing request again: exponential backoff, or Retry-After if it says later."""

import random
from datetime import datetime
from email.utils import parsedate_to_datetime

from app.core.time import as_utc


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A Retry-After header (seconds or an HTTP date) as seconds from `now`, else None."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return (as_utc(parsedate_to_datetime(value)) - now).total_seconds()
    except (TypeError, ValueError):
        return None


def retry_delay(
    attempts: int,
    retry_after: str | None,
    now: datetime,
    *,
    base: float,
    cap: float,
    retry_after_cap: float,
    jitter: float = 0.0,
) -> float:
    """Seconds until attempt `attempts + 1`: base * 2^(attempts-1), at most `cap`, spread by
    +-`jitter` (a fraction) so endpoints that failed together do not retry together; later if
    the server's Retry-After asks so (up to `retry_after_cap`)."""
    delay = min(base * 2 ** max(attempts - 1, 0), cap)
    if jitter:
        delay *= random.uniform(1 - jitter, 1 + jitter)
    asked = retry_after_seconds(retry_after, now)
    if asked is not None:
        delay = max(delay, min(asked, retry_after_cap))
    return delay
