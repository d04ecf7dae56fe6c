"""`frontline webhook` end to end: setWebhook at start, the secret, bad requests, health, stop."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from .conftest import BOT_USERNAME, TOKEN
from .emulator import BotApiEmulator, TgObject
from .workers import WEBHOOK_URL, Cluster

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

PATH = "/tg/updates"


@pytest.fixture
def cluster(emu: BotApiEmulator, admin: TgObject, pg_url: str, tmp_path) -> Iterator[Cluster]:
    made = Cluster(emu, pg_url, tmp_path, [admin.id], FRONTLINE_SCHEDULER="off")
    try:
        yield made
    finally:
        made.close()


def post(worker, body: bytes, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return worker.request("POST", PATH, body, headers)[0]


def inbox_rows(cluster: Cluster) -> int:
    return cluster.query("SELECT COUNT(*) FROM inbox")[0][0]


def test_two_workers_set_the_webhook_and_serve_commands(cluster: Cluster, emu: BotApiEmulator,
                                                        admin: TgObject) -> None:
    first, second = cluster.add(2)
    first.start()
    webhook = dict(emu._webhook)
    assert webhook["url"] == WEBHOOK_URL
    assert len(webhook["secret_token"]) == 64 and "message" in webhook["allowed_updates"]
    second.start()  # the same call again: harmless
    assert emu._webhook["secret_token"] == webhook["secret_token"]
    cluster.route()
    before = len(emu.texts(admin.id))
    for _ in range(4):
        emu.send(admin, "private", "/whoami")
    cluster.wait(lambda e: len(e.texts(admin.id)) >= before + 4, message="four answers")
    assert cluster.query("SELECT status, COUNT(*) FROM inbox GROUP BY status") == [("done", 4)]
    assert {w.get("/healthz")[0] for w in (first, second)} == {200}
    assert {w.get("/readyz")[0] for w in (first, second)} == {200}


def test_bad_requests_change_nothing(cluster: Cluster, emu: BotApiEmulator,
                                     admin: TgObject) -> None:
    [worker] = cluster.add(1)
    worker.start()
    cluster.route()
    answered = len(emu.texts(admin.id))  # the module's emulator keeps earlier tests' chats
    emu.send(admin, "private", "/whoami")  # the admin has started the bot: it may answer
    cluster.wait(lambda e: len(e.texts(admin.id)) > answered, message="the first answer")
    cluster.wait(lambda e: cluster.query("SELECT COUNT(*) FROM inbox WHERE status <> 'done'")
                 == [(0,)], message="the first update done")
    base = inbox_rows(cluster)
    secret = emu._webhook["secret_token"]
    update = {"update_id": 990_000_001, "message": {
        "message_id": 1, "date": 1_800_000_000, "chat": {"id": admin.id, "type": "private"},
        "from": {"id": admin.id, "is_bot": False, "first_name": "老周"}, "text": "/whoami",
        "entities": [{"type": "bot_command", "offset": 0, "length": 7}]}}
    good = json.dumps(update).encode()
    assert post(worker, good, None) == 403
    assert post(worker, good, "wrong" + secret[5:]) == 403
    assert post(worker, good, "") == 403
    assert post(worker, b"{" + b" " * (2 * 1024 * 1024) + b"}", secret) == 413
    assert post(worker, b"\x00garbage{", secret) == 400
    assert post(worker, b'{"update_id": 5}', secret) == 400
    assert post(worker, b'[1, 2, 3]', secret) == 400
    assert inbox_rows(cluster) == base
    assert worker.output().count("without the right secret token") == 3  # one line each
    assert secret not in worker.output()

    before = len(emu.texts(admin.id))
    assert post(worker, good, secret) == 200
    cluster.wait(lambda e: len(e.texts(admin.id)) == before + 1, message="the answer")
    assert post(worker, good, secret) == 200  # a replayed update: a no-op
    assert post(worker, good, secret) == 200
    assert inbox_rows(cluster) == base + 1
    cluster.wait(lambda e: cluster.query("SELECT status, COUNT(*) FROM inbox GROUP BY status")
                 == [("done", base + 1)], message="the update done")
    assert len(emu.texts(admin.id)) == before + 1


def test_readyz_says_503_on_an_outdated_schema(cluster: Cluster) -> None:
    [worker] = cluster.add(1)
    worker.start()
    [(head,)] = cluster.query("SELECT version_num FROM alembic_version")
    with cluster.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'c3f1a2b4d5e6'")
    try:
        assert worker.get("/readyz")[0] == 503
        assert worker.get("/healthz")[0] == 200
    finally:
        with cluster.engine.begin() as conn:
            conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{head}'")
    assert worker.get("/readyz")[0] == 200


def test_sigterm_drains_and_exits_0_within_10_seconds(cluster: Cluster, emu: BotApiEmulator,
                                                      admin: TgObject) -> None:
    [worker] = cluster.add(1)
    worker.start()
    cluster.route()
    before = len(emu.texts(admin.id))
    for _ in range(3):
        emu.send(admin, "private", "/whoami")
    cluster.wait(lambda e: cluster.query("SELECT COUNT(*) FROM inbox")[0][0] == 3,
                 message="three updates stored")
    assert worker.stop() == 0
    assert worker.stop_seconds is not None and worker.stop_seconds < 10
    statuses = dict(cluster.query("SELECT status, COUNT(*) FROM inbox GROUP BY status"))
    assert set(statuses) <= {"done", "pending"}  # in hand: finished; the rest given back
    assert len(emu.texts(admin.id)) == before + statuses.get("done", 0)  # replies went out
    assert "Traceback" not in worker.output()
    worker.start()  # nothing lost: the next worker does the rest
    cluster.wait(lambda e: len(e.texts(admin.id)) == before + 3, message="every answer")


def test_polling_deletes_the_webhook(cluster: Cluster, emu: BotApiEmulator, make_bot) -> None:
    [worker] = cluster.add(1)
    worker.start()
    assert emu._webhook.get("url") == WEBHOOK_URL
    worker.stop()
    emu.route_webhook([])
    make_bot().start()  # `frontline run`: it polls, so the webhook had to go
    assert emu._webhook == {}


def test_a_strangers_id_is_in_no_table_of_the_workers(pg_url: str, tmp_path) -> None:
    """A private chat's id may be a rater's (SPEC §6): after a worker answered one, no row of
    any table holds it, the shared send pace included. Its own emulator: no polling bot of
    this module's can take the update."""
    with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as emu:
        cluster = Cluster(emu, pg_url, tmp_path, [1], FRONTLINE_SCHEDULER="off")
        try:
            [worker] = cluster.add(1)
            worker.start()
            cluster.route()
            stranger = emu.user("路人")
            emu.send(stranger, "private", "/whoami")
            cluster.wait(lambda e: e.texts(stranger.id), message="an answer")
            tables = [t for (t,) in cluster.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                "current_schema() AND table_type = 'BASE TABLE'")]
            assert cluster.query("SELECT COUNT(*) FROM inbox WHERE status = 'done'") == [(1,)]
            assert cluster.query("SELECT COUNT(*) FROM pace")[0][0] > 0  # the reply was paced
            holding = [t for t in tables if cluster.query(
                f'SELECT COUNT(*) FROM "{t}" AS r WHERE r::text LIKE :id',
                id=f"%{stranger.id}%")[0][0]]
            assert holding == []
            assert str(stranger.id) not in worker.output()
        finally:
            cluster.close()
