"""When to try a delivery again after a push service said 429/5xx or did not answer in time."""

from datetime import datetime

from app.core import backoff

BACKOFF_BASE_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 3600.0
RETRY_AFTER_MAX_SECONDS = 6 * 3600.0


def retry_delay(attempts: int, retry_after: str | None, now: datetime) -> float:
    """Seconds until the next attempt: exponential backoff, or Retry-After if it says later."""
    return backoff.retry_delay(
        attempts,
        retry_after,
        now,
        base=BACKOFF_BASE_SECONDS,
        cap=BACKOFF_MAX_SECONDS,
        retry_after_cap=RETRY_AFTER_MAX_SECONDS,
    )
