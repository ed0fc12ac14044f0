"""The broker: which open streams of this process a notice concerns, and waking them.

Everything here runs on the event loop: a stream is an object and an `asyncio.Event`, no
thread and no database session. Notices reach the broker from the PostgreSQL listener or, on
SQLite, from the commit of a writer in this process (`notices.SUBSCRIBERS`).
"""

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from app.changes.notices import SUBSCRIBERS, Notice


@dataclass(eq=False)
class Stream:
    """One open stream: the rep's phone behind one session."""

    rep: str
    session: str
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    clock: int = 0  # the newest clock value announced since the last notice sent
    broad: bool = False  # a notice for everyone is among them
    revoked: bool = False
    closing: bool = False

    def take(self) -> tuple[int, bool]:
        """The clock value and scope to tell the phone, and forget them."""
        found = self.clock, self.broad
        self.clock, self.broad = 0, False
        self.wake.clear()
        return found


class Broker:
    def __init__(self) -> None:
        self._by_rep: dict[str, set[Stream]] = defaultdict(set)
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def open_streams(self) -> int:
        return sum(len(streams) for streams in self._by_rep.values())

    # ---- life ----

    def start(self, *, in_process: bool) -> None:
        """Bind to the running loop; `in_process`: take this process's commits (SQLite)."""
        self._loop = asyncio.get_running_loop()
        if in_process:
            SUBSCRIBERS.add(self._from_any_thread)

    def stop(self) -> None:
        """Ends every stream (shutdown: the phones reconnect to another process or later)."""
        SUBSCRIBERS.discard(self._from_any_thread)
        for stream in self._all():
            stream.closing = True
            stream.wake.set()

    def _from_any_thread(self, notice: Notice) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self.deliver, notice)

    # ---- streams ----

    @contextlib.contextmanager
    def open(self, rep: str, session: str) -> Iterator[Stream]:
        stream = Stream(rep=rep, session=session)
        self._by_rep[rep].add(stream)
        try:
            yield stream
        finally:
            streams = self._by_rep.get(rep)
            if streams is not None:
                streams.discard(stream)
                if not streams:
                    del self._by_rep[rep]

    def _all(self) -> list[Stream]:
        return [stream for streams in self._by_rep.values() for stream in streams]

    # ---- notices ----

    def deliver(self, notice: Notice) -> None:
        if notice.is_revoke:
            for stream in self._all():
                if stream.session in notice.sessions or stream.rep in notice.users:
                    stream.revoked = True
                    stream.wake.set()
        if notice.reps is None:
            targets = self._all()
        else:
            targets = [s for rep in notice.reps for s in self._by_rep.get(rep, ())]
        for stream in targets:
            stream.clock = max(stream.clock, notice.clock)
            stream.broad = stream.broad or notice.reps is None
            stream.wake.set()

    def resync_all(self) -> None:
        """Notices may have been lost (the listener reconnected): every phone pulls once."""
        self.deliver(Notice(reps=None))
