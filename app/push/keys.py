"""The server's VAPID key pair: made on first use, kept in the database (one row shared by
every app process), rotated by `strang push keys --rotate`."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid
from sqlalchemy import Engine, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from app.core.time import utcnow
from app.push.models import PushSubscription, PushVapidKey

KEY_ROW = 1


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _new_pair() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return pem, b64url(point)


def ensure_vapid_key(session: Session) -> PushVapidKey:
    """The key row, created if missing. Two processes racing here end with the same key."""
    row = session.get(PushVapidKey, KEY_ROW)
    if row is not None:
        return row
    pem, public = _new_pair()
    values = {"id": KEY_ROW, "private_pem": pem, "public_key": public, "created_at": utcnow()}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(PushVapidKey).values(**values).on_conflict_do_nothing())
    row = session.get(PushVapidKey, KEY_ROW, populate_existing=True)
    if row is None:  # pragma: no cover - the insert above or a rival's insert made it
        raise RuntimeError("push_vapid_key row missing")
    return row


def load_vapid_key(engine: Engine) -> PushVapidKey:
    """The key row, read (or made) in a short write transaction of its own."""
    with Session(engine, expire_on_commit=False) as session:
        row = ensure_vapid_key(session)
        session.commit()
    return row


def signer(row: PushVapidKey) -> Vapid:
    return Vapid.from_pem(row.private_pem.encode())


def rotate_vapid_key(session: Session) -> tuple[str, int]:
    """Make a new pair and drop every subscription (they were bound to the old public key;
    phones resubscribe at their next start). Returns the new public key and how many
    subscriptions were dropped."""
    ensure_vapid_key(session)
    dropped = session.execute(delete(PushSubscription)).rowcount  # type: ignore[attr-defined]
    pem, public = _new_pair()
    row = session.get(PushVapidKey, KEY_ROW)
    assert row is not None
    row.private_pem, row.public_key, row.created_at = pem, public, utcnow()
    session.add(row)
    session.flush()
    return public, int(dropped or 0)
