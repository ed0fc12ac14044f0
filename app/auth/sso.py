"""Single sign-on with OpenID Connect: the authorization code flow with PKCE (S256), state and
nonce. What the callback needs again is kept server-side (`SsoLogin`) and works once; the ID
token is checked here (signature by the provider's JWKS, issuer, audience, expiry, nonce) before
a user is matched by their verified e-mail address."""

import hmac
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import delete
from sqlmodel import Session, col

from app.auth import service
from app.auth.models import Role, User
from app.auth.sso_models import SsoLogin
from app.core.security import hash_token, new_token
from app.core.settings import Settings
from app.core.time import utcnow

LOGIN_TTL = timedelta(minutes=10)
CACHE_SECONDS = 3600.0
LEEWAY_SECONDS = 60
HTTP_TIMEOUT = 10.0
CALLBACK_PATH = "/api/v1/auth/sso/callback"
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]


class SsoRefused(Exception):
    """A sign-on that does not start a session; `code` is what the login screen words."""

    def __init__(self, code: str, detail: str, email: str = "") -> None:
        super().__init__(detail)
        self.code = code
        self.email = email


@dataclass
class _Cached:
    at: float
    value: Any


_cache: dict[str, _Cached] = {}
_cache_lock = threading.Lock()


def _get_json(url: str) -> Any:
    try:
        answer = requests.get(url, timeout=HTTP_TIMEOUT)
        answer.raise_for_status()
        return answer.json()
    except (requests.RequestException, ValueError) as exc:
        raise SsoRefused("sso_provider_error", f"The provider did not answer: {exc}") from exc


def _cached_json(url: str, *, fresh: bool = False) -> Any:
    with _cache_lock:
        hit = _cache.get(url)
    if hit and not fresh and time.monotonic() - hit.at < CACHE_SECONDS:
        return hit.value
    value = _get_json(url)
    with _cache_lock:
        _cache[url] = _Cached(time.monotonic(), value)
    return value


def provider(settings: Settings) -> dict[str, Any]:
    """The provider's discovery document (cached for an hour)."""
    issuer = settings.oidc_issuer.rstrip("/")
    metadata = _cached_json(f"{issuer}/.well-known/openid-configuration")
    if not isinstance(metadata, dict) or metadata.get("issuer", "").rstrip("/") != issuer:
        raise SsoRefused("sso_provider_error", "The discovery document names another issuer")
    return metadata


def _client(settings: Settings) -> OAuth2Session:
    return OAuth2Session(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        scope=settings.oidc_scopes,
        redirect_uri=settings.base_url.rstrip("/") + CALLBACK_PATH,
        code_challenge_method="S256",
    )


def safe_next(path: str | None) -> str:
    """Only a path on this site: "/console/x" yes, "//evil.example" or "https://..." no."""
    if not path or not path.startswith("/") or path.startswith(("//", "/\\")) or len(path) > 500:
        return ""
    return path if all(32 < ord(ch) < 127 for ch in path) else ""


def begin(session: Session, settings: Settings, next_path: str | None) -> tuple[str, str]:
    """Where to send the browser, and the value of the cookie that binds the callback to it."""
    metadata = provider(settings)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    browser = new_token()
    with _client(settings) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
        )
    now = utcnow()
    session.execute(delete(SsoLogin).where(col(SsoLogin.expires_at) < now))
    session.add(
        SsoLogin(
            state_hash=hash_token(state),
            browser_hash=hash_token(browser),
            nonce=nonce,
            code_verifier=verifier,
            next_path=safe_next(next_path),
            expires_at=now + LOGIN_TTL,
        )
    )
    return str(url), browser


