"""`/summary <project> month` for a 120-cadre project: a small database against a big one."""

from __future__ import annotations

import gc
import math
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import create_engine, event, text

from bench.query_data import CADRES, PROJECT, TZ, Shape, load_postgresql, load_sqlite, name, seed
from bench.query_data import shapes as make_shapes
from bot import gc_tuning
from bot.app import Runtime
from core.common.calendar import workdays
from core.review.windows import parse_window
from scheduler.limits import Limits
from storage import migrate
from storage.db import Database
from tests.auxil.factories import make_message, make_user, message_update, private
from tests.auxil.offline import OfflineRequest
from tests.conftest import ADMIN_ID, PG_URL, make_settings

SCALE = float(os.environ.get("BENCH_QUERY_SCALE", "1"))
WHICH = os.environ.get("BENCH_QUERY_DB", "both")
WINDOW = os.environ.get("BENCH_QUERY_WINDOW", "month")
RUNS = int(os.environ.get("BENCH_QUERY_RUNS", "30"))
WARMUP = 3
GOAL = 1.5


@dataclass
class Timing:
    """One database's timed runs and the statements one update issues."""

    times: list[float]
    statements: int

    @property
    def median(self) -> float:
        """Median seconds."""
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        """95th percentile seconds (nearest rank)."""
        ordered = sorted(self.times)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]


def _update() -> dict:
    """The admin's `/summary` in private, as getUpdates delivers it."""
    admin = make_user(ADMIN_ID, "组织部")
    text_ = f"/summary {PROJECT} {WINDOW}"
    return message_update(make_message(private(admin), admin, text_)).to_dict()


class _Bot:
    """The real bot on one database, an offline Bot API, the admin asking for the summary."""

    def __init__(self, url: str) -> None:
        self.db, self.request = Database(url), OfflineRequest()
        self.runtime = Runtime(make_settings(url), self.db, request=self.request)
        self.times: list[float] = []

    async def __aenter__(self) -> _Bot:
        await self.runtime.__aenter__()
        self.runtime.sender.limits = Limits(overall=10**9, per_group=10**9, chat_gap=0.0)
        gc_tuning.tune()  # as `frontline run` does once started
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.runtime.__aexit__(*exc)
        self.db.dispose()

    async def once(self) -> float:
        """One update end to end (store → process → send); checks the cadres are in the answer."""
        self.request.clear()
        raw = _update()
        gc.collect()  # a collection left over from earlier runs is not this run's cost
        start = time.perf_counter()
        await self.runtime.inbox.take([raw])  # as polling takes it
        await self.runtime.sender.drain()
        elapsed = time.perf_counter() - start
        sent = "\n".join(self.request.texts(ADMIN_ID))
        missing = [n for n in (name(0), name(CADRES // 2), name(CADRES - 1)) if n not in sent]
        assert not missing, f"/summary did not show {missing}: {sent[:300]!r}"
        return elapsed

    async def statements(self) -> int:
        """SQL statements one more such update issues."""
        count = 0

        def counter(*_args: object) -> None:
            nonlocal count
            count += 1

        event.listen(self.db.engine, "before_cursor_execute", counter)
        try:
            await self.once()
        finally:
            event.remove(self.db.engine, "before_cursor_execute", counter)
        return count


async def _measure(urls: list[str]) -> list[Timing]:
    """Warm-ups, then RUNS rounds; small and big take turns, so background load hits both."""
    async with AsyncExitStack() as stack:
        bots = [await stack.enter_async_context(_Bot(url)) for url in urls]
        for i in range(WARMUP + RUNS):
            for bot in bots if i % 2 == 0 else bots[::-1]:
                elapsed = await bot.once()
                if i >= WARMUP:
                    bot.times.append(elapsed)
        return [Timing(bot.times, await bot.statements()) for bot in bots]


def _build(url: str, shape: Shape, load: Callable[[Database, Shape], None]) -> float:
    """Schema from Alembic, the small tables, then the bulk load; seconds taken."""
    start = time.perf_counter()
    db = Database(url)
    migrate.upgrade(db)
    seed(db, shape)
    load(db, shape)
    db.dispose()
    return time.perf_counter() - start


@contextmanager
def _pg_schemas(count: int) -> Iterator[list[str]]:
    """Fresh PostgreSQL schemas as URLs (search_path), dropped at the end."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    names = [f"bench_q_{uuid.uuid4().hex[:10]}" for _ in range(count)]
    try:
        with admin.connect() as conn:
            for schema in names:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield [f"{PG_URL}?options=-csearch_path%3D{schema}" for schema in names]
    finally:
        with admin.connect() as conn:
            for schema in names:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _pg_missing() -> str | None:
    """Why PostgreSQL cannot be used, or None."""
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure means: skip PostgreSQL
        return f"not reachable at {PG_URL} ({type(exc).__name__})"


async def _database(label: str, urls: list[str], shapes: tuple[Shape, Shape],
                    load: Callable[[Database, Shape], None]) -> float:
    """Build small and big, measure both, print two lines; the build seconds."""
    built = sum(_build(url, shape, load) for url, shape in zip(urls, shapes, strict=True))
    small, big = await _measure(urls)
    for shape, t in (("small", small), ("big", big)):
        line = (f"  {label:<11} {shape:<6} median {t.median * 1000:6.1f} ms  "
                f"p95 {t.p95 * 1000:6.1f} ms   statements {t.statements}")
        if shape == "big":
            ratio = big.median / small.median
            line += f"   big/small {ratio:.2f}{'' if ratio <= GOAL else f' (goal ≤ {GOAL})'}"
            if big.statements != small.statements:
                line += f"   statements differ: {small.statements} vs {big.statements}"
        print(line, flush=True)
    return built


def _sqlite_load(db: Database, shape: Shape) -> None:
    """The SQLite bulk load on the database's file."""
    load_sqlite(db.engine.url.database or "", shape)


async def run() -> None:
    """Build small and big on SQLite and PostgreSQL, time the summary on each, print the table."""
    today = datetime.now(TZ).date()
    shapes = make_shapes(SCALE, today)
    small, big = shapes
    window = parse_window(WINDOW, today)
    print(f"query: /summary {PROJECT} {WINDOW}, {CADRES} cadres ({window.start}..{window.end}, "
          f"{len(workdays(window.start, window.end))} working days); {RUNS} runs after "
          f"{WARMUP} warm-ups, small and big in turn", flush=True)
    print(f"  small {small.projects} project, {small.cadres:,} cadres, {small.reports:,} reports; "
          f"big {big.projects} projects, {big.cadres:,} cadres, {big.reports:,} reports; "
          f"{len(big.days)} working days ({big.days[0]}..{big.days[-1]})", flush=True)
    builds: list[str] = []
    if WHICH in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            urls = [f"sqlite:///{tmp}/{shape.name}.db" for shape in shapes]
            built = await _database("sqlite", urls, shapes, _sqlite_load)
            builds.append(f"sqlite {built:.0f} s")
    if WHICH in ("postgresql", "both"):
        if (why := _pg_missing()) is not None:
            print(f"  postgresql  skipped: {why}")
        else:
            with _pg_schemas(2) as urls:
                built = await _database("postgresql", urls, shapes, load_postgresql)
                builds.append(f"postgresql {built:.0f} s")
    print(f"  build: {', '.join(builds) or 'nothing'}")
