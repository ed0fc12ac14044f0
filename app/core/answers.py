"""The refusals each API operation really gives, in the OpenAPI document.

Derived from what the operation depends on, so the document cannot drift from the code:
400 where it reads a body (which may not parse), 401 where a caller must be signed in, 403
where only some roles may call it or a cookie session writes (the CSRF header check), 404 where
the path names a row. Refusals that only some operations give (400 for rules of their own,
409, 413, 415, 429) are named where the route or router is declared, with `refusals`.
"""

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.core.db import READ_METHODS
from app.core.turns import SERIAL, SHEDDABLE


class ErrorAnswer(BaseModel):
    """The one error format (app/core/errors.py): `code` and `params` when a person may meet
    the error in the apps, which word it in the user's language."""

    detail: str
    code: str | None = None
    params: dict[str, str | int] | None = None


MEANINGS = {
    400: "Cannot be used: a body that does not parse, or values that name nothing or clash",
    401: "Not signed in, or the session ended",
    403: "The caller's role may not do this, or a cookie session wrote without the CSRF header",
    404: "Not found, or not the caller's to see",
    409: "Conflicts with the current state",
    413: "Too large",
    415: "Unsupported media type",
    429: "Too many requests; `Retry-After` says when to try again",
    503: "Busy: nothing was done; try again after `Retry-After` seconds",
}


def refusals(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route or router: the error answers it gives, in the one format."""
    return {code: {"model": ErrorAnswer, "description": MEANINGS[code]} for code in codes}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _names_a_row(dependant: Dependant) -> bool:
    """A path parameter, read by the route or by a dependency that loads the row."""
    return bool(dependant.path_params) or any(_names_a_row(s) for s in dependant.dependencies)


def _derived(route: APIRoute, principal: Callable[..., Any]) -> list[int]:
    calls = list(_calls(route.dependant))
    signed_in = principal in calls
    by_role = any(getattr(call, "__qualname__", "").startswith("require_role.") for call in calls)
    writes = not (route.methods or set()) <= READ_METHODS
    codes = []
    if route.body_field is not None:
        codes.append(400)
    if signed_in:
        codes.append(401)
    if by_role or (signed_in and writes):
        codes.append(403)
    if _names_a_row(route.dependant):
        codes.append(404)
    if getattr(route.endpoint, SERIAL, False) or getattr(route.endpoint, SHEDDABLE, False):
        codes.append(503)  # shed under overload (app/core/turns.py)
    return codes


def document_refusals(router: APIRouter, principal: Callable[..., Any]) -> None:
    """Adds the derived refusals to every operation of `router` and the routers it includes
    (`principal`: the dependency that signs a caller in)."""
    for route in router.routes:
        included = getattr(route, "original_router", None)  # FastAPI keeps included routers
        if isinstance(included, APIRouter):
            document_refusals(included, principal)
        elif isinstance(route, APIRoute):
            for code, answer in refusals(*_derived(route, principal)).items():
                route.responses.setdefault(code, answer)
