"""Serves the built PWA: the rep app at `/`, the marketing console at `/console/`."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from app.core.deps import SettingsDep

router = APIRouter(include_in_schema=False)

NOT_BUILT = """<!doctype html><html lang="en"><meta name="viewport" content="width=device-width">
<title>Strang</title><body><h1>Strang</h1><p>The front end is not built yet:
run <code>make pwa</code>.</p></body></html>"""

# Files whose names carry no content hash must be revalidated, the rest are immutable.
REVALIDATE = {"index.html", "sw.js", "manifest.webmanifest", "registerSW.js"}


def _file_response(path: Path, dist: Path) -> Response:
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
    return FileResponse(path, headers=headers)


@router.get("/{path:path}")
def frontend(path: str, request: Request, settings: SettingsDep) -> Response:
    dist = settings.pwa_dist.resolve()
    if path.startswith(("api/", "healthz", "readyz", "metrics")):
        return Response(status_code=404)
    candidate = (dist / path).resolve()
    if path and candidate.is_relative_to(dist) and candidate.is_file():
        return _file_response(candidate, dist)
    shell = dist / ("console/index.html" if path.startswith("console") else "index.html")
    if not shell.is_file():
        return HTMLResponse(NOT_BUILT, status_code=503)
    return _file_response(shell, dist)
