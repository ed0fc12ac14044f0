"""Marketing decides per item whether customers may download it from a shared link."""

from fastapi.testclient import TestClient

from app.auth.models import Role
from tests.factories import Factory
from tests.shares.helpers import Scene, new_token, share_create
from tests.sync.helpers import push


def test_marketing_allows_the_download_of_one_item(
    client: TestClient, factory: Factory, world: Scene
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    path = f"/api/v1/collateral/{world.pdf.id}"
    assert client.get(path, headers=marketing).json()["shareable_download"] is False
    assert (
        client.patch(path, json={"shareable_download": True}, headers=world.headers).status_code
        == 403
    )
    changed = client.patch(path, json={"shareable_download": True}, headers=marketing)
    assert changed.status_code == 200 and changed.json()["shareable_download"] is True
    assert (
        client.patch(path, json={"shareable_download": "maybe"}, headers=marketing).status_code
        == 422
    )

    token = new_token()
    push(client, world.headers, share_create(world.lead.id, [world.pdf.id], token=token))
    got = client.get(f"/s/{token}/files/{world.pdf.id}?download=1")
    assert got.headers["content-disposition"].startswith("attachment")
