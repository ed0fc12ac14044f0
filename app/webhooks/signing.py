"""Signing secrets and signatures.

No endpoint secret is stored. Each is derived when needed from one master key (made on first
use and kept in the database, one row shared by every app process, like the VAPID key):
`secret = "whsec_" + hex(HMAC-SHA256(master key, "<endpoint id>:<rotation counter>"))`. Rotating
bumps the counter, so the old secret stops verifying at once. The secret is shown to the admin
at creation and at rotation only.

A request carries `Strang-Signature: t=<unix seconds>,v1=<hex>`, where the hex is
HMAC-SHA256 with the secret (its UTF-8 bytes) as key over `"<t>." + body`; the README shows the
receiver's check in a few lines of Python."""

import hashlib
import hmac
import json
import secrets
import uuid

from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from app.core.time import utcnow
from app.webhooks.models import WebhookKey

KEY_ROW = 1
SECRET_PREFIX = "whsec_"
SIGNATURE_HEADER = "Strang-Signature"


def ensure_master_key(session: Session) -> bytes:
    """The master key, created if missing. Two processes racing here end with the same key."""
    row = session.get(WebhookKey, KEY_ROW)
    if row is None:
        values = {"id": KEY_ROW, "key_hex": secrets.token_hex(32), "created_at": utcnow()}
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        session.execute(insert(WebhookKey).values(**values).on_conflict_do_nothing())
        row = session.get(WebhookKey, KEY_ROW, populate_existing=True)
        if row is None:  # pragma: no cover - the insert above or a rival's insert made it
            raise RuntimeError("webhook_key row missing")
    return bytes.fromhex(row.key_hex)


def load_master_key(engine: Engine) -> bytes:
    with Session(engine) as session:
        key = ensure_master_key(session)
        session.commit()
    return key


def endpoint_secret(master_key: bytes, endpoint_id: uuid.UUID, version: int) -> str:
    message = f"{endpoint_id}:{version}".encode()
    return SECRET_PREFIX + hmac.new(master_key, message, hashlib.sha256).hexdigest()


def encode_body(body: dict[str, object]) -> bytes:
    """The exact bytes sent (and signed): compact JSON, keys sorted, UTF-8."""
    return json.dumps(body, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
