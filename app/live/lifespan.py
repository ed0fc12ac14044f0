"""How the app process runs live updates: the broker (and on PostgreSQL its listener) in the
lifespan, and streams that end at once when the process is asked to stop."""

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from fastapi import FastAPI

from app.live.broker import Broker
from app.live.listener import Listener


@contextlib.contextmanager
def live_lifespan(app: FastAPI) -> Iterator[None]:
    settings = app.state.settings
    broker = Broker()
    broker.start(in_process=settings.is_sqlite)
    app.state.live = broker
    listener = None
    if not settings.is_sqlite:
        listener = Listener(settings.database_url, broker)
        listener.start()
    app.state.live_listener = listener
    restore = _end_streams_on_signals(broker)
    try:
        yield
    finally:
        restore()
        if listener is not None:
            listener.stop()
        broker.stop()


def _end_streams_on_signals(broker: Broker) -> Callable[[], None]:
    """On SIGTERM/SIGINT end every stream, then do what uvicorn does. Uvicorn waits for open
    responses before it stops, and a stream never ends by itself: without this, a stop would
    wait for ever (or for the graceful timeout)."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # signals belong to the main thread (not the case in tests)
    loop = asyncio.get_running_loop()
    previous: dict[int, Any] = {}

    def handler(signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(broker.stop)
        before = previous.get(signum)
        if callable(before):
            before(signum, frame)

    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.getsignal(sig)
        signal.signal(sig, handler)

    def restore() -> None:
        for sig, before in previous.items():
            if signal.getsignal(sig) is handler:
                signal.signal(sig, before)

    return restore
