"""A 405 names every method its path takes in `Allow`: Starlette names only those of the first
route whose path matched, while an API path is often served by several routes (GET and POST
of a list, GET, PATCH and DELETE of a row)."""

import re

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException
from starlette.responses import Response

PARAMETER = re.compile(r"\{[^}/]+\}")


def _table(app: FastAPI) -> list[tuple[re.Pattern[str], set[str]]]:
    table = getattr(app.state, "allow_table", None)
    if table is None:
        table = []
        for path, operations in app.openapi()["paths"].items():
            parts = PARAMETER.split(path)
            pattern = "[^/]+".join(re.escape(part) for part in parts)
            table.append((re.compile(f"^{pattern}$"), {m.upper() for m in operations}))
        app.state.allow_table = table
    return table


def allowed_methods(app: FastAPI, path: str) -> set[str]:
    """Every method the documented operations take on `path` (none: an undocumented path)."""
    methods: set[str] = set()
    for pattern, taken in _table(app):
        if pattern.match(path):
            methods |= taken
    return methods


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        methods = allowed_methods(request.app, request.url.path)
        if methods:
            error.headers = {**(error.headers or {}), "Allow": ", ".join(sorted(methods))}
    return await http_exception_handler(request, error)


def install_allow_header(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
