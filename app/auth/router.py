import uuid

from fastapi import APIRouter, Request, Response, status
from sqlmodel import col, select

from app.audit import log as audit
from app.audit.log import AuditAction, address_of
from app.auth import service
from app.auth.deps import SESSION_COOKIE, AdminUser, CurrentUser, PrincipalDep
from app.auth.models import AuthSession, User
from app.auth.schemas import (
    LoginRequest,
    LoginResponse,
    PasswordChange,
    PasswordReset,
    SessionPublic,
    UserBrief,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from app.auth.throttle import DEVICE_COOKIE, DEVICE_DAYS
from app.core import errors
from app.core.answers import refusals
from app.core.db import SessionDep
from app.core.deps import SettingsDep

router = APIRouter(tags=["auth"])
users_router = APIRouter(prefix="/users", tags=["users"])


@router.post("/auth/login", responses=refusals(401, 429))
def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> LoginResponse:
    if not settings.password_login:
        raise errors.Forbidden(
            "Password login is switched off here: sign in with single sign-on",
            code="password_login_off",
        )
    logged_in = service.login(
        session,
        settings,
        email=body.email,
        password=body.password,
        address=address_of(request) or "unknown",
        agent=request.headers.get("User-Agent", ""),
        device=request.cookies.get(DEVICE_COOKIE),
    )
    _set_cookie(response, SESSION_COOKIE, logged_in.token, settings.session_days, settings.https)
    _set_cookie(response, DEVICE_COOKIE, logged_in.device, DEVICE_DAYS, settings.https)
    return LoginResponse(token=logged_in.token, user=UserBrief.model_validate(logged_in.user))


def _set_cookie(response: Response, name: str, value: str, days: int, secure: bool) -> None:
    response.set_cookie(
        name, value, max_age=days * 86400, httponly=True, samesite="strict", secure=secure, path="/"
    )


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(
    principal: PrincipalDep, session: SessionDep, request: Request, response: Response
) -> None:
    service.revoke_session(session, principal.session.id)
    audit.record(session, AuditAction.logout, actor=principal.user, address=address_of(request))
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me")
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user)


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT, responses=refusals(429))
def change_password(
    body: PasswordChange,
    principal: PrincipalDep,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> None:
    """Change your own password (the current one is required): your other sessions end, this
    one stays."""
    service.change_own_password(
        session,
        settings,
        user=principal.user,
        current_session=principal.session.id,
        current_password=body.current_password,
        new_password=body.new_password,
        address=address_of(request),
    )


@router.get("/me/sessions")
def my_sessions(principal: PrincipalDep, session: SessionDep) -> list[SessionPublic]:
    return _sessions_of(session, principal.user.id, current=principal.session.id)


@router.delete("/me/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_my_session(session_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> None:
    target = session.get(AuthSession, session_id)
    if target is None or target.user_id != principal.user.id:
        raise errors.NotFound("Session not found")
    service.revoke_session(session, session_id)


def _sessions_of(
    session: SessionDep, user_id: uuid.UUID, current: uuid.UUID | None = None
) -> list[SessionPublic]:
    rows = session.exec(
        select(AuthSession)
        .where(AuthSession.user_id == user_id)
        .order_by(col(AuthSession.last_seen_at).desc())
    )
    return [
        SessionPublic.model_validate(row).model_copy(update={"current": row.id == current})
        for row in rows
    ]


@users_router.get("")
def list_users(_: AdminUser, session: SessionDep) -> list[UserPublic]:
    users = session.exec(select(User).order_by(col(User.name)))
    return [UserPublic.model_validate(u) for u in users]


@users_router.post("", status_code=status.HTTP_201_CREATED, responses=refusals(409))
def create_user(
    body: UserCreate, admin: AdminUser, request: Request, session: SessionDep
) -> UserPublic:
    user = service.create_user(session, **body.model_dump())
    audit.record(
        session,
        AuditAction.user_created,
        actor=admin,
        address=address_of(request),
        target_type="user",
        target_id=user.id,
        target_name=user.email,
        details={"role": user.role.value},
    )
    return UserPublic.model_validate(user)


def _user_or_404(session: SessionDep, user_id: uuid.UUID) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise errors.NotFound("User not found")
    return user


@users_router.patch("/{user_id}", responses=refusals(409))
def update_user(
    user_id: uuid.UUID, body: UserUpdate, admin: AdminUser, request: Request, session: SessionDep
) -> UserPublic:
    """Change a user's name, role, region, team or active state. Deactivating ends their
    sessions at once (their phones wipe at the next contact); admins cannot deactivate or
    demote themselves."""
    user = _user_or_404(session, user_id)
    changes = body.model_dump(exclude_unset=True)
    updated = service.update_user(session, user, changes, actor=admin, address=address_of(request))
    return UserPublic.model_validate(updated)


@users_router.post(
    "/{user_id}/password", status_code=status.HTTP_204_NO_CONTENT, responses=refusals(409)
)
def reset_password(
    user_id: uuid.UUID, body: PasswordReset, admin: AdminUser, request: Request, session: SessionDep
) -> None:
    """Give a user a new password; all their sessions end."""
    user = _user_or_404(session, user_id)
    service.reset_password(
        session, user=user, new_password=body.new_password, actor=admin, address=address_of(request)
    )


@users_router.get("/{user_id}/sessions")
def user_sessions(user_id: uuid.UUID, _: AdminUser, session: SessionDep) -> list[SessionPublic]:
    _user_or_404(session, user_id)
    return _sessions_of(session, user_id)


@users_router.delete("/{user_id}/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_user_session(
    user_id: uuid.UUID, session_id: uuid.UUID, _: AdminUser, session: SessionDep
) -> None:
    target = session.get(AuthSession, session_id)
    if target is None or target.user_id != user_id:
        raise errors.NotFound("Session not found")
    service.revoke_session(session, session_id)
