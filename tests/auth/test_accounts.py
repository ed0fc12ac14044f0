"""Accounts people can run themselves: their own password, admins' resets and deactivation, and
login throttling that slows a guesser without locking the real user out."""

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.auth.models import Role, User
from app.core.settings import Settings
from tests.factories import PASSWORD, Factory

LOGIN = "/api/v1/auth/login"
CHANGE = "/api/v1/me/password"
NEW = "a brand new passphrase"


@contextmanager
def from_address(app: FastAPI, address: str) -> Iterator[TestClient]:
    with TestClient(app, client=(address, 40000)) as client:
        yield client


def _login(client: TestClient, user: User, password: str = PASSWORD) -> int:
    return client.post(LOGIN, json={"email": user.email, "password": password}).status_code


def _bearer(client: TestClient, user: User, password: str = PASSWORD) -> dict[str, str]:
    response = client.post(LOGIN, json={"email": user.email, "password": password})
    assert response.status_code == 200, response.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_changing_your_password_ends_your_other_sessions_and_keeps_this_one(
    client: TestClient, factory: Factory
) -> None:
    rep = factory.user(Role.rep)
    laptop, phone = _bearer(client, rep), _bearer(client, rep)
    wrong = client.post(
        CHANGE, json={"current_password": "not it", "new_password": NEW}, headers=phone
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "wrong_password"
    assert client.get("/api/v1/me", headers=laptop).status_code == 200  # nothing changed

    same = client.post(
        CHANGE, json={"current_password": PASSWORD, "new_password": PASSWORD}, headers=phone
    )
    assert same.status_code == 400 and same.json()["code"] == "same_password"
    short = client.post(
        CHANGE, json={"current_password": PASSWORD, "new_password": "short"}, headers=phone
    )
    assert short.status_code == 422

    changed = client.post(
        CHANGE, json={"current_password": PASSWORD, "new_password": NEW}, headers=phone
    )
    assert changed.status_code == 204
    assert client.get("/api/v1/me", headers=phone).status_code == 200
    assert client.get("/api/v1/me", headers=laptop).status_code == 401
    assert _login(client, rep) == 401 and _login(client, rep, NEW) == 200


def test_an_admin_resets_a_password_and_every_session_of_that_user_ends(
    client: TestClient, factory: Factory
) -> None:
    admin, admin_headers = factory.login_as(Role.admin)
    rep, rep_headers = factory.login_as(Role.rep)
    url = f"/api/v1/users/{rep.id}/password"
    assert client.post(url, json={"new_password": NEW}, headers=rep_headers).status_code == 403
    marketing = factory.auth(factory.user(Role.marketing))
    assert client.post(url, json={"new_password": NEW}, headers=marketing).status_code == 403
    assert client.post(url, json={"new_password": NEW}).status_code == 401

    assert client.post(url, json={"new_password": NEW}, headers=admin_headers).status_code == 204
    assert client.get("/api/v1/me", headers=rep_headers).status_code == 401
    assert _login(client, rep, NEW) == 200

    own = client.post(
        f"/api/v1/users/{admin.id}/password", json={"new_password": NEW}, headers=admin_headers
    )
    assert own.status_code == 409 and own.json()["code"] == "own_account"


def test_an_admin_cannot_lock_themselves_out(client: TestClient, factory: Factory) -> None:
    admin, headers = factory.login_as(Role.admin)
    url = f"/api/v1/users/{admin.id}"
    for change in ({"is_active": False}, {"role": "rep"}):
        refused = client.patch(url, json=change, headers=headers)
        assert refused.status_code == 409 and refused.json()["code"] == "own_account"
    assert client.patch(url, json={"name": "Ada Admin"}, headers=headers).status_code == 200


def test_guessing_from_elsewhere_does_not_lock_out_a_browser_that_logged_in_before(
    app: FastAPI, factory: Factory, settings: Settings
) -> None:
    rep = factory.user(Role.rep)
    with from_address(app, "10.0.0.1") as own_phone:
        assert _login(own_phone, rep) == 200  # this browser now holds a device cookie
    with from_address(app, "203.0.113.9") as attacker:
        statuses = [_login(attacker, rep, f"guess {n}") for n in range(7)]
        pair = settings.login_max_failures_per_pair
        assert statuses == [401] * pair + [429] * (7 - pair)
        assert _login(attacker, rep) == 429  # even the right password: the guesser learns nothing
    with from_address(app, "198.51.100.7") as new_laptop:  # the owner, elsewhere: not blocked
        assert _login(new_laptop, rep) == 200


def test_many_failures_for_one_account_slow_new_browsers_but_not_known_ones(
    app: FastAPI, factory: Factory, settings: Settings
) -> None:
    settings.login_max_failures_per_email = 6
    rep = factory.user(Role.rep)
    with from_address(app, "10.0.0.1") as own_phone:
        assert _login(own_phone, rep) == 200
        device = own_phone.cookies.get("strang_device")
        assert device
        for n in range(6):  # a distributed guesser: a few tries from each of many places
            with from_address(app, f"203.0.113.{n}") as bot:
                assert _login(bot, rep, "guess") == 401
        with from_address(app, "198.51.100.7") as stranger:
            assert _login(stranger, rep) == 429
        own_phone.cookies.clear()
        own_phone.cookies.set("strang_device", device)
        assert _login(own_phone, rep) == 200


def test_a_device_cookie_of_another_account_is_no_pass(
    app: FastAPI, factory: Factory, settings: Settings
) -> None:
    settings.login_max_failures_per_email = 3
    attacker, victim = factory.user(Role.rep), factory.user(Role.rep)
    with from_address(app, "203.0.113.1") as client:
        assert _login(client, attacker) == 200  # a device cookie, but for the attacker's account
        for n in range(3):
            with from_address(app, f"203.0.113.{10 + n}") as bot:
                assert _login(bot, victim, "guess") == 401
        assert _login(client, victim, "guess") == 429
