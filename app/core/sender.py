"""`SlotSender`: the loop every outbox sender runs (Web Push, webhooks).

A background thread keeps up to `workers` sends in flight on a thread pool, starting new ones
as slots free up and never waiting for a slow one; once per tick it does its own housekeeping
(fan-out, pruning). Subclasses say what housekeeping is and how to claim and start sends;
a failing tick is logged and the next one tries again, so nothing stops the loop.
"""

import logging
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import timedelta

log = logging.getLogger("strang.sender")

# A send ends by its deadline whatever the other side does; the margin covers settling it.
LEASE_MARGIN_SECONDS = 5.0


def lease(deadline_seconds: float) -> timedelta:
    """How long a claim holds: no other process takes a delivery that is still being sent, and
    a dead process's claims come back this long after they were taken."""
    return timedelta(seconds=deadline_seconds + LEASE_MARGIN_SECONDS)


class SlotSender:
    name = "sender"

    def __init__(self, workers: int, tick_seconds: float) -> None:
        self.workers = workers
        self.tick_seconds = tick_seconds
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # -- what a sender does -------------------------------------------------------------------
    def housekeeping(self) -> None:
        """Called once a tick, before sending."""

    def start_sending(self, pool: ThreadPoolExecutor, free: int) -> set[Future[None]]:
        """Claim and start up to `free` sends; each future's end should `wake` the loop."""
        raise NotImplementedError

    # -- the loop -----------------------------------------------------------------------------
    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def wake(self, *_: object) -> None:
        self._wake.set()

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        in_flight: set[Future[None]] = set()
        with ThreadPoolExecutor(self.workers, thread_name_prefix=self.name) as pool:
            while not self._stop.is_set():
                try:
                    self.housekeeping()
                    in_flight = {f for f in in_flight if not f.done()}
                    in_flight |= self.start_sending(pool, self.workers - len(in_flight))
                except Exception:  # never let the loop die; the next tick tries again
                    log.exception("%s tick failed", self.name)
                self._wake.wait(self.tick_seconds)
                self._wake.clear()

    def send_all_due(self) -> int:
        """Send every due item and wait for all of them (tests, the command line). Returns the
        number of sends started."""
        attempts = 0
        in_flight: set[Future[None]] = set()
        with ThreadPoolExecutor(self.workers, thread_name_prefix=self.name) as pool:
            while True:
                started = self.start_sending(pool, self.workers - len(in_flight))
                attempts += len(started)
                in_flight |= started
                if not in_flight:
                    return attempts
                _, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
