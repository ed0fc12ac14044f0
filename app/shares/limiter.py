"""A small in-process rate limiter for the public share pages: a sliding count per key over a
window (per token and per address). One process's memory: enough to blunt a guesser or a
flood on a self-hosted server; keys are forgotten after their window."""

import threading
import time
from collections import OrderedDict, deque


class RateLimiter:
    def __init__(self, limit: int, window: float, max_keys: int = 50_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        at = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.pop(key, None) or deque()
            while hits and hits[0] <= at - self.window:
                hits.popleft()
            allowed = len(hits) < self.limit
            if allowed:
                hits.append(at)
            self._hits[key] = hits  # most recent last
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            return allowed

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()
