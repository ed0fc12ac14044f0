"""PostgreSQL: a change committed by one app process reaches the streams of another (NOTIFY),
and a listener whose connection dies reconnects and makes every phone pull once."""

import time
from collections.abc import Iterator

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from app.auth.models import Role
from app.core.settings import Settings
from tests.factories import Factory
from tests.live.sse import LiveReader
from tests.live.test_stream import WITHIN, reader, send_signal
from tests.server import Server, running_server


@pytest.fixture
def pg_settings(settings: Settings, backend: str) -> Settings:
    if backend != "postgres":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    return settings


@pytest.fixture
def two_servers(pg_settings: Settings) -> Iterator[tuple[Server, Server]]:
    with running_server(pg_settings) as first, running_server(pg_settings) as second:
        yield first, second


def acknowledge(url: str, marketing: dict[str, str], signal_id: str) -> None:
    answer = httpx.post(
        f"{url}/api/v1/signals/{signal_id}/acknowledge", headers=marketing, json={"reply": "ok"}
    )
    assert answer.status_code == 200, answer.text


def test_a_change_in_one_process_reaches_a_stream_of_another(
    two_servers: tuple[Server, Server], factory: Factory
) -> None:
    first, second = two_servers
    _, rep = factory.login_as(Role.rep)
    _, marketing = factory.login_as(Role.marketing)
    with httpx.Client(base_url=second.url) as http:
        signal_id = send_signal(http, rep)
    on_first, on_second = reader(first, rep), reader(second, rep)
    on_first.changes_within(0.5)  # the rep's own push
    on_second.changes_within(0.1)

    committed = time.monotonic()
    acknowledge(second.url, marketing, signal_id)
    for live in (on_first, on_second):
        notice = live.next_event(WITHIN)
        assert notice is not None and notice.name == "change"
        assert notice.at - committed < WITHIN
        live.close()


def _listeners(database: str) -> list[int]:
    admin = make_url(database).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND query LIKE 'LISTEN %%' AND pid <> pg_backend_pid()"
        ).fetchall()
        for (pid,) in rows:
            conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
    return [pid for (pid,) in rows]


def test_the_listener_reconnects_and_every_phone_pulls_once(
    pg_settings: Settings, factory: Factory
) -> None:
    _, rep = factory.login_as(Role.rep)
    _, marketing = factory.login_as(Role.marketing)
    with running_server(pg_settings) as server:
        with httpx.Client(base_url=server.url) as http:
            signal_id = send_signal(http, rep)
        live: LiveReader = reader(server, rep)
        live.changes_within(0.5)
        assert _listeners(pg_settings.database_url)  # as if PostgreSQL had restarted
        notice = live.next_event(15)  # the listener retries within a second or so
        assert notice is not None and notice.name == "change" and notice.data["scope"] == "all"
        acknowledge(server.url, marketing, signal_id)  # and it hears again
        notice = live.next_event(WITHIN)
        assert notice is not None and notice.data["scope"] == "rep"
        live.close()
