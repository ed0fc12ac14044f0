"""Shared HTTP plumbing: security headers on every response (a plain ASGI middleware: streamed
bodies pass untouched), gzip for API answers, and the `If-None-Match` test."""

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.settings import Settings

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def security_headers(settings: Settings) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if settings.https:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


class SecurityHeaders:
    """Adds each header unless the route set its own (e.g. a stricter CSP on served files)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(SecurityHeaders, headers=security_headers(settings))


# API answers from this size on are gzipped for clients that accept it (smaller ones would
# gain a few hundred bytes at most). Level 6, zlib's default: an initial sync of 300 leads
# (303 KB of JSON) becomes 11 KB in ~7 ms of one core (in a worker thread above 128 KiB);
# level 9 saved 0.3 % for more time, level 1 was 20 % larger.
GZIP_MINIMUM_SIZE = 1024
GZIP_LEVEL = 6
# Sent as they are: formats that are compressed already, and downloads served in byte ranges
# (collateral files: a gzipped body would lose its Content-Length and break resumed reading).
# GZipMiddleware also leaves alone 206 answers, answers that carry a Content-Encoding, images,
# video and `text/event-stream`.
SENT_AS_IS = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "application/pdf",
    "application/octet-stream",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


class ApiCompression:
    """Gzip for `/api/` answers. The built front end is not touched here: the web router sends
    its files compressed at build time, each with an ETag of its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(
            app,
            minimum_size=GZIP_MINIMUM_SIZE,
            compresslevel=GZIP_LEVEL,
            exclude_content_types=SENT_AS_IS,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def install_compression(app: FastAPI) -> None:
    app.add_middleware(ApiCompression)


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an `If-None-Match` header names `etag` (weak comparison, as RFC 9110 asks)."""
    if not if_none_match:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag.removeprefix("W/") in tags
