"""The local push service must itself be right, or the sending tests prove nothing."""

import time

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from tests.push.push_service import PushService, b64url, b64url_decode

# RFC 8291, Appendix A: the published example message and keys.
RFC_PLAINTEXT = b"When I grow up, I want to be a watermelon"
RFC_UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
RFC_UA_PUBLIC = (
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
)
RFC_AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg"
RFC_AS_PUBLIC = (
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
)
RFC_SALT = "DGv6ra1nlYgDCS1FRnbzlw"
RFC_BODY = (
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS"
    "6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qul"
    "cy4a-fN"
)


def test_decrypts_the_rfc_8291_appendix_a_example() -> None:
    ua_private = ec.derive_private_key(
        int.from_bytes(b64url_decode(RFC_UA_PRIVATE), "big"), ec.SECP256R1()
    )
    body = b64url_decode(RFC_BODY)
    assert body[:16] == b64url_decode(RFC_SALT)  # header: salt, rs = 4096, keyid = as_public
    assert body[21:86] == b64url_decode(RFC_AS_PUBLIC)
    assert b64url(ua_private.public_key().public_bytes(*_point())) == RFC_UA_PUBLIC
    plaintext = http_ece.decrypt(
        body,
        private_key=ua_private,
        auth_secret=b64url_decode(RFC_AUTH_SECRET),
        version="aes128gcm",
    )
    assert plaintext == RFC_PLAINTEXT


def _point() -> tuple[serialization.Encoding, serialization.PublicFormat]:
    return serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint


def _send(push_service: PushService, claims: dict[str, str | int], key: Vapid) -> int:
    device = push_service.devices[next(iter(push_service.devices))]
    try:
        response = webpush(
            device.subscription(),
            data='{"type":"x"}',
            vapid_private_key=key,
            vapid_claims=claims,
            ttl=60,
            timeout=5,
        )
    except WebPushException as exc:
        return int(exc.status_code or 0)
    return int(response.status_code)


def test_accepts_a_proper_push_and_refuses_bad_vapid(push_service: PushService) -> None:
    key = Vapid()
    key.generate_keys()
    server_key = b64url(key.public_key.public_bytes(*_point()))
    device = push_service.new_device(server_key)
    good = {"sub": "mailto:ops@example.test", "aud": push_service.origin}
    assert _send(push_service, dict(good), key) == 201
    assert push_service.messages(device) == [{"type": "x"}]

    assert _send(push_service, {**good, "aud": "https://elsewhere.test"}, key) == 401
    assert _send(push_service, {**good, "exp": int(time.time()) + 3 * 86400}, key) == 401
    other = Vapid()
    other.generate_keys()
    assert _send(push_service, dict(good), other) == 403  # not the subscription's key
    assert [status for _, status, _ in push_service.refused] == [401, 401, 403]
    assert len(push_service.messages(device)) == 1


def test_answers_what_the_test_asks_for(push_service: PushService) -> None:
    key = Vapid()
    key.generate_keys()
    push_service.new_device()
    push_service.answer_next(429, Retry_After="7")
    claims = {"sub": "mailto:ops@example.test"}
    try:
        webpush(
            push_service.devices[next(iter(push_service.devices))].subscription(),
            data="{}",
            vapid_private_key=key,
            vapid_claims=dict(claims),
            ttl=60,
            timeout=5,
        )
    except WebPushException as exc:
        assert exc.status_code == 429 and exc.retry_after == "7"
    else:
        pytest.fail("expected 429")
    assert _send(push_service, dict(claims), key) == 201
