"""One Web Push request on the wire: the message encrypted for the browser (RFC 8291,
aes128gcm, padded to a fixed size), signed for the push service (VAPID, RFC 8292), and POSTed
with a deadline for the whole exchange.

The deadline is a watchdog, not a socket timeout: a socket timeout restarts with every byte
read, so a push service that trickles its answer (a header line every few seconds) would hold
the request forever. At the deadline the watchdog shuts the socket down, which ends whatever
read or write is blocked on it.
"""

import base64
import contextlib
import functools
import http.client
import os
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from py_vapid import Vapid

RECORD_SIZE = 4096
HEADER_SIZE = 16 + 4 + 1 + 65  # salt, record size, key id length, sender public key
TAG_SIZE = 16
# Padded plaintext sizes (message + delimiter + zeros). Every message is padded up to the
# smallest bucket it fits, so the ciphertext length tells nothing about the words. The last
# bucket is the most a push service accepts (4096 bytes of body).
BUCKETS = (512, 1024, 2048, RECORD_SIZE - HEADER_SIZE - TAG_SIZE - 1)
ANSWER_MAX_BYTES = 64 * 1024
VAPID_HOURS = 12


class TooLarge(ValueError):
    """The message does not fit the largest bucket (a bug: messages are a few hundred bytes)."""


@dataclass(frozen=True)
class Answer:
    """What the push service said: an HTTP status, or None when there was no full answer
    in time (network error or deadline)."""

    status: int | None
    retry_after: str | None = None
    detail: str = ""


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def bucket_for(size: int) -> int:
    """The padded size for a message of `size` bytes (one byte more for the delimiter)."""
    for bucket in BUCKETS:
        if size + 1 <= bucket:
            return bucket
    raise TooLarge(f"push message of {size} bytes is larger than {BUCKETS[-1] - 1}")


def _hkdf(salt: bytes, info: bytes, length: int, key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(key)


def encrypt(message: bytes, p256dh: str, auth: str) -> bytes:
    """The aes128gcm body for one subscription: one record, padded to its bucket."""
    receiver_point = b64url_decode(p256dh)
    receiver = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), receiver_point)
    sender = ec.generate_private_key(ec.SECP256R1())
    sender_point = sender.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    shared = sender.exchange(ec.ECDH(), receiver)
    info = b"WebPush: info\x00" + receiver_point + sender_point
    ikm = _hkdf(b64url_decode(auth), info, 32, shared)
    salt = os.urandom(16)
    key = _hkdf(salt, b"Content-Encoding: aes128gcm\x00", 16, ikm)
    nonce = _hkdf(salt, b"Content-Encoding: nonce\x00", 12, ikm)
    padded = message + b"\x02" + b"\x00" * (bucket_for(len(message)) - len(message) - 1)
    header = salt + struct.pack("!IB", RECORD_SIZE, len(sender_point)) + sender_point
    return header + AESGCM(key).encrypt(nonce, padded, None)


def vapid_headers(vapid: Vapid, endpoint: str, subject: str) -> dict[str, str]:
    parts = urlsplit(endpoint)
    claims: dict[str, str | int] = {
        "sub": subject,
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(time.time()) + VAPID_HOURS * 3600,
    }
    return {str(k): str(v) for k, v in vapid.sign(claims).items()}


@functools.cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def post(endpoint: str, body: bytes, headers: dict[str, str], deadline: float) -> Answer:
    """POST `body` and read the whole answer, all within `deadline` seconds."""
    parts = urlsplit(endpoint)
    host, port = parts.hostname or "", parts.port
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(host, port, timeout=deadline, context=_tls())
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
        return Answer(None, detail="deadline" if expired.is_set() else type(exc).__name__)
    finally:
        watchdog.cancel()
        connection.close()
