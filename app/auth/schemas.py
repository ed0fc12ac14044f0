import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.auth.models import Role
from app.core.inputs import RequestBody


def _email(value: str) -> str:
    value = value.strip()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value or len(value) > 320:
        raise ValueError("not a valid email address")
    return value


Email = Annotated[str, Field(max_length=320), AfterValidator(_email)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Label = Annotated[str, Field(max_length=100)]
NewPassword = Annotated[str, Field(min_length=8, max_length=1024)]


class LoginRequest(RequestBody):
    email: Annotated[str, Field(min_length=1, max_length=320)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class UserBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    email: str
    name: str
    role: Role


class UserPublic(UserBrief):
    region: str
    team: str
    is_active: bool
    language: str


class LoginResponse(BaseModel):
    token: str
    user: UserBrief


class UserCreate(RequestBody):
    email: Email
    name: Name
    role: Role
    password: NewPassword
    region: Label = ""
    team: Label = ""


class PasswordChange(RequestBody):
    current_password: Annotated[str, Field(min_length=1, max_length=1024)]
    new_password: NewPassword


class PasswordReset(RequestBody):
    new_password: NewPassword


class UserUpdate(RequestBody):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    role: Role | None = None
    is_active: bool | None = None
    region: Label | None = None
    team: Label | None = None


class SessionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    user_agent: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    current: bool = False


class SsoOption(BaseModel):
    name: str  # the login screen's "Sign in with <name>"


class LoginOptions(BaseModel):
    password_login: bool
    sso: SsoOption | None
