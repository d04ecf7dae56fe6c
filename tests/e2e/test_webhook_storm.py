"""The storm (SPEC §9, §10): 2,000 reports from 50 cadres in 5 groups through 3 webhook
workers on PostgreSQL, one SIGKILLed and one SIGTERMed at random points, while the elected
scheduler sends 100 ledger messages. Every report is stored once, every command answered, no
acknowledgement or ledger message sent twice.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from .emulator import BotApiEmulator, TgObject
from .workers import Cluster, Worker, seed_groups

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

GROUPS, PER_GROUP, REPORTS, NOTICES = 5, 10, 2000, 2  # 50 cadres; 2 ledger messages each
COMMAND_EVERY = 40  # one /whoami in private among every 40 reports
PACE = 0.003
HOLDER = re.compile(r"webhook worker (worker-[0-9a-f]{12})")


@pytest.fixture
def cluster(emu: BotApiEmulator, admin: TgObject, pg_url: str, tmp_path) -> Iterator[Cluster]:
    made = Cluster(emu, pg_url, tmp_path, [admin.id])
    try:
        yield made
    finally:
        made.close()


def holder(worker: Worker) -> str:
    found = HOLDER.search(worker.output())
    assert found, worker.tail()
    return found.group(1)


def plan_notices(cluster: Cluster, cadres: list[TgObject]) -> dict[str, int]:
    """Triggered ledger messages, due now, as a handler would plan them: text -> chat."""
    notices, now = {}, datetime.now(UTC) - timedelta(seconds=1)
    rows = []
    for cadre in cadres:
        for n in range(NOTICES):
            text = f"风暴通知 {cadre.id} 第{n + 1}条"
            notices[text] = cadre.id
            rows.append({"job": "storm-notice", "target": f"person:{cadre.id}",
                         "period_key": f"storm-{n}", "chat_id": cadre.id, "status": "pending",
                         "attempts": 0, "error": "", "created_at": now, "due_at": now,
                         "payload": json.dumps({"text": text}, ensure_ascii=False)})
    with cluster.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO delivery (job, target, period_key, chat_id, status, attempts, error, "
            "created_at, due_at, payload) VALUES (%(job)s, %(target)s, %(period_key)s, "
            "%(chat_id)s, %(status)s, %(attempts)s, %(error)s, %(created_at)s, %(due_at)s, "
            "%(payload)s)", rows)
    return notices


def test_storm_through_three_workers_with_a_kill_and_a_stop(
        cluster: Cluster, emu: BotApiEmulator, admin: TgObject) -> None:
    rng = random.Random()
    seed_value = rng.randrange(1 << 30)
    rng.seed(seed_value)
    print(f"storm seed {seed_value}")  # shown with a failure
    kill_at = rng.randrange(300, 1100)
    term_at = rng.randrange(kill_at + 200, 1700)
    workers = cluster.add(3)
    for worker in workers:
        worker.start()
    cluster.route(in_flight=8)
    cadres, home = seed_groups(cluster, emu, admin, groups=GROUPS, per_group=PER_GROUP)
    for cadre in cadres:  # each cadre starts the bot in private (and asks who they are)
        emu.send(cadre, "private", "/whoami")
    cluster.wait(lambda e: all(e.texts(c.id) for c in cadres), timeout=90,
                 message="every cadre answered in private")
    notices = plan_notices(cluster, cadres)
    victim, stopped = rng.sample(workers, 2)
    killed_holder = holder(victim)

    sent: dict[tuple[int, int], str] = {}
    commands: list[int] = []
    moments: dict[str, datetime] = {}
    failure: list[BaseException] = []

    def flood() -> None:
        try:
            for i in range(REPORTS):
                cadre = cadres[rng.randrange(len(cadres))]
                text = f"#每日动态 第{i + 1}条\n完成：事项{i + 1}"
                msg = emu.send(cadre, home[cadre.id], text)
                sent[(msg["chat"]["id"], msg["message_id"])] = text
                if i % COMMAND_EVERY == 0:
                    asker = cadres[(i // COMMAND_EVERY) % len(cadres)]
                    emu.send(asker, "private", "/whoami")
                    commands.append(asker.id)
                if i == kill_at:
                    moments["kill"] = datetime.now(UTC)
                    victim.kill()
                if i == term_at:
                    moments["term"] = datetime.now(UTC)
                    assert stopped.stop() == 0, stopped.tail()
                time.sleep(PACE)
        except BaseException as exc:
            failure.append(exc)

    started = time.monotonic()
    thread = threading.Thread(target=flood, name="storm", daemon=True)
    thread.start()
    thread.join(timeout=180)
    assert not failure, failure
    assert len(sent) == REPORTS
    assert stopped.stop_seconds is not None and stopped.stop_seconds < 10, stopped.tail()

    def settled(_emu: BotApiEmulator) -> bool:
        open_rows = cluster.query("SELECT COUNT(*) FROM inbox WHERE status IN "
                                  "('pending', 'failed', 'claimed')")[0][0]
        ledger = cluster.query("SELECT COUNT(*) FROM delivery WHERE job = 'storm-notice' "
                               "AND status IN ('pending', 'claimed', 'sending')")[0][0]
        return emu.pending_updates() == 0 and open_rows == 0 and ledger == 0

    cluster.wait(settled, timeout=150, message="every update and ledger message done")
    elapsed = time.monotonic() - started

    # Every report stored exactly once.
    rows = cluster.query("SELECT chat_id, message_id, text FROM daily_report")
    keys = Counter((c, m) for c, m, _t in rows)
    assert [k for k, n in keys.items() if n > 1] == []
    assert {(c, m): t for c, m, t in rows} == sent
    statuses = dict(cluster.query("SELECT status, COUNT(*) FROM inbox GROUP BY status"))
    assert set(statuses) == {"done"} and statuses["done"] >= REPORTS + len(commands)

    # No acknowledgement sent twice for one message.
    acks = Counter((c["params"]["chat_id"], c["params"]["message_id"])
                   for c in emu.sent(method="setMessageReaction"))
    assert [k for k, n in acks.items() if n > 1] == []

    # Every command answered: the second /whoami of each asker (the first came before).
    # Replies go after the commit, from memory: the only ones a SIGKILL may take are those of
    # updates the victim committed in its last moments; they are counted, and must be few.
    answered = Counter(c["params"]["chat_id"] for c in emu.sent()
                       if "Telegram id" in str(c["params"].get("text", "")))
    unanswered = sum(max(0, 1 + n - answered[uid]) for uid, n in Counter(commands).items())
    in_hand = cluster.query(
        "SELECT COUNT(*) FROM inbox WHERE claimed_by = :h AND processed_at > :t",
        h=killed_holder, t=moments["kill"] - timedelta(seconds=2))[0][0]
    assert unanswered <= min(in_hand, 2), (unanswered, in_hand)

    # Every ledger message sent once (none left, none twice). The one exception SPEC §10 allows:
    # a send the victim had marked "sending" when it died is recorded uncertain by the worker
    # that takes it over, and never sent again (at most once).
    texts = Counter(str(c["params"].get("text", "")) for c in emu.sent())
    ledger = cluster.query("SELECT status, claimed_by, payload FROM delivery "
                           "WHERE job = 'storm-notice'")
    outcome = {json.loads(p)["text"]: (s, h) for s, h, p in ledger}
    odd = {t: (s, h) for t, (s, h) in outcome.items() if s != "sent"}
    assert all(s == "uncertain" and h == killed_holder for s, h in odd.values()), \
        (seed_value, killed_holder, odd)
    assert len(outcome) == len(notices), seed_value
    assert {t: texts[t] for t in notices if texts[t] != 1 and t not in odd} == {}, seed_value
    assert {t: texts[t] for t in odd if texts[t] > 1} == {}, seed_value
    assert emu.rejected == []
    print(f"\nstorm seed {seed_value}: {REPORTS} reports, {len(commands) + len(cadres)} "
          f"commands, {len(notices)} ledger messages; SIGKILL after {kill_at}, SIGTERM after "
          f"{term_at} ({stopped.stop_seconds:.1f}s to exit 0); settled in {elapsed:.0f}s; "
          f"posts {dict(emu.webhook_posts)}; acks {len(acks)}; lost replies {unanswered} "
          f"(in hand at the kill {in_hand}); ledger uncertain {len(odd)}")
