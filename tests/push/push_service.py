"""A faithful local push service, the way Chrome's or Firefox's behaves toward a sender.

A real HTTP server on 127.0.0.1 (a thread). For every POST to a subscription endpoint it
checks the VAPID `Authorization: vapid t=<jwt>, k=<key>` header (ES256 signature verified with
`k`, `aud` is this server's origin, `exp` in the future and at most 24 h away, `sub` a mailto:
or https: address, `k` the applicationServerKey the subscription was made with), requires a
`TTL` header and `Content-Encoding: aes128gcm`, decrypts the body with the subscription's
private key and auth secret (RFC 8291, through http_ece) and records the plaintext, the
body's length and when it arrived. Tests can make it answer 404/410/429(+Retry-After)/500/...
for the next requests instead, or make one device's endpoint misbehave for good: never answer,
trickle its answer (a header line every few seconds), or answer 500.
"""

import base64
import json
import os
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MAX_PLAINTEXT = 3993  # what a push service accepts after decryption (RFC 8291 section 4)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def verify_vapid(header: str, *, audience: str, server_key: str | None) -> dict[str, Any]:
    """The claims of a valid VAPID header (RFC 8292), or Refused(401/403)."""
    scheme, _, params = header.partition(" ")
    if scheme.lower() != "vapid":
        raise Refused(401, f"Authorization scheme {scheme!r}, not vapid")
    values = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
    token, key = values.get("t", ""), values.get("k", "")
    if token.count(".") != 2 or not key:
        raise Refused(401, "vapid header needs t=<jwt> and k=<key>")
    head64, claims64, sig64 = token.split(".")
    jwt_header = json.loads(b64url_decode(head64))
    if jwt_header.get("alg") != "ES256":
        raise Refused(401, f"JWT alg {jwt_header.get('alg')!r}")
    try:
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
    except ValueError as exc:
        raise Refused(401, "k is not a P-256 point") from exc
    signature = b64url_decode(sig64)
    if len(signature) != 64:
        raise Refused(401, "ES256 signature must be 64 bytes (r || s)")
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        public.verify(der, f"{head64}.{claims64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise Refused(401, "JWT signature does not verify with k") from exc
    claims: dict[str, Any] = json.loads(b64url_decode(claims64))
    now = time.time()
    if claims.get("aud") != audience:
        raise Refused(401, f"aud {claims.get('aud')!r} is not {audience!r}")
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp <= now or exp > now + 86400:
        raise Refused(401, f"exp {exp!r} must be in the future and at most 24 h away")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise Refused(401, f"sub {claims.get('sub')!r} must be mailto: or https:")
    if server_key is not None and key.rstrip("=") != server_key.rstrip("="):
        raise Refused(403, "k is not the applicationServerKey of this subscription")
    return claims


@dataclass
class Device:
    """The browser side of one subscription: its key pair and auth secret."""

    id: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    server_key: str | None

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    def subscription(self) -> dict[str, Any]:
        """What `PushSubscription.toJSON()` gives the page."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth_secret)},
        }


@dataclass
class Received:
    device_id: str
    message: dict[str, Any]
    headers: dict[str, str]
    claims: dict[str, Any]
    body_length: int = 0
    at: float = 0.0  # time.monotonic() when it arrived
    raw: bytes = b""  # the decrypted plaintext, as sent


@dataclass
class PushService:
    devices: dict[str, Device] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    refused: list[tuple[str, int, str]] = field(default_factory=list)
    requests: int = 0
    _answers: deque[tuple[int, dict[str, str]]] = field(default_factory=deque)
    # device id -> "hang" | "trickle" | "error": how that endpoint misbehaves
    misbehaving: dict[str, str] = field(default_factory=dict)
    trickle_seconds: float = 5.0
    tries: dict[str, int] = field(default_factory=dict)  # device id -> requests for it
    _closing: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> "PushService":
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                device_id = self.path.rsplit("/", 1)[-1]
                with service._lock:
                    service.tries[device_id] = service.tries.get(device_id, 0) + 1
                mode = service.misbehaving.get(device_id)
                if mode == "hang" or mode == "trickle":
                    service.stall(self, trickle=mode == "trickle")
                    return
                if mode == "error":
                    with service._lock:
                        service.requests += 1
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status, headers = service.handle(self.path, dict(self.headers.items()), body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()
        self.server.shutdown()
        self.server.server_close()

    # -- what tests use ------------------------------------------------------------------
    def new_device(self, server_key: str | None = None) -> Device:
        device_id = uuid.uuid4().hex
        device = Device(
            id=device_id,
            endpoint=f"{self.origin}/push/{device_id}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=os.urandom(16),
            server_key=server_key,
        )
        with self._lock:
            self.devices[device_id] = device
        return device

    def answer_next(self, status: int, *, times: int = 1, **headers: str) -> None:
        """The next `times` requests get `status` (and headers, e.g. Retry_After="120")."""
        with self._lock:
            for _ in range(times):
                self._answers.append((status, {k.replace("_", "-"): v for k, v in headers.items()}))

    def misbehave(self, device: Device, mode: str | None) -> None:
        """From now on `device`'s endpoint never answers ("hang"), sends a header line every
        `trickle_seconds` and never finishes ("trickle"), or answers 500 ("error");
        None makes it well again."""
        with self._lock:
            if mode is None:
                self.misbehaving.pop(device.id, None)
            else:
                self.misbehaving[device.id] = mode

    def stall(self, handler: BaseHTTPRequestHandler, *, trickle: bool) -> None:
        """Hold the request open until the sender gives up or the service closes."""
        with self._lock:
            self.requests += 1
        try:
            if trickle:
                handler.wfile.write(b"HTTP/1.1 201 Created\r\n")
                handler.wfile.flush()
            while not self._closing.wait(self.trickle_seconds):
                if trickle:
                    handler.wfile.write(b"X-Still-Thinking: yes\r\n")
                    handler.wfile.flush()
        except OSError:
            return

    def messages(self, device: Device) -> list[dict[str, Any]]:
        with self._lock:
            return [r.message for r in self.received if r.device_id == device.id]

    # -- the push service's side ---------------------------------------------------------
    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
        with self._lock:
            self.requests += 1
            device = (
                self.devices.get(path.rsplit("/", 1)[-1]) if path.startswith("/push/") else None
            )
            answer = self._answers.popleft() if self._answers else None
        if device is None:
            return 404, {}
        if answer is not None:
            return answer
        lower = {k.lower(): v for k, v in headers.items()}
        try:
            claims = verify_vapid(
                lower.get("authorization", ""), audience=self.origin, server_key=device.server_key
            )
            if not lower.get("ttl", "").isdigit():
                raise Refused(400, "TTL header missing")
            if lower.get("content-encoding") != "aes128gcm":
                raise Refused(415, "Content-Encoding must be aes128gcm")
            try:
                plaintext = http_ece.decrypt(
                    body,
                    private_key=device.private_key,
                    auth_secret=device.auth_secret,
                    version="aes128gcm",
                )
            except Exception as exc:
                raise Refused(400, f"cannot decrypt: {exc}") from exc
            if len(plaintext) > MAX_PLAINTEXT:
                raise Refused(413, "payload too large")
        except Refused as refused:
            with self._lock:
                self.refused.append((device.id, refused.status, refused.reason))
            return refused.status, {}
        with self._lock:
            self.received.append(
                Received(
                    device.id,
                    json.loads(plaintext),
                    lower,
                    claims,
                    body_length=len(body),
                    at=time.monotonic(),
                    raw=plaintext,
                )
            )
        return 201, {"Location": f"{self.origin}/message/{uuid.uuid4().hex}"}
