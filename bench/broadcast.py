"""A weekly prompt to 1,000 groups through the sender, against Telegram's limits."""

from __future__ import annotations

import os
import tempfile
import time
from bisect import bisect_left
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import Bot

from bench.query import _pg_missing, _pg_schemas
from bot.render import Renderer
from scheduler.limits import Limits
from scheduler.runner import Runner
from scheduler.sender import Sender
from scheduler.shared_limits import SharedPace
from storage import migrate
from storage.db import Database
from storage.tables import Chat, Domain, Membership, Person, Project
from tests.auxil.offline import OfflineRequest

GROUPS = int(os.environ.get("BENCH_GROUPS", "1000"))
PROJECTS = 10
TZ = ZoneInfo("Asia/Shanghai")
# Friday 2026-11-20 16:05 local: the week's last working day, after the 16:00 slot.
MOMENT = datetime(2026, 11, 20, 16, 5, tzinfo=TZ)


def _seed(db: Database) -> None:
    bound = (MOMENT - timedelta(days=30)).astimezone(UTC)
    with db.session() as s:
        domain = Domain(name="项目建设")
        s.add(domain)
        s.flush()
        projects = [Project(domain_id=domain.id, name=f"项目{i}", join_token=f"t{i}")
                    for i in range(PROJECTS)]
        s.add_all(projects)
        s.flush()
        for i, project in enumerate(projects):
            for j in range(5):
                person = Person(tg_id=10_000 + i * 10 + j, name=f"干部{i}-{j}", post="科员")
                s.add(person)
                s.flush()
                s.add(Membership(person_id=person.id, project_id=project.id))
        s.add_all(Chat(id=-1_000_000 - n, title=f"群{n}", project_id=projects[n % PROJECTS].id,
                       bound_at=bound, tz=TZ.key) for n in range(GROUPS))


def _max_in_window(times: list[float], window: float) -> int:
    best = 0
    for i, t in enumerate(times):
        best = max(best, i - bisect_left(times, t - window + 1e-9) + 1)
    return best


async def _broadcast(url: str, shared: bool) -> tuple[str, float, OfflineRequest]:
    """The weekly prompt through a fresh database at `url`: its outcome, seconds, requests."""
    db = Database(url)
    try:
        migrate.upgrade(db)
        _seed(db)
        request = OfflineRequest()
        bot = Bot("123456:BENCH-abcdefghij", request=request, get_updates_request=request)
        await bot.initialize()
        pace = SharedPace(db, pseudonym=lambda chat: chat) if shared else None
        runner = Runner(db, Sender(bot, limits=Limits(), shared=pace), Renderer("zh"),
                        admins=frozenset())
        start = time.monotonic()
        outcome = await runner.run(MOMENT, jobs=("weekly-prompt",), live=False)
        return outcome.line(), time.monotonic() - start, request
    finally:
        db.dispose()


def _report(label: str, line: str, total: float, request: OfflineRequest) -> None:
    sends = sorted(c.at for c in request.sent())
    per_group: dict[int, list[float]] = defaultdict(list)
    for call in request.sent():
        per_group[call.chat_id].append(call.at)
    floor = len(sends) / 30
    print(f"  {label}: {line}")
    print(f"    total {total:.1f} s vs Telegram floor {floor:.1f} s (n/30): "
          f"ratio {total / floor:.3f} (goal ≤ 1.1)")
    print(f"    most sends in any 1 s window: {_max_in_window(sends, 1.0)} (limit 30); "
          f"most to one group in any 60 s: "
          f"{max(_max_in_window(sorted(v), 60.0) for v in per_group.values())} (limit 20)")


async def run() -> None:
    print(f"broadcast: weekly prompt to {GROUPS} groups")
    with tempfile.TemporaryDirectory() as tmp:
        _report("SQLite, one process (its own pace)",
                *await _broadcast(f"sqlite:///{tmp}/broadcast.db", shared=False))
    if (why := _pg_missing()) is not None:
        print(f"  PostgreSQL: skipped, {why}")
        return
    with _pg_schemas(1) as (url,):
        _report("PostgreSQL (the pace every process shares, in the database)",
                *await _broadcast(url, shared=True))
