"""One Web Push request on the wire: the message encrypted for the browser (RFC 8291,
aes128gcm, padded to a fixed size), signed for the push service (VAPID, RFC 8292), and POSTed
with a deadline for the whole exchange (`app.core.outbound.post`).
"""

import os
import struct
import time
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from py_vapid import Vapid

from app.push.keys import b64url_decode

RECORD_SIZE = 4096
HEADER_SIZE = 16 + 4 + 1 + 65  # salt, record size, key id length, sender public key
TAG_SIZE = 16
# Padded plaintext sizes (message + delimiter + zeros). Every message is padded up to the
# smallest bucket it fits, so the ciphertext length tells nothing about the words. The last
# bucket is the most a push service accepts (4096 bytes of body).
BUCKETS = (512, 1024, 2048, RECORD_SIZE - HEADER_SIZE - TAG_SIZE - 1)
VAPID_HOURS = 12


class TooLarge(ValueError):
    """The message does not fit the largest bucket (a bug: messages are a few hundred bytes)."""


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
