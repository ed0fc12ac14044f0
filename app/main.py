"""The application factory: one place where features are wired together."""

import functools
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, ExitStack, asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Engine, text

from app.auth.deps import get_principal
from app.auth.router import router as auth_router
from app.auth.router import users_router
from app.auth.sso_router import router as sso_router
from app.calendar.router import feed_router as calendar_feed_router
from app.calendar.router import router as calendar_router
from app.campaigns.router import router as campaigns_router
from app.collateral.files import router as files_router
from app.collateral.router import router as collateral_router
from app.console.audit_router import router as audit_router
from app.console.router import leads_router as lead_history_router
from app.console.router import router as console_router
from app.core.answers import document_refusals
from app.core.db import make_engine, read_engine
from app.core.errors import ServiceUnavailable, install_error_codes
from app.core.http import install_compression, install_security_headers
from app.core.inputs import install_input_checks
from app.core.methods import install_allow_header
from app.core.migrations import is_at_head
from app.core.observability import install_observability
from app.core.settings import Settings
from app.insights.roller import insights_lifespan, insights_readiness
from app.insights.router import router as insights_router
from app.leads.router import router as leads_router
from app.listeners import register_listeners
from app.live.lifespan import live_lifespan
from app.live.router import router as live_router
from app.outcomes.router import router as outcome_codes_router
from app.push.lifecycle import push_lifespan, push_readiness
from app.push.router import router as push_router
from app.shares.router import public_router as share_page_router
from app.shares.router import router as shares_router
from app.signals.router import router as signals_router
from app.sync.router import router as sync_router
from app.web.router import router as web_router
from app.webhooks.lifecycle import webhooks_lifespan
from app.webhooks.router import router as webhooks_router

API_PREFIX = "/api/v1"

# Background work that lives as long as the app process: entered at startup, left at shutdown.
LIFESPAN_HOOKS: list[Callable[[FastAPI], AbstractContextManager[None]]] = [
    push_lifespan,
    insights_lifespan,
    live_lifespan,
    webhooks_lifespan,
]
# Extra sections of `/readyz` (e.g. push counters), each a dict merged into the answer.
READINESS_DETAILS: list[Callable[[Engine], dict[str, object]]] = [
    push_readiness,
    insights_readiness,
]


def freeze_startup_heap() -> None:
    """Hide what start-up loaded (~200k objects) from the garbage collector, so its full passes
    walk only request-time objects: they made the p95 of a large insights answer (measured:
    collateral over a year of 1M outcomes, 112 ms -> 39 ms), and each one stalled every request
    of its process for 170-195 ms (7 of them in a realistic day's 4 minutes)."""
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    if app.state.serving:  # not in-process tests: they start hundreds of apps per process
        freeze_startup_heap()
    with ExitStack() as stack:
        for hook in LIFESPAN_HOOKS:
            stack.enter_context(hook(app))
        yield


def _operation_id(route: APIRoute) -> str:
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


@functools.cache
def api_router() -> APIRouter:
    """The API's routes, composed once per process: every app includes (copies) them, and the
    tests build hundreds of apps."""
    api = APIRouter(prefix=API_PREFIX)
    # Routes are matched in order, and a phone's pushes and pulls are most of the requests.
    api.include_router(sync_router)
    api.include_router(auth_router)
    api.include_router(sso_router)
    api.include_router(users_router)
    api.include_router(campaigns_router)
    api.include_router(collateral_router)
    api.include_router(files_router)
    api.include_router(leads_router)
    api.include_router(lead_history_router)
    api.include_router(outcome_codes_router)
    api.include_router(signals_router)
    api.include_router(insights_router)
    api.include_router(console_router)
    api.include_router(push_router)
    api.include_router(live_router)
    api.include_router(calendar_router)
    api.include_router(audit_router)
    api.include_router(webhooks_router)
    api.include_router(shares_router)
    document_refusals(api, get_principal)
    return api


def create_app(settings: Settings | None = None, *, serving: bool = False) -> FastAPI:
    """`serving`: the app is its process's server (app/asgi.py), whatever the environment."""
    settings = settings or Settings()
    register_listeners()
    app = FastAPI(
        title="Strang",
        version="1",
        generate_unique_id_function=_operation_id,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.serving = serving
    app.state.engine = make_engine(settings)
    app.state.read_engine = read_engine(app.state.engine)
    install_error_codes(app)
    install_allow_header(app)
    install_input_checks(app)  # innermost: its refusals get the headers and the request log
    install_compression(app)
    install_security_headers(app, settings)
    install_observability(app, settings)
    app.include_router(api_router())
    _add_health(app, settings)
    app.include_router(calendar_feed_router)
    app.include_router(share_page_router)
    app.include_router(web_router)
    return app


def _add_health(app: FastAPI, settings: Settings) -> None:
    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> dict[str, object]:
        try:
            with app.state.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            at_head = is_at_head(settings, app.state.engine)
        except Exception as exc:  # the database is down: say so, don't crash
            raise ServiceUnavailable("Database unreachable") from exc
        if not at_head:
            raise ServiceUnavailable("Database schema is behind the code: run `strang db upgrade`")
        details: dict[str, object] = {"status": "ready", "database": "ok"}
        for section in READINESS_DETAILS:
            try:
                details.update(section(app.state.engine))
            except Exception:  # a detail must never make a ready app look down
                details[getattr(section, "__name__", "detail")] = "unavailable"
        return details
