"""PostgreSQL: one `LISTEN` connection per app process, feeding the broker.

When the connection drops (PostgreSQL restarted, the network broke) the listener reconnects
with backoff and jitter, then tells every stream to pull once: notices sent while it was away
are lost, the pull is not.
"""

import asyncio
import logging
import random

import psycopg
from sqlalchemy.engine import make_url

from app.changes.notices import CHANNEL, Notice
from app.live.broker import Broker

log = logging.getLogger(__name__)
IDLE_CHECK_SECONDS = 30.0  # without a notice for this long, ask the server if it is still there
RETRY_FIRST = 0.5
RETRY_MAX = 10.0


def libpq_url(database_url: str) -> str:
    """The app's SQLAlchemy URL as psycopg takes it."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class Listener:
    def __init__(self, database_url: str, broker: Broker) -> None:
        self.url = libpq_url(database_url)
        self.broker = broker
        self.connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="live-listener")

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        failures = 0
        first = True
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    failures = 0
                    self.connected.set()
                    if not first:
                        self.broker.resync_all()
                    first = False
                    await self._listen(conn)
            except (psycopg.Error, OSError) as exc:
                self.connected.clear()
                failures += 1
                wait = min(RETRY_MAX, RETRY_FIRST * 2 ** (failures - 1))
                wait *= 0.5 + random.random()
                log.warning("live listener lost PostgreSQL, retrying in %.1f s: %s", wait, exc)
                await asyncio.sleep(wait)

    async def _listen(self, conn: psycopg.AsyncConnection[object]) -> None:
        while True:
            async for message in conn.notifies(timeout=IDLE_CHECK_SECONDS):
                try:
                    notice = Notice.decode(message.payload)
                except (ValueError, TypeError, AttributeError):
                    log.warning("live listener: unreadable notice %r", message.payload[:200])
                    continue
                self.broker.deliver(notice)
            await conn.execute("SELECT 1")  # quiet for a while: is the server still there?
