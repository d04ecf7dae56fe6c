"""`/scores <domain>` over ~2,000 cadres and a 3-month 考察期 on the big database (10,000
cadres, 2.5M reports), against `/summary <project> month` for one 120-cadre project on it."""

from __future__ import annotations

import gc
import os
import tempfile
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from datetime import datetime, timedelta

from sqlalchemy import event

from bench.query import Timing, _pg_missing, _pg_schemas, _sqlite_load
from bench.query_data import CADRES, PROJECT, TZ, Shape, load_postgresql, name, seed
from bench.query_data import shapes as make_shapes
from bench.scores_data import DAYS, DOMAIN, THEME, Extra, load_extra
from bot import gc_tuning
from bot.app import Runtime
from core.common.calendar import workdays
from scheduler.limits import Limits
from storage import migrate
from storage.db import Database
from tests.auxil.factories import make_message, make_user, message_update, private
from tests.auxil.offline import OfflineRequest
from tests.conftest import ADMIN_ID, make_settings

SCALE = float(os.environ.get("BENCH_SCORES_SCALE", "1"))
WHICH = os.environ.get("BENCH_SCORES_DB", "both")
RUNS = int(os.environ.get("BENCH_SCORES_RUNS", "10"))
WARMUP = 2
GOAL = 1.0  # a domain's scores in the time of one project's month
SCORES = f"/scores {DOMAIN}"
SUMMARIES = (f"/summary {PROJECT} month", f"/summary {PROJECT} week")  # with a chart, without


class _Bot:
    """The real bot on one database, an offline Bot API, the admin asking in private."""

    def __init__(self, url: str, extra: Extra) -> None:
        self.db, self.request, self.extra = Database(url), OfflineRequest(), extra
        self.runtime = Runtime(make_settings(url), self.db, request=self.request)

    async def __aenter__(self) -> _Bot:
        await self.runtime.__aenter__()
        self.runtime.sender.limits = Limits(overall=10**9, per_group=10**9, chat_gap=0.0)
        gc_tuning.tune()  # as `frontline run` does once started
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.runtime.__aexit__(*exc)
        self.db.dispose()

    async def once(self, text: str) -> float:
        """One update end to end (store → process → send); checks the answer names cadres."""
        self.request.clear()
        admin = make_user(ADMIN_ID, "组织部")
        raw = message_update(make_message(private(admin), admin, text)).to_dict()
        gc.collect()
        start = time.perf_counter()
        await self.runtime.inbox.take([raw])  # as polling takes it
        await self.runtime.sender.drain()
        elapsed = time.perf_counter() - start
        sent = "\n".join(self.request.texts(ADMIN_ID))
        if text == SCORES:  # a big board: a digest, and the whole board as a file
            sent += "".join(data.decode() for _name, data in self.request.documents(
                chat_id=ADMIN_ID))
        wanted = self.extra.scored_names if text == SCORES else [name(0), name(CADRES - 1)]
        missing = [n for n in wanted if n not in sent]
        assert not missing, f"{text} did not show {missing}: {sent[:300]!r}"
        return elapsed

    async def statements(self, text: str) -> int:
        """SQL statements one such update issues."""
        count = 0

        def counter(*_args: object) -> None:
            nonlocal count
            count += 1

        event.listen(self.db.engine, "before_cursor_execute", counter)
        try:
            await self.once(text)
        finally:
            event.remove(self.db.engine, "before_cursor_execute", counter)
        return count


async def _measure(url: str, extra: Extra) -> tuple[dict[str, Timing], int]:
    """Warm-ups, then RUNS rounds of the commands in turn; timings and /scores' messages."""
    commands = (SCORES, *SUMMARIES)
    async with AsyncExitStack() as stack:
        bot = await stack.enter_async_context(_Bot(url, extra))
        times: dict[str, list[float]] = {text: [] for text in commands}
        for i in range(WARMUP + RUNS):
            for text in commands if i % 2 == 0 else commands[::-1]:
                elapsed = await bot.once(text)
                if i >= WARMUP:
                    times[text].append(elapsed)
        found = {SCORES: Timing(times[SCORES], await bot.statements(SCORES))}
        messages = len(bot.request.texts(ADMIN_ID))
        for text in SUMMARIES:
            found[text] = Timing(times[text], await bot.statements(text))
        return found, messages


def _build(url: str, shape: Shape, load: Callable[[Database, Shape], None]) -> tuple[float, Extra]:
    """Schema, the small tables, the reports' bulk load, then the assessment tables."""
    start = time.perf_counter()
    db = Database(url)
    migrate.upgrade(db)
    seed(db, shape)
    load(db, shape)
    extra = load_extra(db, shape, datetime.now(TZ).date())
    db.dispose()
    return time.perf_counter() - start, extra


async def _database(label: str, url: str, shape: Shape,
                    load: Callable[[Database, Shape], None]) -> None:
    built, extra = _build(url, shape, load)
    timings, messages = await _measure(url, extra)
    scores = timings[SCORES]
    print(f"  {label}: built in {built:.0f} s; the domain holds {extra.cadres:,} cadres",
          flush=True)
    for text, t in timings.items():
        line = (f"    {text:<28} median {t.median * 1000:7.1f} ms  p95 {t.p95 * 1000:7.1f} ms  "
                f"statements {t.statements:3d}")
        line += (f"  ({messages} messages)" if text == SCORES
                 else f"  scores/this {scores.median / t.median:5.2f}")
        if text == SUMMARIES[0]:
            line += f" (goal ≤ {GOAL})"
        print(line, flush=True)


async def run() -> None:
    """Build the big database (SQLite and/or PostgreSQL), time both commands, print."""
    today = datetime.now(TZ).date()
    shape = make_shapes(SCALE, today)[1]
    start = today - timedelta(days=DAYS - 1)
    print(f"scores: {SCORES} over the open period {THEME} ({start}..{today}, "
          f"{len(workdays(start, today))} working days) vs {' and '.join(SUMMARIES)}; "
          f"{shape.cadres:,} cadres, {shape.projects} projects, {shape.reports:,} reports; "
          f"{RUNS} runs after {WARMUP} warm-ups, in turn", flush=True)
    if WHICH in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            await _database("sqlite", f"sqlite:///{tmp}/scores.db", shape, _sqlite_load)
    if WHICH in ("postgresql", "both"):
        if (why := _pg_missing()) is not None:
            print(f"  postgresql  skipped: {why}")
        else:
            with _pg_schemas(1) as (url,):
                await _database("postgresql", url, shape, load_postgresql)
