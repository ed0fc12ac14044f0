"""When to try a delivery again after a push service said 429/5xx or did not answer in time."""

from datetime import datetime
from email.utils import parsedate_to_datetime

from app.core.time import as_utc

BACKOFF_BASE_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 3600.0
RETRY_AFTER_MAX_SECONDS = 6 * 3600.0


def retry_delay(attempts: int, retry_after: str | None, now: datetime) -> float:
    """Seconds until the next attempt: exponential backoff, or Retry-After if it says later."""
    delay = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    if retry_after:
        asked: float | None = None
        try:
            asked = float(retry_after)
        except ValueError:
            try:
                asked = (as_utc(parsedate_to_datetime(retry_after)) - now).total_seconds()
            except (TypeError, ValueError):
                asked = None
        if asked is not None:
            delay = max(delay, min(asked, RETRY_AFTER_MAX_SECONDS))
    return delay