def take(session: Session, state: str | None, browser: str | None) -> SsoLogin:
    """The sign-on this callback belongs to, removed so that it cannot be used again."""
    row = session.get(SsoLogin, hash_token(state)) if state else None
    if row is None:
        raise SsoRefused("sso_state_invalid", "Unknown or already used state")
    gone = session.execute(delete(SsoLogin).where(col(SsoLogin.state_hash) == row.state_hash))
    if getattr(gone, "rowcount", 0) != 1:  # a second callback racing this one
        raise SsoRefused("sso_state_invalid", "Unknown or already used state")
    if row.expires_at < utcnow():
        raise SsoRefused("sso_state_invalid", "The sign-on took too long")
    if not browser or not hmac.compare_digest(hash_token(browser), row.browser_hash):
        raise SsoRefused("sso_state_invalid", "The sign-on was started in another browser")
    return row


def claims_from_code(settings: Settings, login: SsoLogin, code: str) -> dict[str, Any]:
    """Exchanges the code (with the PKCE verifier) and returns the checked ID token's claims."""
    metadata = provider(settings)
    try:
        with _client(settings) as client:
            token = client.fetch_token(
                metadata["token_endpoint"], code=code, code_verifier=login.code_verifier
            )
    except (OAuthError, requests.RequestException, ValueError) as exc:
        raise SsoRefused("sso_provider_error", f"The code exchange failed: {exc}") from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SsoRefused("sso_provider_error", "The provider sent no ID token")
    claims = _verified_claims(metadata, id_token)
    _check_claims(settings, metadata, claims, login.nonce)
    return claims


def _verified_claims(metadata: dict[str, Any], id_token: str) -> dict[str, Any]:
    for fresh in (False, True):  # a key not seen yet: the provider may have rotated its keys
        keys = KeySet.import_key_set(_cached_json(metadata["jwks_uri"], fresh=fresh))
        try:
            return dict(jwt.decode(id_token, keys, algorithms=ALGORITHMS).claims)
        except JoseError as exc:
            if fresh:
                raise SsoRefused("sso_token_invalid", f"ID token not valid: {exc}") from exc
    raise AssertionError("unreachable")


def _check_claims(
    settings: Settings, metadata: dict[str, Any], claims: dict[str, Any], nonce: str
) -> None:
    email = str(claims.get("email", ""))
    if str(claims.get("iss", "")).rstrip("/") != metadata["issuer"].rstrip("/"):
        raise SsoRefused("sso_token_invalid", "ID token from another issuer", email)
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    azp = claims.get("azp")
    if settings.oidc_client_id not in audiences or (
        len(audiences) > 1 and azp != settings.oidc_client_id
    ):
        raise SsoRefused("sso_wrong_audience", "ID token issued for another client", email)
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or expires + LEEWAY_SECONDS < time.time():
        raise SsoRefused("sso_token_expired", "ID token expired", email)
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SsoRefused("sso_nonce_invalid", "ID token carries another nonce", email)
    if not email or claims.get("email_verified") is not True:
        raise SsoRefused("sso_email_unverified", "The provider has not verified the e-mail", email)


def role_from(settings: Settings, claims: dict[str, Any]) -> Role:
    """The highest role any of the claim's values maps to, else the default role."""
    value = claims.get(settings.oidc_role_claim)
    values = value if isinstance(value, list) else [value]
    mapped = {settings.oidc_role_map.get(str(v)) for v in values if v is not None}
    for role in (Role.admin, Role.marketing, Role.rep):
        if role.value in mapped:
            return role
    return Role(settings.oidc_default_role)


def user_for(session: Session, settings: Settings, claims: dict[str, Any]) -> tuple[User, bool]:
    """The Strang user for a checked ID token, created when allowed; True when new."""
    email = str(claims["email"]).strip()
    user = service.find_user_by_email(session, email)
    if user is None:
        if not settings.oidc_create_users:
            raise SsoRefused("sso_unknown_user", "No Strang account for this e-mail", email)
        name = str(claims.get("name") or email.split("@")[0])[:200]
        role = role_from(settings, claims)
        user = service.create_user(session, email=email, name=name, role=role, password=new_token())
        return user, True
    if not user.is_active:
        raise SsoRefused("sso_user_inactive", "This account is deactivated", email)
    return user, False
