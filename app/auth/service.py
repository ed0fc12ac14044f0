import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.auth.models import AuthSession, LoginFailure, Role, User
from app.core import errors
from app.core.db import read_locked
from app.core.security import hash_password, hash_token, new_token, verify_password
from app.core.settings import Settings
from app.core.time import utcnow
from app.live.notices import announce, revoke_notice

TOUCH_EVERY = timedelta(hours=1)

# Called in the writing transaction when a rep's region or team changed (what else depends on
# the audience a rep is in registers here, e.g. the campaigns: `app/campaigns/__init__.py`).
AUDIENCE_LISTENERS: list[Callable[[Session, User], None]] = []


def find_user_by_email(session: Session, email: str) -> User | None:
    query = select(User).where(func.lower(User.email) == email.strip().lower())
    return session.exec(query).first()


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: Role,
    password: str,
    region: str = "",
    team: str = "",
) -> User:
    if find_user_by_email(session, email) is not None:
        raise errors.Conflict("A user with this email already exists", code="email_taken")
    user = User(
        email=email.strip(),
        name=name,
        role=role,
        region=region,
        team=team,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def check_login_limit(session: Session, settings: Settings, *, email: str, address: str) -> None:
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    by_email = session.exec(
        select(func.count()).where(LoginFailure.email == email, col(LoginFailure.at) > since)
    ).one()
    by_address = session.exec(
        select(func.count()).where(LoginFailure.address == address, col(LoginFailure.at) > since)
    ).one()
    if (
        by_email >= settings.login_max_failures_per_email
        or by_address >= settings.login_max_failures_per_address
    ):
        raise errors.TooManyRequests(
            "Too many failed logins; try again later",
            retry_after=settings.login_window_seconds,
            code="too_many_attempts",
        )


def login(
    session: Session, settings: Settings, *, email: str, password: str, address: str, agent: str
) -> tuple[str, User]:
    email = email.strip().lower()
    check_login_limit(session, settings, email=email, address=address)
    user = find_user_by_email(session, email)
    ok = verify_password(password, user.password_hash if user else None)
    if user is None or not ok or not user.is_active:
        session.add(LoginFailure(email=email, address=address))
        session.commit()  # the failure must count even though this request ends in an error
        raise errors.Unauthorized("Wrong email or password", code="wrong_credentials")
    session.execute(delete(LoginFailure).where(col(LoginFailure.email) == email))
    return start_session(session, user.id, days=settings.session_days, agent=agent), user


def start_session(session: Session, user_id: uuid.UUID, *, days: int, agent: str = "") -> str:
    """A new session of `days` for the user; returns its token (only its hash is stored)."""
    token = new_token()
    now = utcnow()
    session.add(
        AuthSession(
            user_id=user_id,
            token_hash=hash_token(token),
            user_agent=agent[:300],
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    return token


def authenticate(
    session: Session, settings: Settings, token: str
) -> tuple[User, AuthSession] | None:
    row = session.exec(
        select(User, AuthSession)
        .join(AuthSession, col(AuthSession.user_id) == User.id)
        .where(AuthSession.token_hash == hash_token(token))
    ).first()
    if row is None:
        return None
    user, auth_session = row
    now = utcnow()
    if auth_session.expires_at <= now or not user.is_active:
        return None
    if now - auth_session.last_seen_at > TOUCH_EVERY:
        auth_session.last_seen_at = now
        auth_session.expires_at = now + timedelta(days=settings.session_days)
    return user, auth_session


def update_user(session: Session, user: User, changes: dict[str, Any]) -> User:
    """Apply an admin's changes; a changed region or team tells `AUDIENCE_LISTENERS`."""
    read_locked(session, user, "User not found")  # "changed?" is judged against what is now
    audience = (user.region, user.team)
    for field, value in changes.items():
        if value is None:
            raise errors.BadRequest(f"{field} may not be null")
        setattr(user, field, value)
    if changes.get("is_active") is False:
        revoke_all_sessions(session, user.id)
    session.add(user)
    session.flush()
    if (user.region, user.team) != audience:
        for listener in AUDIENCE_LISTENERS:
            listener(session, user)
    return user


def revoke_session(session: Session, session_id: uuid.UUID) -> None:
    session.execute(delete(AuthSession).where(col(AuthSession.id) == session_id))
    announce(session, revoke_notice(session_ids=[session_id]))  # its open app hears at once


def revoke_all_sessions(session: Session, user_id: uuid.UUID) -> None:
    session.execute(delete(AuthSession).where(col(AuthSession.user_id) == user_id))
    announce(session, revoke_notice(user_ids=[user_id]))


def set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    session.add(user)
