import binascii
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from app.core.inputs import RequestBody
from app.push.keys import b64url_decode


def _key_bytes(value: str, size: int, what: str) -> str:
    try:
        raw = b64url_decode(value.strip())
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"{what} must be base64url") from exc
    if len(raw) != size:
        raise ValueError(f"{what} must be {size} bytes, got {len(raw)}")
    if size == 65 and raw[0] != 0x04:
        raise ValueError(f"{what} must be an uncompressed P-256 point")
    return value.strip().rstrip("=")


def _p256dh(value: str) -> str:
    return _key_bytes(value, 65, "p256dh")


def _auth(value: str) -> str:
    return _key_bytes(value, 16, "auth")


BASE64URL = r"^[A-Za-z0-9_-]+={0,2}$"


class SubscriptionKeys(RequestBody):
    """The browser's keys, base64url (checked further: p256dh an uncompressed P-256 point of
    65 bytes, auth 16 bytes)."""

    p256dh: Annotated[
        str, Field(min_length=87, max_length=88, pattern=BASE64URL), AfterValidator(_p256dh)
    ]
    auth: Annotated[
        str, Field(min_length=22, max_length=24, pattern=BASE64URL), AfterValidator(_auth)
    ]


class SubscriptionCreate(RequestBody):
    """What `PushSubscription.toJSON()` gives in the browser (expirationTime is ignored)."""

    endpoint: str = Field(min_length=1, max_length=2000)
    keys: SubscriptionKeys
    lang: str = Field(
        "",
        pattern=r"^([A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*)?$",
        max_length=35,
        description="The phone's language (navigator.language), used when the user chose none",
    )


class SubscriptionDelete(RequestBody):
    endpoint: str = Field(min_length=1, max_length=2000)


class SubscriptionPublic(BaseModel):
    endpoint: str
    created: bool


class PublicKey(BaseModel):
    """The `applicationServerKey` for `pushManager.subscribe()`: base64url, uncompressed
    P-256 point."""

    public_key: str
