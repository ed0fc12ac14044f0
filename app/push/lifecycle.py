"""How the app process runs push: the sender thread in the lifespan, numbers for `/readyz`."""

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session

from app.push import service
from app.push.keys import load_vapid_key
from app.push.sender import PushSender


@contextmanager
def push_lifespan(app: FastAPI) -> Iterator[None]:
    """Make the VAPID key if there is none and run the sender while the app runs
    (unless `settings.push_sender_enabled` is off, as in tests)."""
    if not app.state.settings.push_sender_enabled:
        yield
        return
    load_vapid_key(app.state.engine)
    sender = PushSender(app.state.engine, app.state.settings)
    sender.start()
    try:
        yield
    finally:
        sender.stop()


def push_readiness(engine: Engine) -> dict[str, object]:
    with Session(engine.execution_options(sqlite_begin="DEFERRED")) as session:
        return {"push": service.stats(session)}
