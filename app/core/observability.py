"""Structured JSON logs with a request id, and Prometheus metrics.

Metrics work across several worker processes: `strang serve` points PROMETHEUS_MULTIPROC_DIR at
a folder in the data directory, and `/metrics` then aggregates every worker's samples.
"""

import json
import logging
import os
import re
import time
import uuid
from contextvars import ContextVar

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client import REGISTRY as DEFAULT_REGISTRY
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.settings import Settings

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = logging.getLogger("strang")

REQUEST_SECONDS = Histogram(
    "strang_request_seconds",
    "HTTP request latency by route",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SYNC_PULLS = Counter("strang_sync_pulls_total", "Sync pulls answered")
SYNC_MUTATIONS = Counter("strang_sync_mutations_total", "Pushed mutations by result", ["status"])
PUSH_SENT = Counter("strang_push_sent_total", "Web Push messages accepted by push services")
PUSH_FAILED = Counter("strang_push_failed_total", "Web Push messages that failed", ["reason"])


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class PlainFormatter(logging.Formatter):
    """For a terminal: the message followed by its fields as key=value."""

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{k}={v}" for k, v in getattr(record, "fields", {}).items())
        line = f"{record.levelname.lower()} {record.name}: {record.getMessage()} {fields}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line.rstrip()


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if settings.log_json else PlainFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger(
        "uvicorn.access"
    ).disabled = True  # we log requests ourselves, without queries


def _route_template(scope: Scope) -> str:
    """The path with its parameters put back as `{name}`: low-cardinality metric labels, and
    no ids or file names in logs."""
    if scope.get("route") is None:
        return "unmatched"
    params = {str(v): k for k, v in scope.get("path_params", {}).items()}
    if any("/" in value for value in params):
        return "/{path}"
    segments = str(scope["path"]).split("/")
    return "/".join(f"{{{params[s]}}}" if s in params else s for s in segments)


class RequestObserver:
    """Pure ASGI middleware: request id, one JSON log line and a latency sample per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            REQUEST_SECONDS.labels(scope["method"], route, str(status)).observe(elapsed)
            fields = {"method": scope["method"], "route": route, "status": status}
            fields["request_id"] = request_id
            fields["ms"] = round(elapsed * 1000, 1)
            log.info("request", extra={"fields": fields})
            request_id_var.reset(token)


def install_observability(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(RequestObserver)

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        _check_metrics_access(request, settings)
        registry = DEFAULT_REGISTRY
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def _check_metrics_access(request: Request, settings: Settings) -> None:
    from app.core.errors import Forbidden

    if settings.metrics_token:
        if request.headers.get("Authorization", "") != f"Bearer {settings.metrics_token}":
            raise Forbidden("Metrics need the metrics token")
    elif request.client is None or request.client.host not in {"127.0.0.1", "::1", "testclient"}:
        raise Forbidden("Metrics are served to localhost only unless STRANG_METRICS_TOKEN is set")
