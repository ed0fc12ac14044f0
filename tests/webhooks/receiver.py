"""A CRM's webhook receiver, for tests: a real HTTPS server on 127.0.0.1 with a certificate of
the tests' own CA (tests/tls.py). It checks every request's signature with the very lines the
README gives receivers (read from the README and run), records what it accepted, and can make
one hook misbehave: answer 500 for the next n requests, never answer ("hang"), or trickle its
answer a header line at a time ("trickle")."""

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.tls import Authority

README = Path(__file__).resolve().parents[2] / "README.md"
Verify = Callable[[str, str, bytes], bool]


def readme_verifier() -> Verify:
    """`verify_strang_signature` exactly as the README's Production section shows it."""
    text = README.read_text()
    section = text[text.index("**Webhooks for the CRM**") :]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block is not None, "the README shows receivers how to check the signature"
    code = "\n".join(line.removeprefix("  ") for line in block.group(1).splitlines())
    scope: dict[str, Any] = {}
    exec(code, scope)
    return scope["verify_strang_signature"]  # type: ignore[no-any-return]


@dataclass
class Received:
    event: dict[str, Any]
    headers: dict[str, str]
    at: float  # time.monotonic()


@dataclass
class Hook:
    id: str
    url: str
    secret: str = ""
    mode: str = ""  # "" (well), "hang", "trickle"
    fail_next: int = 0  # answer 500 to this many requests first
    received: list[Received] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why a request was refused (401)
    tries: int = 0
    unanswered: int = 0  # requests held open until the sender gave up (or the receiver closed)

    def event_ids(self) -> list[str]:
        return [r.event["id"] for r in self.received]


class Receiver:
    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        self.hooks: dict[str, Hook] = {}
        self.verify = readme_verifier()
        self.lock = threading.Lock()
        self.closing = threading.Event()

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.handle(self, body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.socket = self.authority.server_context().wrap_socket(
            self.server.socket, server_side=True
        )
        self.origin = f"https://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()

    def hook(self) -> Hook:
        hook_id = uuid.uuid4().hex[:12]
        hook = Hook(hook_id, f"{self.origin}/hooks/{hook_id}")
        with self.lock:
            self.hooks[hook_id] = hook
        return hook

    def events(self, hook: Hook) -> list[dict[str, Any]]:
        with self.lock:
            return [r.event for r in hook.received]

    # -- the receiver's side -------------------------------------------------------------
    def handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        with self.lock:
            hook = self.hooks.get(handler.path.rsplit("/", 1)[-1])
            if hook is not None:
                hook.tries += 1
                failing = hook.fail_next > 0
                hook.fail_next -= int(failing)
        if hook is None:
            return self._answer(handler, 404)
        if hook.mode in ("hang", "trickle"):
            return self._stall(handler, hook)
        if failing:
            return self._answer(handler, 500, b"try later")
        headers = dict(handler.headers.items())
        signature = headers.get("Strang-Signature", "")
        if not self.verify(hook.secret, signature, body):
            with self.lock:
                hook.refused.append(signature)
            return self._answer(handler, 401, b"bad signature")
        event = json.loads(body)
        with self.lock:
            hook.received.append(Received(event, headers, time.monotonic()))
        self._answer(handler, 200, b"ok")

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, status: int, text: bytes = b"") -> None:
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(text)))
        handler.end_headers()
        handler.wfile.write(text)

    def _stall(self, handler: BaseHTTPRequestHandler, hook: Hook) -> None:
        with self.lock:
            hook.unanswered += 1
        try:
            if hook.mode == "trickle":
                handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
                handler.wfile.flush()
            while not self.closing.wait(0.5):
                if hook.mode == "trickle":
                    handler.wfile.write(b"X-Still-Thinking: yes\r\n")
                    handler.wfile.flush()
        except OSError:
            return
