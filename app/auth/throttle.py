"""Login throttling that slows an attacker without locking the real user out.

Failures are counted over `login_window_seconds` three ways: for this account from this address
(a guesser at one place: `login_max_failures_per_pair`), from this address for any account (a
sprayer: `login_max_failures_per_address`), and for this account from anywhere (a distributed
guesser: `login_max_failures_per_email`, higher). A browser that logged in to the account before
(its device cookie) is only held to the first: failures from elsewhere cannot lock its owner out.
"""

import uuid
from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.auth.models import KnownDevice, LoginFailure
from app.core import errors
from app.core.security import hash_token, new_token
from app.core.settings import Settings
from app.core.time import utcnow

DEVICE_COOKIE = "strang_device"
DEVICE_DAYS = 400


def is_known_device(session: Session, user_id: uuid.UUID | None, device: str | None) -> bool:
    if user_id is None or not device or len(device) > 64:
        return False
    row = session.exec(
        select(KnownDevice.id).where(
            KnownDevice.token_hash == hash_token(device), KnownDevice.user_id == user_id
        )
    ).first()
    return row is not None


def check(session: Session, settings: Settings, *, email: str, address: str, known: bool) -> None:
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    recent = col(LoginFailure.at) > since

    def failures(*where: object) -> int:
        return session.exec(select(func.count()).where(recent, *where)).one()  # type: ignore[arg-type]

    limited = failures(LoginFailure.email == email, LoginFailure.address == address) >= (
        settings.login_max_failures_per_pair
    )
    if not known:
        limited = limited or (
            failures(LoginFailure.address == address) >= settings.login_max_failures_per_address
            or failures(LoginFailure.email == email) >= settings.login_max_failures_per_email
        )
    if limited:
        raise errors.TooManyRequests(
            "Too many failed logins; try again later",
            retry_after=settings.login_window_seconds,
            code="too_many_attempts",
        )


def count_failure(session: Session, *, email: str, address: str) -> None:
    session.add(LoginFailure(email=email, address=address))


def forget_failures(session: Session, *, email: str, address: str) -> None:
    """A successful login clears its own pair's count (not the account's: a distributed guesser
    keeps being counted while its owner works)."""
    session.execute(
        delete(LoginFailure).where(
            col(LoginFailure.email) == email, col(LoginFailure.address) == address
        )
    )


def remember_device(session: Session, user_id: uuid.UUID, device: str | None) -> str:
    """The device cookie's value after a login: the same one when this browser logged in to this
    account before, else a new one (a shared phone remembers its latest user)."""
    now = utcnow()
    if device and len(device) <= 64:
        row = session.exec(
            select(KnownDevice).where(
                KnownDevice.token_hash == hash_token(device), KnownDevice.user_id == user_id
            )
        ).first()
        if row is not None:
            row.last_login_at = now
            session.add(row)
            return device
    token = new_token()
    session.add(KnownDevice(user_id=user_id, token_hash=hash_token(token), last_login_at=now))
    return token
