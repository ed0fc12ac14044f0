"""Raw column values for bulk reads (the outcomes export): result processing skipped in SQL,
done cheaper in Python, alike for SQLite and PostgreSQL."""

from datetime import datetime
from typing import Any

from sqlalchemy import String, type_coerce

from app.core.time import as_utc


def as_text(column: Any) -> Any:
    """Skip the result processing of UUID, JSON and time columns (done cheaper in Python)."""
    return type_coerce(column, String)


def uuid_text(value: Any) -> str:
    """SQLite hands back 32 hex digits, PostgreSQL a UUID: the canonical form of either."""
    if value is None:
        return ""
    text = str(value)
    if len(text) == 32:
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


def instant_of(value: Any) -> datetime:
    """The UTC instant from SQLite's stored UTC text or a PostgreSQL datetime."""
    return as_utc(value if isinstance(value, datetime) else datetime.fromisoformat(str(value)))
