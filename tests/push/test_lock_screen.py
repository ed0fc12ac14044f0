"""What a lock screen may show: neutral words in the rep's language, no names, titles or reply
texts in the payload, and ciphertexts of one size whatever the words."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.settings import Settings
from app.push.notices import NoticeKind, notify_reps
from app.push.sender import PushSender
from app.push.wire import BUCKETS, HEADER_SIZE, TAG_SIZE
from app.push.words import clip
from tests.factories import Factory
from tests.push.conftest import Clock, deliver, subscribed_device
from tests.push.push_service import PushService

SECRETS = (
    "Zahnarztpraxis Dr. Müller",
    "Price list Q2 (confidential)",
    "Ihr Angebot ist zu teuer, sagt der Kunde",
    "Frühjahrsaktion Süd",
)


def _publish_everything(db: Session, rep_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """Every kind of notice, with the words each feature writes into its outbox row."""
    ids = {k: uuid.uuid4() for k in ("lead", "campaign", "signal")}
    notify_reps(
        db,
        [rep_id],
        kind=NoticeKind.new_leads,
        target_id=ids["lead"],
        title=f"New brief: {SECRETS[0]}",
    )
    notify_reps(
        db,
        [rep_id],
        kind=NoticeKind.new_collateral,
        target_id=ids["campaign"],
        title=f"New collateral in {SECRETS[3]}",
        body=SECRETS[1],
    )
    notify_reps(
        db,
        [rep_id],
        kind=NoticeKind.signal_answered,
        target_id=ids["signal"],
        title="Marketing answered your signal",
        body=SECRETS[2] * 8,
    )
    return ids


@pytest.mark.parametrize("details", ["none", "minimal"])
def test_payloads_name_nothing_and_all_have_one_size(
    client: TestClient,
    factory: Factory,
    push_service: PushService,
    settings: Settings,
    sender: PushSender,
    clock: Clock,
    db: Session,
    details: str,
) -> None:
    settings.push_details = details  # type: ignore[assignment]
    english = factory.user()
    german = factory.user()
    german.language = "de"
    db.add(german)
    db.commit()
    _, en_phone, _ = subscribed_device(client, factory, push_service, user=english)
    _, de_phone, _ = subscribed_device(client, factory, push_service, user=german)
    for rep in (english, german):
        _publish_everything(db, rep.id)
    db.commit()
    deliver(sender, clock)
    one = uuid.uuid4()
    notify_reps(db, [english.id], kind=NoticeKind.new_campaign, target_id=one, title=SECRETS[3])
    db.commit()
    deliver(sender, clock)

    received = list(push_service.received)
    assert len(received) == 3
    for r in received:
        for secret in SECRETS:
            assert secret.encode() not in r.raw and secret.split()[0].encode() not in r.raw
        assert r.message["details"] == details
    en_mixed, en_one = push_service.messages(en_phone)
    (de_mixed,) = push_service.messages(de_phone)
    assert en_mixed["title"] == "3 updates for you"
    assert (
        en_mixed["body"]
        == "New brief; New material in a campaign; Marketing replied to your signal"
    )
    assert de_mixed["title"] == "3 Neuigkeiten für dich"
    assert de_mixed["body"] == (
        "Neues Briefing; Neues Material in einer Kampagne; "
        "Das Marketing hat dein Signal beantwortet"
    )
    assert (en_one["title"], en_one["url"]) == ("New campaign", f"/campaign/{one}")
    # UTF-8 as it is, not \u escapes
    raw = next(r.raw for r in received if r.device_id == de_phone.id)
    assert "für".encode() in raw and b"\\u" not in raw
    # padded (RFC 8291): every body has the size of the first bucket, whatever the words
    assert {r.body_length for r in received} == {HEADER_SIZE + BUCKETS[0] + TAG_SIZE}


def test_the_phone_language_counts_when_the_user_chose_none(
    client: TestClient,
    factory: Factory,
    push_service: PushService,
    sender: PushSender,
    clock: Clock,
    db: Session,
) -> None:
    rep = factory.user()
    headers = factory.auth(rep)
    device = push_service.new_device(
        client.get("/api/v1/push/public-key", headers=headers).json()["public_key"]
    )
    bad = client.post(
        "/api/v1/push/subscriptions",
        json={**device.subscription(), "lang": "de AT"},
        headers=headers,
    )
    assert bad.status_code == 422 and "lang" in bad.text
    answer = client.post(
        "/api/v1/push/subscriptions",
        json={**device.subscription(), "lang": "de-AT"},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    lead, signal = uuid.uuid4(), uuid.uuid4()
    notify_reps(
        db, [rep.id], kind=NoticeKind.new_leads, target_id=lead, title="New brief: Bäckerei"
    )
    db.commit()
    deliver(sender, clock)
    notify_reps(
        db, [rep.id], kind=NoticeKind.signal_answered, target_id=signal, title="x", body="y"
    )
    db.commit()
    deliver(sender, clock)
    first, second = push_service.messages(device)
    assert (first["lang"], first["title"], first["url"]) == (
        "de",
        "Neues Briefing",
        f"/lead/{lead}",
    )
    assert first["body"] == "Öffne Strang, um es zu sehen."
    assert second["title"] == "Das Marketing hat dein Signal beantwortet"
    assert second["url"] == f"/signal/{signal}" and second["target_id"] == str(signal)


def test_words_are_cut_between_words_never_inside_one() -> None:
    text = "Neues Material in 12 Kampagnen; Das Marketing hat 3 deiner Signale beantwortet"
    for limit in range(10, len(text)):
        cut = clip(text, limit)
        assert len(cut) <= limit and cut.endswith("…")
        assert text.startswith(cut[:-1]) and text[len(cut) - 1] in " ;"
    assert clip("kurz", 10) == "kurz"
