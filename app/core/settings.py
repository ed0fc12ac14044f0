"""The one settings object. Built from `STRANG_*` environment variables and an optional `.env`."""

from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STRANG_", env_file=".env", extra="ignore")

    environment: str = Field("development", description="development | test | production")
    data_dir: Path = Path("./data")
    database_url: str = ""
    base_url: str = "http://127.0.0.1:8000"

    # The organisation time zone: every local date/time without an offset (CSV import, console
    # forms, the export's local columns) is read and written in it.
    timezone: str = "Europe/Berlin"

    # A push that would wait longer than this for its turn gets 503 + Retry-After at once
    # instead of queueing (app/core/turns.py, "shedding"); 0 lets every push wait. 1 s let
    # accepted pushes reach p99 1.45 s under overload; 0.1 s keeps them near 0.35 s (README).
    write_queue_seconds: float = Field(0.1, ge=0, le=60)

    session_days: int = 90
    # Failed logins counted over the window (see app/auth/throttle.py): for one account from one
    # address, from one address for any account, and for one account from anywhere.
    login_max_failures_per_pair: int = 5
    login_max_failures_per_address: int = 30
    login_max_failures_per_email: int = 50
    login_window_seconds: int = 900
    # Requests a minute to a shared link's page and beacons, per link and per address (files:
    # twice as many; app/shares/router.py).
    share_limit_per_minute: int = 300

    # Single sign-on with OpenID Connect (app/auth/sso.py): on when an issuer URL is set. The
    # provider's redirect URI for Strang is <base_url>/api/v1/auth/sso/callback.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_name: str = "single sign-on"  # shown as "Sign in with <name>"
    oidc_scopes: str = "openid email profile"
    # Users not yet in Strang are created at their first sign-on (off: an admin adds them first),
    # with the role their `oidc_role_claim` maps to ("group=role,group=role"), else the default.
    oidc_create_users: bool = False
    oidc_role_claim: str = "groups"
    oidc_roles: str = ""
    oidc_default_role: Literal["rep", "marketing", "admin"] = "rep"
    # Off: nobody logs in with a Strang password (the login screen offers only single sign-on).
    password_login: bool = True

    max_upload_bytes: int = 50 * 1024 * 1024
    pwa_dist: Path = Path(__file__).resolve().parents[2] / "pwa" / "dist"

    push_subject: str = "mailto:admin@strang.invalid"
    push_coalesce_seconds: float = 30.0
    push_allow_http_localhost: bool = False
    # What a lock screen may show: "none" (default) only neutral words ("2 new briefs");
    # "minimal" adds the name of the one lead or campaign, which the phone takes from its own
    # synced data. Names, titles and reply texts are never in a push payload.
    push_details: Literal["none", "minimal"] = "none"
    # Each delivery ends within this many seconds (connect, send and the whole answer), and at
    # most this many deliveries are in flight per app process.
    push_send_deadline_seconds: float = Field(15.0, gt=0)
    push_concurrency: int = Field(16, ge=1, le=256)
    # The push sender thread; None means "on, except when environment is test".
    push_sender_enabled: bool | None = None
    # Webhooks (app/webhooks): endpoints are reached over https only, verified with the
    # system's CAs or only with those in this PEM file (a private CA). Each delivery ends within
    # the deadline (connect, send, whole answer); at most `webhook_concurrency` are in flight
    # per app process and `webhook_per_endpoint` per endpoint, so a dead endpoint holds few
    # slots. Failed attempts are retried after base * 2^(attempt-1) seconds (capped, +-20 %
    # jitter) up to `webhook_max_attempts`, then the delivery is marked failed.
    webhook_ca_file: str = ""
    webhook_send_deadline_seconds: float = Field(10.0, gt=0)
    webhook_concurrency: int = Field(16, ge=1, le=256)
    webhook_per_endpoint: int = Field(2, ge=1, le=64)
    webhook_backoff_base_seconds: float = Field(30.0, gt=0)
    webhook_backoff_max_seconds: float = Field(6 * 3600.0, gt=0)
    webhook_max_attempts: int = Field(12, ge=1, le=100)
    webhook_poll_seconds: float = Field(0.25, gt=0)  # how often a process looks for due ones
    # Events (and their delivery log) are kept this long once no delivery waits for them.
    webhook_keep_days: int = Field(30, ge=1, le=3650)
    # The webhook sender thread; None means "on, except when environment is test".
    webhook_sender_enabled: bool | None = None
    # The insights roller process (app/insights/roller.py); None: on, except in tests, where
    # insights answers roll the backlog up themselves.
    insights_roller: bool | None = None

    # Live updates (app/live): a comment line on every open stream this often.
    live_heartbeat_seconds: float = Field(20.0, gt=0)

    metrics_token: str = ""
    log_json: bool = True

    @model_validator(mode="after")
    def _defaults_and_safety(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'strang.db').resolve()}"
        if self.environment == "production" and self.push_subject.endswith(".invalid"):
            raise ValueError("STRANG_PUSH_SUBJECT must be a real mailto: or https: address")
        if not self.push_subject.startswith(("mailto:", "https:")):
            raise ValueError("STRANG_PUSH_SUBJECT must start with mailto: or https:")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"STRANG_TIMEZONE: unknown time zone {self.timezone!r}") from exc
        if self.oidc_issuer and not self.oidc_client_id:
            raise ValueError("STRANG_OIDC_CLIENT_ID is needed with STRANG_OIDC_ISSUER")
        if not self.password_login and not self.oidc_issuer:
            raise ValueError("STRANG_PASSWORD_LOGIN=false needs STRANG_OIDC_ISSUER")
        if set(self.oidc_role_map.values()) - {"rep", "marketing", "admin"}:
            raise ValueError("STRANG_OIDC_ROLES: roles are rep, marketing or admin")
        if self.push_sender_enabled is None:
            self.push_sender_enabled = self.environment != "test"
        if self.webhook_sender_enabled is None:
            self.webhook_sender_enabled = self.environment != "test"
        if self.insights_roller is None:
            self.insights_roller = self.environment != "test"
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The organisation time zone."""
        return ZoneInfo(self.timezone)

    @property
    def oidc_role_map(self) -> dict[str, str]:
        """`oidc_roles` ("strang-admin=admin,strang-marketing=marketing") as claim value → role."""
        pairs = (item.partition("=") for item in self.oidc_roles.split(",") if "=" in item)
        return {value.strip(): role.strip() for value, _, role in pairs}

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_file(self) -> Path:
        return Path(make_url(self.database_url).database or "")

    @property
    def insights_file(self) -> Path:
        """SQLite only: the second file holding the insights aggregates, beside the main one
        (attached to every connection as `insights`; see app/core/db.py)."""
        main = self.sqlite_file
        return main.with_name(f"{main.stem}-insights{main.suffix}")

    @cached_property
    def https(self) -> bool:
        return urlsplit(self.base_url).scheme == "https"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"
