from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from app.core.types import UtcDateTime


class SsoLogin(SQLModel, table=True):
    """A single sign-on in progress: what the callback must see again (state, nonce, the PKCE
    verifier, the browser that started it). Deleted when the callback uses it, so each works
    once; rows left behind expire."""

    __tablename__ = "sso_login"

    state_hash: str = Field(max_length=64, primary_key=True)
    browser_hash: str = Field(max_length=64)
    nonce: str = Field(max_length=100)
    code_verifier: str = Field(max_length=128)
    next_path: str = Field(default="", max_length=500)
    expires_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False, index=True))
