"""A test phone's live stream: reads `GET /api/v1/live` on a thread, event by event."""

import json
import queue
import threading
import time
from dataclasses import dataclass, field

import httpx


@dataclass
class Event:
    name: str  # "ping" for a heartbeat comment
    data: dict[str, object]
    at: float = field(default_factory=time.monotonic)


class LiveReader:
    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[Event | None] = queue.Queue()
        self.response_headers: httpx.Headers | None = None
        self.status = 0
        self.opened = threading.Event()
        self._client = httpx.Client(base_url=url, timeout=httpx.Timeout(10, read=None))
        self._thread = threading.Thread(target=self._read, args=(headers,), daemon=True)
        self._thread.start()
        assert self.opened.wait(10), "the stream did not open"

    def _read(self, headers: dict[str, str]) -> None:
        try:
            with self._client.stream("GET", "/api/v1/live", headers=headers) as response:
                self.status = response.status_code
                self.response_headers = response.headers
                self.opened.set()
                name, data = "message", ""
                for line in response.iter_lines():
                    if line.startswith(":"):
                        self.events.put(Event("ping", {}))
                    elif line.startswith("event: "):
                        name = line.removeprefix("event: ")
                    elif line.startswith("data: "):
                        data = line.removeprefix("data: ")
                    elif line == "" and data:  # a blank line ends an event (never a comment)
                        self.events.put(Event(name, json.loads(data) if data else {}))
                        name, data = "message", ""
        except httpx.HTTPError:
            pass
        finally:
            self.opened.set()
            self.events.put(None)  # the stream ended

    def next_event(self, timeout: float = 5.0, *, skip_pings: bool = True) -> Event | None:
        """The next event within `timeout` s; None when the stream ended. Fails on silence."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, "no event in time"
            try:
                found = self.events.get(timeout=left)
            except queue.Empty:
                raise AssertionError(f"no event within {timeout} s") from None
            if found is None or not (skip_pings and found.name == "ping"):
                return found

    def changes_within(self, seconds: float) -> list[Event]:
        """Every `change` event that arrives within `seconds` (waits the whole time)."""
        found = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                break
            if event is None:
                break
            if event.name == "change":
                found.append(event)
        return found

    def close(self) -> None:
        self._client.close()
