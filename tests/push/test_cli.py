from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.settings import Settings
from app.push.models import PushSubscription
from tests.cli import strang
from tests.factories import Factory
from tests.push.conftest import public_key, rows_of, subscribed_device
from tests.push.push_service import PushService


def _strang(settings: Settings, *args: str) -> tuple[str, str]:
    result = strang(settings, "push", "keys", *args)
    assert result.exit_code == 0, result.output
    return result.stdout.strip(), result.stderr


def test_keys_prints_the_public_key_and_rotate_drops_subscriptions(
    client: TestClient,
    factory: Factory,
    push_service: PushService,
    settings: Settings,
    db: Session,
) -> None:
    printed, _ = _strang(settings)
    _, _, headers = subscribed_device(client, factory, push_service)
    assert public_key(client, headers) == printed
    assert _strang(settings)[0] == printed
    assert "PRIVATE" not in printed

    rotated, note = _strang(settings, "--rotate")
    assert rotated != printed and "1 subscriptions dropped" in note
    assert public_key(client, headers) == rotated
    assert rows_of(db, PushSubscription) == []
