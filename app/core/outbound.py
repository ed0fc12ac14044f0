"""One outgoing POST with a deadline for the whole exchange (push services, webhook endpoints).

The deadline is a watchdog, not a socket timeout: a socket timeout restarts with every byte
read, so a server that trickles its answer (a header line every few seconds) would hold the
request forever. At the deadline the watchdog shuts the socket down, which ends whatever read
or write is blocked on it.
"""

import contextlib
import functools
import http.client
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

ANSWER_MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class Answer:
    """What the server said: an HTTP status, or None when there was no full answer in time
    (network error or deadline)."""

    status: int | None
    retry_after: str | None = None
    detail: str = ""


@functools.cache
def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """The system's trusted CAs, or only those in `ca_file` (a private CA) when given."""
    return ssl.create_default_context(cafile=ca_file or None)


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    deadline: float,
    tls: ssl.SSLContext | None = None,
) -> Answer:
    """POST `body` and read the whole answer, all within `deadline` seconds."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        context = tls or tls_context()
        connection = http.client.HTTPSConnection(host, port, timeout=deadline, context=context)
    else:
        connection = http.client.HTTPConnection(host, port, timeout=deadline)
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(deadline, cut)
    watchdog.daemon = True
    watchdog.start()
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        connection.connect()
        if expired.is_set():
            return Answer(None, detail="deadline")
        connection.request("POST", path or "/", body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(ANSWER_MAX_BYTES)
        if expired.is_set():  # a cut connection reads like an end of headers: not an answer
            return Answer(None, detail="deadline")
        return Answer(
            response.status,
            response.getheader("Retry-After"),
            text[:200].decode("utf-8", "replace"),
        )
    except (OSError, http.client.HTTPException) as exc:
        # The socket's own timeout is the deadline too: on a busy machine it can fire before
        # the watchdog's thread gets to run, and it means the same.
        late = expired.is_set() or isinstance(exc, TimeoutError)
        return Answer(None, detail="deadline" if late else type(exc).__name__)
    finally:
        watchdog.cancel()
        connection.close()
