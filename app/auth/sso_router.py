"""Single sign-on routes: the login screen's options, and the two browser navigations of the
OpenID Connect flow (start → provider → callback). Both end in a redirect: into the app with a
Strang session (the same cookies as a password login), or back to the login screen with
`?sso_error=<code>`."""

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.audit import log as audit
from app.audit.log import AuditAction, address_of
from app.auth import service, sso, throttle
from app.auth.deps import SESSION_COOKIE
from app.auth.models import Role, User
from app.auth.router import _set_cookie
from app.auth.schemas import LoginOptions, SsoOption
from app.auth.sso_models import SsoLogin
from app.auth.throttle import DEVICE_COOKIE, DEVICE_DAYS
from app.core import errors
from app.core.deps import SettingsDep
from app.core.settings import Settings

router = APIRouter(tags=["auth"])

BROWSER_COOKIE = "strang_sso"
BROWSER_COOKIE_PATH = "/api/v1/auth/sso"


@router.get("/auth/options")
def login_options(settings: SettingsDep) -> LoginOptions:
    """How people log in here (no login needed): with a password, single sign-on, or both."""
    sso_option = SsoOption(name=settings.oidc_name) if settings.oidc_issuer else None
    return LoginOptions(password_login=settings.password_login, sso=sso_option)


def _configured(settings: Settings) -> None:
    if not settings.oidc_issuer:
        raise errors.NotFound("Single sign-on is not configured", code="sso_off")


def _refused(
    engine: Engine, request: Request, refusal: sso.SsoRefused, next_path: str = ""
) -> RedirectResponse:
    audit.record_apart(
        engine,
        AuditAction.login_failed,
        actor_email=refusal.email,
        address=address_of(request),
        details={"method": "sso", "reason": refusal.code},
    )
    login_page = "/console/" if next_path.startswith("/console") else "/"
    answer = RedirectResponse(f"{login_page}?{urlencode({'sso_error': refusal.code})}", 303)
    answer.delete_cookie(BROWSER_COOKIE, path=BROWSER_COOKIE_PATH)
    return answer


# These navigations are GETs that write: each write is a short transaction of its own on the
# writing engine, none open while the provider is asked (discovery, code exchange, keys).


@router.get("/auth/sso/start", include_in_schema=False)
def sso_start(request: Request, settings: SettingsDep, next: str | None = None) -> RedirectResponse:
    _configured(settings)
    engine: Engine = request.app.state.engine
    try:
        with Session(engine) as session:
            url, browser = sso.begin(session, settings, next)
            session.commit()
    except sso.SsoRefused as refusal:
        return _refused(engine, request, refusal, sso.safe_next(next))
    answer = RedirectResponse(url, 303)
    # Lax, not Strict: the provider's redirect back to the callback is a cross-site navigation.
    answer.set_cookie(
        BROWSER_COOKIE,
        browser,
        max_age=int(sso.LOGIN_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.https,
        path=BROWSER_COOKIE_PATH,
    )
    return answer


@router.get("/auth/sso/callback", include_in_schema=False)
def sso_callback(
    request: Request,
    settings: SettingsDep,
    state: str | None = None,
    code: str | None = None,
    error: str | None = None,
) -> RedirectResponse:
    _configured(settings)
    engine: Engine = request.app.state.engine
    next_path = ""
    try:
        login = _take(engine, state, request.cookies.get(BROWSER_COOKIE), error)
        next_path = login.next_path
        if not code:
            raise sso.SsoRefused("sso_provider_error", "The provider sent no code")
        claims = sso.claims_from_code(settings, login, code)
        for attempt in (1, 2):  # a first sign-on racing another of the same new user: once more
            try:
                with Session(engine, expire_on_commit=False) as session:
                    user, created = sso.user_for(session, settings, claims)
                    answer = _logged_in(session, settings, request, user, created, next_path)
                    session.commit()
                    return answer
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")
    except sso.SsoRefused as refusal:
        return _refused(engine, request, refusal, next_path)


def _take(engine: Engine, state: str | None, browser: str | None, error: str | None) -> SsoLogin:
    """The sign-on in progress, used up even when refused. A provider's error (the user said
    no at the provider, which need not send the state back then) is the refusal named."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            login = sso.take(session, state, browser)
        except sso.SsoRefused:
            if not error:
                raise
        finally:
            session.commit()
    if error:
        reason = "sso_denied" if error == "access_denied" else "sso_provider_error"
        raise sso.SsoRefused(reason, f"The provider answered: {error[:100]}")
    return login


def _logged_in(
    session: Session,
    settings: Settings,
    request: Request,
    user: User,
    created: bool,
    next_path: str,
) -> RedirectResponse:
    address = address_of(request)
    if created:
        audit.record(
            session,
            AuditAction.user_created,
            actor=user,
            address=address,
            target_type="user",
            target_id=user.id,
            target_name=user.email,
            details={"role": user.role.value, "method": "sso"},
        )
    audit.record(session, AuditAction.login, actor=user, address=address, details={"method": "sso"})
    agent = request.headers.get("User-Agent", "")
    token = service.start_session(session, user.id, days=settings.session_days, agent=agent)
    device = throttle.remember_device(session, user.id, request.cookies.get(DEVICE_COOKIE))
    home = "/" if user.role == Role.rep else "/console/"
    answer = RedirectResponse(next_path or home, 303)
    _set_cookie(answer, SESSION_COOKIE, token, settings.session_days, settings.https)
    _set_cookie(answer, DEVICE_COOKIE, device, DEVICE_DAYS, settings.https)
    answer.delete_cookie(BROWSER_COOKIE, path=BROWSER_COOKIE_PATH)
    return answer
