"""Serves the built PWA: the rep app at `/`, the marketing console at `/console/`.

Text files come compressed at build time (`pwa/scripts/compress.mjs` writes `x.js.br` and
`x.js.gz` beside `x.js`): each request gets the smallest copy its `Accept-Encoding` allows.
"""

import hashlib
import mimetypes
import os
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from app.core.deps import SettingsDep
from app.core.http import etag_matches

router = APIRouter(include_in_schema=False)

NOT_BUILT = """<!doctype html><html lang="en"><meta name="viewport" content="width=device-width">
<title>Strang</title><body><h1>Strang</h1><p>The front end is not built yet:
run <code>make pwa</code>.</p></body></html>"""

# Files whose names carry no content hash must be revalidated, the rest are immutable.
REVALIDATE = {"index.html", "sw.js", "manifest.webmanifest", "registerSW.js"}
# The build's compressed copies, best first: (Content-Encoding, file name suffix).
CODINGS = (("br", ".br"), ("gzip", ".gz"))
COPY_SUFFIXES = tuple(suffix for _, suffix in CODINGS)


def accepted_codings(accept_encoding: str | None) -> set[str]:
    """The content codings an `Accept-Encoding` header allows: those named without `q=0`, and
    with `*` every other one."""
    allowed: set[str] = set()
    refused: set[str] = set()
    for item in (accept_encoding or "").lower().split(","):
        name, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if name:
            (allowed if weight > 0 else refused).add(name)
    if "*" in allowed:
        allowed |= {coding for coding, _ in CODINGS} - refused
    return allowed


def _copies(path: Path) -> list[tuple[str, Path]]:
    """The compressed copies of `path`, best first. A copy older than its file is stale (the
    file was replaced after the build) and never sent."""
    built = path.stat().st_mtime
    copies = [(coding, path.with_name(path.name + suffix)) for coding, suffix in CODINGS]
    return [(c, p) for c, p in copies if p.is_file() and p.stat().st_mtime >= built]


def _etag(stat: os.stat_result, coding: str | None) -> str:
    """Starlette's ETag for a file, with the coding added: every copy has its own."""
    digest = hashlib.md5(f"{stat.st_mtime}-{stat.st_size}".encode(), usedforsecurity=False)
    return f'"{digest.hexdigest()}-{coding}"' if coding else f'"{digest.hexdigest()}"'


def _file_response(path: Path, dist: Path, request: Request) -> Response:
    relative = path.relative_to(dist).as_posix()
    if path.name in REVALIDATE or relative.endswith(".html"):
        cache = "no-cache"
    elif relative.startswith(("assets/", "console/assets/")):
        cache = "public, max-age=31536000, immutable"
    else:
        cache = "public, max-age=3600"
    headers = {"Cache-Control": cache}
    if path.name == "sw.js":
        headers["Service-Worker-Allowed"] = "/"
    copies = _copies(path)
    accepted = accepted_codings(request.headers.get("accept-encoding"))
    coding, sent = next(((c, p) for c, p in copies if c in accepted), (None, path))
    if copies:
        headers["Vary"] = "Accept-Encoding"
    stat = sent.stat()
    headers["ETag"] = _etag(stat, coding)
    if etag_matches(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=headers)
    if coding:
        headers["Content-Encoding"] = coding
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(sent, headers=headers, media_type=media_type, stat_result=stat)


@router.get("/{path:path}")
def frontend(path: str, request: Request, settings: SettingsDep) -> Response:
    dist = settings.pwa_dist.resolve()
    if path.startswith(("api/", "healthz", "readyz", "metrics")):
        return Response(status_code=404)
    candidate = (dist / path).resolve()
    if (
        path
        and candidate.is_relative_to(dist)
        and candidate.is_file()
        and not candidate.name.endswith(COPY_SUFFIXES)  # served only as a Content-Encoding
    ):
        return _file_response(candidate, dist, request)
    shell = dist / ("console/index.html" if path.startswith("console") else "index.html")
    if not shell.is_file():
        return HTMLResponse(NOT_BUILT, status_code=503)
    return _file_response(shell, dist, request)
