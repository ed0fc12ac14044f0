import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, func
from sqlmodel import Session, col, select

from app.audit import log as audit
from app.audit.log import AuditAction
from app.auth import throttle
from app.auth.models import AuthSession, Role, User
from app.changes.notices import announce, revoke_notice
from app.core import errors
from app.core.db import read_locked
from app.core.security import hash_password, hash_token, new_token, verify_password
from app.core.settings import Settings
from app.core.time import utcnow

TOUCH_EVERY = timedelta(hours=1)

# Called in the writing transaction when a rep's region or team changed (what else depends on
# the audience a rep is in is put here by `app/listeners.py`, e.g. the campaigns).
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


class LoggedIn(NamedTuple):
    token: str
    user: User
    device: str  # the device cookie's value from now on


def login(
    session: Session,
    settings: Settings,
    *,
    email: str,
    password: str,
    address: str,
    agent: str,
    device: str | None,
) -> LoggedIn:
    email = email.strip().lower()
    user = find_user_by_email(session, email)
    known = throttle.is_known_device(session, user.id if user else None, device)
    try:
        throttle.check(session, settings, email=email, address=address, known=known)
    except errors.TooManyRequests:
        audit.record(session, AuditAction.login_throttled, actor_email=email, address=address)
        session.commit()
        raise
    ok = verify_password(password, user.password_hash if user else None)
    if user is None or not ok or not user.is_active:
        throttle.count_failure(session, email=email, address=address)
        audit.record(session, AuditAction.login_failed, actor_email=email, address=address)
        session.commit()  # the failure must count even though this request ends in an error
        raise errors.Unauthorized("Wrong email or password", code="wrong_credentials")
    throttle.forget_failures(session, email=email, address=address)
    audit.record(session, AuditAction.login, actor=user, address=address)
    token = start_session(session, user.id, days=settings.session_days, agent=agent)
    return LoggedIn(token, user, throttle.remember_device(session, user.id, device))


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


# Built once: every authenticated request runs it.
_BY_TOKEN = (
    select(User, AuthSession)
    .join(AuthSession, col(AuthSession.user_id) == User.id)
    .where(AuthSession.token_hash == bindparam("token_hash"))
)


def authenticate(
    session: Session, settings: Settings, token: str
) -> tuple[User, AuthSession] | None:
    row = session.exec(_BY_TOKEN, params={"token_hash": hash_token(token)}).first()
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


def update_user(
    session: Session,
    user: User,
    changes: dict[str, Any],
    *,
    actor: User | None = None,
    address: str = "",
) -> User:
    """Apply an admin's changes (`actor`: None for the command line); a changed region or team
    tells `AUDIENCE_LISTENERS`."""
    read_locked(session, user, "User not found")  # "changed?" is judged against what is now
    if (
        actor is not None
        and user.id == actor.id
        and (changes.get("is_active") is False or changes.get("role") not in (None, actor.role))
    ):
        raise errors.Conflict(
            "Admins cannot deactivate themselves or change their own role", code="own_account"
        )
    audience = (user.region, user.team)
    changed: dict[str, list[Any]] = {}
    for field, value in changes.items():
        if value is None:
            raise errors.BadRequest(f"{field} may not be null")
        if getattr(user, field) != value:
            changed[field] = [getattr(user, field), value]
        setattr(user, field, value)
    if changes.get("is_active") is False:
        revoke_all_sessions(session, user.id)
    session.add(user)
    session.flush()
    if (user.region, user.team) != audience:
        for listener in AUDIENCE_LISTENERS:
            listener(session, user)
    _audit_changes(session, user, changed, actor=actor, address=address)
    return user


def _audit_changes(
    session: Session, user: User, changed: dict[str, list[Any]], *, actor: User | None, address: str
) -> None:
    active = changed.pop("is_active", None)
    actions = (
        []
        if active is None
        else [AuditAction.user_reactivated if active[1] else AuditAction.user_deactivated]
    )
    for action in [*actions, *([AuditAction.user_changed] if changed else [])]:
        audit.record(
            session,
            action,
            actor=actor,
            address=address,
            target_type="user",
            target_id=user.id,
            target_name=user.email,
            details=changed if action == AuditAction.user_changed else None,
        )


def revoke_session(session: Session, session_id: uuid.UUID) -> None:
    session.execute(delete(AuthSession).where(col(AuthSession.id) == session_id))
    announce(session, revoke_notice(session_ids=[session_id]))  # its open app hears at once


def revoke_all_sessions(session: Session, user_id: uuid.UUID) -> None:
    session.execute(delete(AuthSession).where(col(AuthSession.user_id) == user_id))
    announce(session, revoke_notice(user_ids=[user_id]))


def set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    session.add(user)


def change_own_password(
    session: Session,
    settings: Settings,
    *,
    user: User,
    current_session: uuid.UUID,
    current_password: str,
    new_password: str,
    address: str,
) -> None:
    """The old password is required (and throttled like a login); every other session of the
    user ends, this one stays."""
    email = user.email.lower()
    throttle.check(session, settings, email=email, address=address, known=False)
    if not verify_password(current_password, user.password_hash):
        throttle.count_failure(session, email=email, address=address)
        session.commit()
        raise errors.BadRequest("The current password is wrong", code="wrong_password")
    if verify_password(new_password, user.password_hash):
        raise errors.BadRequest("The new password is the current one", code="same_password")
    set_password(session, user, new_password)
    others = session.exec(
        select(AuthSession.id).where(
            AuthSession.user_id == user.id, col(AuthSession.id) != current_session
        )
    ).all()
    if others:
        session.execute(delete(AuthSession).where(col(AuthSession.id).in_(others)))
        announce(session, revoke_notice(session_ids=list(others)))
    audit.record(
        session,
        AuditAction.password_changed,
        actor=user,
        address=address,
        details={"sessions_ended": len(others)},
    )


def reset_password(
    session: Session, *, user: User, new_password: str, actor: User, address: str
) -> None:
    """An admin sets a new password: every session of the user ends (their phones wipe at their
    next contact)."""
    if user.id == actor.id:
        raise errors.Conflict("Change your own password under your account", code="own_account")
    set_password(session, user, new_password)
    revoke_all_sessions(session, user.id)
    audit.record(
        session,
        AuditAction.password_reset,
        actor=actor,
        address=address,
        target_type="user",
        target_id=user.id,
        target_name=user.email,
    )
