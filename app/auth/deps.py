"""Who is asking: the one place where requests are authenticated and roles are checked."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine, update
from sqlmodel import Session

from app.auth.models import AuthSession, Role, User
from app.auth.service import authenticate
from app.core import errors
from app.core.db import READ_METHODS, SessionDep
from app.core.deps import SettingsDep
from app.core.settings import Settings

SESSION_COOKIE = "strang_session"
CSRF_HEADER = "X-Requested-With"


@dataclass(frozen=True)
class Principal:
    user: User
    session: AuthSession


def token_from(request: Request) -> tuple[str | None, bool]:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip(), False
    return request.cookies.get(SESSION_COOKIE), True


def _token(request: Request) -> str:
    token, from_cookie = token_from(request)
    if not token:
        raise errors.Unauthorized(code="not_logged_in")
    if from_cookie and request.method not in READ_METHODS and not request.headers.get(CSRF_HEADER):
        raise errors.Forbidden(f"Missing {CSRF_HEADER} header (CSRF check for cookie sessions)")
    return token


SESSION_ENDED = "Session expired or revoked"


def get_principal(request: Request, session: SessionDep, settings: SettingsDep) -> Principal:
    token = _token(request)
    in_request = request.method in READ_METHODS or not _is_sqlite(session)
    if in_request:
        found = authenticate(session, settings, token)
    else:
        found = _authenticate_for_write(request, settings, token)
    if found is None:
        raise errors.Unauthorized(SESSION_ENDED, code="session_ended")
    user, auth_session = found
    if in_request and session.is_modified(auth_session):
        # Sliding expiry on a read request: write it in its own short transaction, so that a
        # read-only SQLite transaction never has to upgrade to a write lock.
        _touch(request.app.state.engine, auth_session)
        session.expunge(auth_session)
    return Principal(user=user, session=auth_session)


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _authenticate_for_write(
    request: Request, settings: Settings, token: str
) -> tuple[User, AuthSession] | None:
    """Authenticate a SQLite write request in a short read transaction of its own.

    The request's own transaction then starts in the handler. On SQLite it takes the write
    lock; started here, the lock was held while FastAPI waited for a free worker thread to run
    the handler, and under load every worker thread sat waiting for that lock (a stall of the
    full busy timeout, then "database is locked"). PostgreSQL takes no lock for a read, so
    there the request's transaction reads the session too: a connection, a ping and a
    transaction less per push."""
    with Session(request.app.state.read_engine, expire_on_commit=False) as read:
        found = authenticate(read, settings, token)
        if found is not None and read.is_modified(found[1]):
            _touch(request.app.state.engine, found[1])
        return found


def _touch(engine: Engine, auth_session: AuthSession) -> None:
    with Session(engine) as write:
        write.execute(
            update(AuthSession)
            .where(AuthSession.id == auth_session.id)  # type: ignore[arg-type]
            .values(last_seen_at=auth_session.last_seen_at, expires_at=auth_session.expires_at)
        )
        write.commit()


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_current_user(principal: PrincipalDep) -> User:
    # async: no I/O here, so FastAPI runs it on the event loop without a thread hand-off
    return principal.user


CurrentUser = Annotated[User, Depends(get_current_user)]


def _allowed(user: User, roles: tuple[Role, ...]) -> User:
    if user.role not in roles:
        raise errors.Forbidden("Your role may not do this", code="role_forbidden")
    return user


def require_role(*roles: Role) -> Callable[[User], Awaitable[User]]:
    async def check(user: CurrentUser) -> User:
        return _allowed(user, roles)

    return check


def signed_in_rep(request: Request, session: Session, settings: Settings) -> User:
    """The rep making a request whose route signs in on the thread that runs its handler
    (`app.core.turns.one_hand_off`, `serial_writes`): one hand-off to a worker thread does
    both, where a dependency would cost a hand-off (and, for a write on SQLite, a read session)
    of its own. A write signs in inside its own transaction, after its write turn was taken, and
    its sliding expiry is written with its changes. Such a route names its 401 and 403 with
    `refusals`."""
    if request.method in READ_METHODS:
        return _allowed(get_principal(request, session, settings).user, (Role.rep,))
    found = authenticate(session, settings, _token(request))
    if found is None:
        raise errors.Unauthorized(SESSION_ENDED, code="session_ended")
    return _allowed(found[0], (Role.rep,))


RepUser = Annotated[User, Depends(require_role(Role.rep))]
MarketingUser = Annotated[User, Depends(require_role(Role.marketing, Role.admin))]
AdminUser = Annotated[User, Depends(require_role(Role.admin))]
