"""One request on the wire: padded encryption the fixture can read, and a deadline that holds
against a push service that never answers or trickles its answer."""

import http_ece
import pytest

from app.core.outbound import post
from app.push.wire import BUCKETS, HEADER_SIZE, TAG_SIZE, TooLarge, bucket_for, encrypt
from tests.push.push_service import PushService


def test_every_message_of_a_bucket_encrypts_to_one_length(push_service: PushService) -> None:
    device = push_service.new_device()
    keys = device.subscription()["keys"]
    lengths = set()
    for text in ("{}", '{"title":"Neues Briefing"}', "x" * 510):
        body = encrypt(text.encode(), keys["p256dh"], keys["auth"])
        plain = http_ece.decrypt(
            body,
            private_key=device.private_key,
            auth_secret=device.auth_secret,
            version="aes128gcm",
        )
        assert plain == text.encode()
        lengths.add(len(body))
    assert lengths == {HEADER_SIZE + BUCKETS[0] + TAG_SIZE}
    assert [bucket_for(n) for n in (0, 511, 512, 1023, 3992)] == [512, 512, 1024, 1024, 3993]
    with pytest.raises(TooLarge):
        bucket_for(3993)


@pytest.mark.parametrize("mode", ["hang", "trickle"])
def test_the_deadline_ends_the_whole_exchange(push_service: PushService, mode: str) -> None:
    push_service.trickle_seconds = 0.2  # a fresh header line long before any read times out
    device = push_service.new_device()
    push_service.misbehave(device, mode)
    answer = post(device.endpoint, b"x", {"TTL": "60"}, deadline=1.5)
    # the trickling service had sent "201 Created": a cut answer is still no answer
    assert (answer.status, answer.detail) == (None, "deadline")
    push_service.misbehave(device, "error")
    assert post(device.endpoint, b"x", {}, deadline=1.5).status == 500
