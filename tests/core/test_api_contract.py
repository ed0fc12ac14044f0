"""What the OpenAPI document promises about refusals and methods, and that the service keeps it."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role
from app.core.settings import Settings
from tests.factories import Factory
from tests.security.helpers import store_pdf
from tests.sync.helpers import Content


def responses(client: TestClient, method: str, path: str) -> set[str]:
    schema = client.get("/api/openapi.json").json()
    return set(schema["paths"][path][method]["responses"])


def test_each_operation_lists_the_refusals_it_gives(client: TestClient) -> None:
    assert {"401", "403", "404"} <= responses(client, "patch", "/api/v1/campaigns/{campaign_id}")
    assert "409" in responses(client, "patch", "/api/v1/campaigns/{campaign_id}")
    assert {"409", "413", "415"} <= responses(
        client, "post", "/api/v1/campaigns/{campaign_id}/collateral"
    )
    assert {"401", "429"} <= responses(client, "post", "/api/v1/auth/login")
    # a signed-in read that every role may make: no 403, no 404 without a row in its path
    assert responses(client, "get", "/api/v1/me") == {"200", "401"}
    assert "403" not in responses(client, "get", "/api/v1/files/{sha256}")


def test_a_refused_method_names_every_method_the_path_takes(
    client: TestClient, factory: Factory
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    answer = client.put("/api/v1/leads", headers=marketing)
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "GET, POST"
    row = client.post("/api/v1/campaigns/00000000-0000-0000-0000-000000000000", headers=marketing)
    assert row.status_code == 405
    assert row.headers["Allow"] == "DELETE, GET, PATCH"


def test_head_of_a_file_gives_its_headers_without_the_body(
    client: TestClient, factory: Factory, db: Session, settings: Settings
) -> None:
    rep = factory.user(Role.rep, region="North")
    other = factory.user(Role.rep, region="South")
    campaign = Content(db).campaign(regions=["North"])
    sha256, _ = store_pdf(db, settings, campaign.id)
    url = f"/api/v1/files/{sha256}"
    whole = client.get(url, headers=factory.auth(rep))
    head = client.head(url, headers=factory.auth(rep))
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(whole.content))
    assert head.headers["ETag"] == whole.headers["ETag"]
    assert head.headers["Content-Type"] == "application/pdf"
    part = client.head(url, headers={**factory.auth(rep), "Range": "bytes=0-3"})
    assert part.status_code == 206 and part.headers["Content-Range"].startswith("bytes 0-3/")
    assert client.head(url, headers=factory.auth(other)).status_code == 404
    assert client.head(url).status_code == 401
