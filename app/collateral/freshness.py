"""Tags, valid-until and review dates of collateral, and what "expired" means.

An item is valid through its `valid_until` day in the organisation time zone and expired from
the next midnight there. Phones lose it at their next pull: the pull evaluates expiry itself
(see `app.sync.pull`), so no write and no scheduled job is needed when the day turns.
"""

import unicodedata
from datetime import date, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from app.core.text import fold
from app.core.time import utcnow

MAX_TAGS = 20
MAX_TAG_LENGTH = 40
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
WARN_DAYS = 14  # the console warns this many days before an item expires


def today_in(zone: ZoneInfo) -> date:
    """Today's date on the organisation's wall clock."""
    return utcnow().astimezone(zone).date()


def search_text(title: str, tags: list[str]) -> str:
    """Title and tags folded, a line each: a search never matches across two of them."""
    return "\n".join(fold(value) for value in [title, *tags])


def _clean_tags(values: list[str]) -> list[str]:
    """Trimmed, inner whitespace collapsed, no control characters, each tag once (ignoring
    case and accents), at most `MAX_TAGS` of at most `MAX_TAG_LENGTH` characters."""
    tags: list[str] = []
    seen: set[str] = set()
    for raw in values:
        if any(unicodedata.category(c) in ("Cc", "Cs") for c in raw):
            raise PydanticCustomError(
                "tag_control_character", "a tag may not contain control characters"
            )
        tag = " ".join(raw.split())
        if not tag:
            raise PydanticCustomError("tag_empty", "a tag may not be empty")
        if len(tag) > MAX_TAG_LENGTH:
            raise PydanticCustomError(
                "string_too_long",
                "a tag may have at most {max_length} characters",
                {"max_length": MAX_TAG_LENGTH},
            )
        if fold(tag) not in seen:
            seen.add(fold(tag))
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise PydanticCustomError("too_long", "at most {max_length} tags", {"max_length": MAX_TAGS})
    return tags


def _in_range(value: date | None) -> date | None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise PydanticCustomError(
            "date_out_of_range",
            "must lie between {earliest} and {latest}",
            {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )
    return value


Tags = Annotated[
    list[Annotated[str, Field(max_length=1000)]],
    Field(max_length=200),
    AfterValidator(_clean_tags),
]
FreshnessDate = Annotated[date | None, AfterValidator(_in_range)]


def is_expired(valid_until: date | None, today: date) -> bool:
    return valid_until is not None and valid_until < today


def is_expiring(valid_until: date | None, today: date, days: int = WARN_DAYS) -> bool:
    """Still valid, but not beyond `days` from today."""
    return valid_until is not None and today <= valid_until <= today + timedelta(days=days)
