"""How the app process runs webhooks: the sender thread in the lifespan."""

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI

from app.webhooks.sender import WebhookSender
from app.webhooks.signing import load_master_key


@contextmanager
def webhooks_lifespan(app: FastAPI) -> Iterator[None]:
    """Make the master key if there is none and run the sender while the app runs (unless
    `settings.webhook_sender_enabled` is off, as in tests)."""
    if not app.state.settings.webhook_sender_enabled:
        yield
        return
    sender = WebhookSender(app.state.engine, app.state.settings, load_master_key(app.state.engine))
    sender.start()
    try:
        yield
    finally:
        sender.stop()
