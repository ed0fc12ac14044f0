"""What the API accepts, whatever the caller: values every figure, database and export can hold.

- **Text**: every string of a request body (`RequestBody`). NUL cannot be stored in PostgreSQL
  text, and a lone surrogate (half a UTF-16 pair) cannot be encoded as UTF-8 by either
  database, so both are refused with the field's name. Query strings and paths are checked once
  for every route by `TextParamsCheck`; form fields (`refuse_unstorable`) and CSV cells where
  they are read. Every 422 that repeats a refused input stays encodable (`printable`).
- **Instants** (`SaneInstant`): a moment something happened (a tap) lies between 2000-01-01
  UTC and 24 h ahead of the server clock, after conversion to UTC; one that cannot even be
  converted (`0001-01-01T00:30:00+01:00`) is refused the same way, never raised.
  `PlannedInstant` (an appointment) and `SaneDay` (a campaign's period, a report's days) may
  lie ahead, up to the end of 2099.
- **Paging** (`Offset`): an offset fits SQL's 64-bit integers with room to spare.

Refusals carry pydantic error types of their own (`unstorable_text`, `instant_too_early`,
`instant_too_far_ahead`), so the sync push can tell a phone which mutation was refused and why.
"""

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, get_args
from urllib.parse import parse_qsl

from fastapi import FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.time import utcnow

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
AHEAD = timedelta(hours=24)
PLANNED_BEFORE = datetime(2100, 1, 1, tzinfo=UTC)
FIRST_DAY = EARLIEST.date()
LAST_DAY = date(2099, 12, 31)
MAX_OFFSET = 10_000_000  # rows skipped by a list: far past any list a person pages through

UNSTORABLE_TEXT = "unstorable_text"
TOO_EARLY = "instant_too_early"
TOO_FAR_AHEAD = "instant_too_far_ahead"

_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can (cheap for ASCII: every push field)."""
    if "\x00" in text:
        return "contains a NUL character, which cannot be stored"
    if not text.isascii() and _SURROGATE.search(text):
        return "contains a lone surrogate (half a UTF-16 pair), which cannot be stored"
    return None


def _check_storable(value: Any) -> None:
    if isinstance(value, str):
        reason = unstorable(value)
        if reason is not None:
            raise PydanticCustomError(UNSTORABLE_TEXT, reason)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _check_storable(item)


class RequestBody(BaseModel):
    """The base of every request body (and push mutation): a field holding text no database
    can store is refused under its own name, after its own checks (length, pattern). Only the
    fields that can hold text are checked (a validator call per field costs the push ~1 us);
    nested models check their own fields; dicts are left to whoever validates them (the push
    checks each mutation on its own)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        annotations = vars(cls).get("__annotations__", {})
        texts = [name for name, kind in annotations.items() if _holds_text(kind)]
        if texts:  # found by pydantic when it builds the class's validators, right after this
            check: Any = field_validator(*texts, mode="after")
            setattr(cls, f"_storable_{cls.__name__}", check(classmethod(_storable)))


def _holds_text(annotation: Any) -> bool:
    if isinstance(annotation, str):  # a forward reference: check it, to be safe
        return True
    if isinstance(annotation, type):
        return issubclass(annotation, str)
    return any(_holds_text(arg) for arg in get_args(annotation))


def _storable(cls: type, value: Any) -> Any:
    _check_storable(value)
    return value


def printable(value: Any) -> Any:
    """`value` (an error detail, JSON-like) with lone surrogates shown as U+FFFD: an answer that
    repeats a refused input must still encode as UTF-8."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list | tuple):
        return [printable(v) for v in value]
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}
    return value


# --- instants -------------------------------------------------------------------------------


def _in_utc(value: datetime) -> datetime:
    """`value` in UTC; one that leaves the calendar when converted is refused on the side it
    leaves on (year 1 +01:00 is too early, year 9999 -01:00 too far ahead)."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        if value.year < 5000:
            raise _too_early() from None
        raise PydanticCustomError(
            TOO_FAR_AHEAD, "lies beyond the calendar once converted to UTC"
        ) from None


def _too_early() -> PydanticCustomError:
    return PydanticCustomError(TOO_EARLY, "must not be before 2000-01-01T00:00:00Z")


def _happened(value: datetime) -> datetime:
    value = _in_utc(value)
    if value < EARLIEST:
        raise _too_early()
    if value > utcnow() + AHEAD:
        raise PydanticCustomError(TOO_FAR_AHEAD, "must not be more than 24 h ahead of the server")
    return value


def _planned(value: datetime) -> datetime:
    """An aware planned time in UTC; a time without an offset (read later in the organisation
    time zone) is held to the calendar window, within which no conversion can overflow."""
    if value.tzinfo is None:
        if value.date() < FIRST_DAY:
            raise _too_early()
        if value.date() > LAST_DAY:
            raise _planned_too_late()
        return value
    value = _in_utc(value)
    if value < EARLIEST:
        raise _too_early()
    if value >= PLANNED_BEFORE:
        raise _planned_too_late()
    return value


def _planned_too_late() -> PydanticCustomError:
    return PydanticCustomError(TOO_FAR_AHEAD, "must be before 2100-01-01T00:00:00Z")


# A moment something happened, sent with its offset; kept in UTC.
SaneInstant = Annotated[AwareDatetime, AfterValidator(_happened)]
# An appointment (with an offset, or a local time the caller converts); aware ones in UTC.
PlannedInstant = Annotated[datetime, AfterValidator(_planned)]
# A calendar day of a campaign or a report.
SaneDay = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]
# Rows skipped by a paged list.
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


# --- query strings and paths ----------------------------------------------------------------


def _refusal(loc: list[str], reason: str, value: str) -> dict[str, Any]:
    return {"type": UNSTORABLE_TEXT, "loc": loc, "msg": reason, "input": printable(value)}


def refuse_unstorable(fields: Mapping[str, str], where: str = "body") -> None:
    """Refuse (422, as FastAPI words validation errors) form fields holding text that cannot
    be stored, each by its name."""
    problems = [
        _refusal([where, name], reason, value)
        for name, value in fields.items()
        if (reason := unstorable(name) or unstorable(value)) is not None
    ]
    if problems:
        raise RequestValidationError(problems)


def text_param_problems(path: str, query_string: bytes) -> list[dict[str, Any]]:
    """Refusals (FastAPI's validation error items) for a path or query parameter that cannot be
    stored; parameters are decoded as Starlette decodes them (UTF-8, undecodable bytes
    replaced), so NUL is what can arrive."""
    problems = []
    reason = unstorable(path)
    if reason is not None:
        problems.append(_refusal(["path"], reason, path))
    query = query_string.decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        reason = unstorable(name) or unstorable(value)
        if reason is not None:
            problems.append(_refusal(["query", name], reason, value))
    return problems


class TextParamsCheck:
    """Refuses (422, `{"detail": [...]}` as FastAPI words validation errors) any request whose
    path or query string carries text no database can store, before any route runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problems = text_param_problems(scope.get("path", ""), scope.get("query_string", b""))
            if problems:
                response = JSONResponse({"detail": printable(problems)}, status_code=422)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    """FastAPI's own 422 answer, encodable whatever input it repeats."""
    assert isinstance(error, RequestValidationError)
    detail = printable(jsonable_encoder(error.errors()))
    return JSONResponse({"detail": detail}, status_code=422)


def install_input_checks(app: FastAPI) -> None:
    app.add_middleware(TextParamsCheck)
    app.add_exception_handler(RequestValidationError, _validation_error)
