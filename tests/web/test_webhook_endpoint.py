"""The webhook endpoint and health checks through Starlette's test client (SQLite)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from pydantic import ValidationError
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from bot.app import Runtime
from bot.settings import ConfigError, Settings
from bot.webhook import Handoff, _WebSide
from storage import inbox as inbox_q
from storage import migrate
from storage.db import Database
from tests.auxil.factories import make_message, make_user, message_update, private
from tests.auxil.offline import OfflineRequest
from tests.conftest import make_settings
from web.app import create_app
from web.webhook import GroupCommit

URL = "https://bot.example.org/tg/hook"


@pytest.fixture
def runtime(tmp_path) -> Iterator[Runtime]:
    url = f"sqlite:///{tmp_path}/frontline.db"
    database = Database(url)
    migrate.upgrade(database)
    yield Runtime(make_settings(url, frontline_webhook_url=URL), database,
                  request=OfflineRequest())
    database.dispose()


@pytest.fixture
def stored() -> list[int]:
    return []


@pytest.fixture
def client(runtime: Runtime, stored: list[int]) -> TestClient:
    extra = Route("/dashboard", lambda _r: PlainTextResponse("dashboard"))
    # as a worker wires it: what is stored for the claims tells the worker
    handoff = Handoff(runtime.inbox, "worker-test", lambda: stored.append(1))
    return TestClient(create_app(_WebSide(runtime.settings, handoff, runtime.ready),
                                 routes=[extra]))


def update_body(update_id: int = 7001) -> bytes:
    user = make_user(3001, "张三")
    update = message_update(make_message(private(user), user, "/whoami"))
    return json.dumps({**update.to_dict(), "update_id": update_id}).encode()


def rows(runtime: Runtime) -> dict[str, int]:
    with runtime.db.session(write=False) as session:
        return inbox_q.counts(session)


def post(client: TestClient, runtime: Runtime, body: bytes, secret: str | None = "right"
         ) -> int:
    headers = {} if secret is None else {
        "X-Telegram-Bot-Api-Secret-Token":
            runtime.settings.webhook_token if secret == "right" else secret}
    return client.post("/tg/hook", content=body, headers=headers).status_code


def test_a_good_update_is_committed_before_the_200(client, runtime, stored) -> None:
    assert post(client, runtime, update_body()) == 200
    assert rows(runtime) == {"pending": 1}
    assert stored == [1]


def test_a_repeated_update_id_is_a_no_op(client, runtime) -> None:
    assert [post(client, runtime, update_body(5)) for _ in range(3)] == [200, 200, 200]
    assert rows(runtime) == {"pending": 1}


@pytest.mark.parametrize("secret", [None, "", "wrong", "right-but-longer"])
def test_a_missing_or_wrong_secret_gets_403_and_stores_nothing(client, runtime, stored, secret,
                                                                caplog) -> None:
    assert post(client, runtime, update_body(), secret) == 403
    assert rows(runtime) == {} and stored == []
    assert [r.getMessage() for r in caplog.records] == [
        "webhook: refused a request without the right secret token"]


def test_a_body_over_1_mb_gets_413(client, runtime) -> None:
    assert post(client, runtime, b"{" + b" " * (1024 * 1024) + b"}") == 413
    assert rows(runtime) == {}


@pytest.mark.parametrize("body", [b"", b"garbage", b"\xff\xfe", b"[1]", b'{"update_id": 1}',
                                  b'{"update_id": "1", "message": {}}',
                                  b'{"update_id": -1, "message": {}}'])
def test_what_is_not_an_update_gets_400(client, runtime, body) -> None:
    assert post(client, runtime, body) == 400
    assert rows(runtime) == {}


def test_only_the_webhook_urls_path_takes_updates(client, runtime) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": runtime.settings.webhook_token}
    assert client.post("/", content=update_body(), headers=headers).status_code == 404
    assert client.get("/tg/hook").status_code == 405
    assert client.get("/dashboard").text == "dashboard"  # other features add their routes


def test_health_and_readiness(client, runtime) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    with runtime.db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'c3f1a2b4d5e6'")
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_the_webhook_settings_are_checked_in_one_line() -> None:
    for url in ("", "http://bot.example.org/hook", "https:///hook"):
        with pytest.raises(ConfigError, match="FRONTLINE_WEBHOOK_URL"):
            make_settings("sqlite://", frontline_webhook_url=url).require_webhook()
    for listen in ("8080", "host:", "host:99999", ":80"):  # refused as the settings are read
        with pytest.raises(ValidationError, match="HOST:PORT"):
            make_settings("sqlite://", frontline_web_listen=listen, frontline_webhook_url=URL)
        with pytest.raises(ConfigError, match="FRONTLINE_WEB_LISTEN"):  # and as --listen
            Settings.listen_address(listen)
    settings = make_settings("sqlite://", frontline_webhook_url=URL + "?x=1",
                             frontline_web_listen="0.0.0.0:9000")
    settings.require_webhook()
    assert settings.webhook_path == "/tg/hook"
    assert settings.listen_address("[::1]:8081") == ("::1", 8081)
    token = settings.webhook_token
    assert len(token) == 64 and set(token) <= set("0123456789abcdef")
    assert token == make_settings("sqlite://").webhook_token  # derived from the secret alone
    assert token != make_settings("sqlite://", frontline_secret="another-secret-0123456789"
                                  ).webhook_token


async def test_updates_posted_meanwhile_are_committed_together() -> None:
    """Group commit at the edge: one insert and one commit for the POSTs in flight, each
    answered only once the commit holding its update is done."""
    batches: list[list[int]] = []
    gate = asyncio.Event()

    async def store(updates: list[dict]) -> int:
        await gate.wait()  # the first commit is slow: the next POSTs queue behind it
        batches.append([u["update_id"] for u in updates])
        return len(updates)

    edge = GroupCommit(store)
    first = asyncio.ensure_future(edge.commit({"update_id": 1}))
    await asyncio.sleep(0.05)
    rest = [asyncio.ensure_future(edge.commit({"update_id": n})) for n in (2, 3, 4)]
    await asyncio.sleep(0.05)
    assert not first.done() and not any(r.done() for r in rest)  # nothing answered yet
    gate.set()
    await asyncio.gather(first, *rest)
    assert batches == [[1], [2, 3, 4]]


async def test_posts_in_flight_together_wait_a_moment_for_each_other() -> None:
    batches: list[list[int]] = []

    async def store(updates: list[dict]) -> int:
        batches.append([u["update_id"] for u in updates])
        return len(updates)

    edge = GroupCommit(store)
    first = asyncio.ensure_future(edge.commit({"update_id": 1}))
    for _ in range(3):
        await asyncio.sleep(0)  # the first's commit has begun: the next POST comes
    await asyncio.gather(first, edge.commit({"update_id": 2}))
    assert batches == [[1, 2]]


async def test_a_group_that_cannot_commit_fails_every_post_in_it() -> None:
    async def store(updates: list[dict]) -> int:
        raise RuntimeError("the database is away")

    edge = GroupCommit(store)
    outcomes = await asyncio.gather(*(edge.commit({"update_id": n}) for n in range(3)),
                                    return_exceptions=True)
    assert [type(o) for o in outcomes] == [RuntimeError] * 3


def test_a_worker_parses_http_with_httptools_and_no_proxy_headers() -> None:
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    from bot.webhook import http_server

    server = http_server(create_app(), "127.0.0.1", 8080)
    server.config.load()
    assert server.config.http_protocol_class is HttpToolsProtocol
    assert not isinstance(server.config.loaded_app, ProxyHeadersMiddleware)
