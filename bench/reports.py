"""Daily reports through inbox → handler → commit (SQLite, PostgreSQL), against a bare PTB echo
handler; both in process on an offline Bot API, in the same run."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext

from telegram import Update
from telegram.ext import ApplicationBuilder, MessageHandler, filters

from bench import profile
from bench.query import _pg_missing, _pg_schemas
from bot import gc_tuning
from bot.app import Runtime
from scheduler.limits import Limits
from storage import migrate
from storage.db import Database
from tests.auxil.factories import make_group, make_message, make_user, message_update, private
from tests.auxil.offline import OfflineRequest
from tests.conftest import ADMIN_ID, make_settings

N = int(os.environ.get("BENCH_N", "2000"))
WHICH = os.environ.get("BENCH_REPORTS_DB", "both")
BATCH = 100  # getUpdates returns up to 100 updates at a time
GOAL = 0.5


def _updates(group, cadres) -> list[Update]:
    return [message_update(make_message(
        group, cadres[i % len(cadres)],
        f"#每日动态 第{i}条\n进度：{i % 100}%\n完成：签约{i}户\n问题：管线迁改\n计划：明日清表"))
        for i in range(N)]


@asynccontextmanager
async def _database(which: str) -> AsyncIterator[str | None]:
    """A fresh database URL (None: PostgreSQL is not reachable)."""
    if which == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
    elif _pg_missing() is not None:
        yield None
    else:
        with _pg_schemas(1) as (url,):
            yield url


async def _frontline(updates: list[Update], group, cadres, url: str,  # type: ignore[no-untyped-def]
                     sampler: profile.Sampler | None = None) -> float:
    db = Database(url)
    migrate.upgrade(db)
    admin = make_user(ADMIN_ID, "组织部")
    async with Runtime(make_settings(url), db, request=OfflineRequest()) as rt:
        # Offline Bot API: Telegram's pacing would only measure sleeping. Every report gets
        # its 👌, as the echo bot's every message gets its reply.
        rt.sender.limits = Limits(overall=10**9, per_group=10**9, chat_gap=0.0)
        gc_tuning.tune()  # as `frontline run` does once started
        setup = [message_update(make_message(private(admin), admin, t)) for t in
                 ("/domain add 项目建设", "/project add 项目建设 城南快速路")]
        setup.append(message_update(make_message(group, admin, "/bind 城南快速路")))
        setup += [message_update(make_message(group, c, f"/register {c.first_name} 干部"))
                  for c in cadres]
        rt.inbox.store(setup)
        await rt.inbox.process_pending()
        await rt.sender.drain()
        raw = [u.to_dict() for u in updates]  # as getUpdates delivers them
        with sampler or nullcontext():
            start = time.perf_counter()
            for i in range(0, len(raw), BATCH):  # as polling takes each getUpdates' answer
                await rt.inbox.take(raw[i:i + BATCH])
            await rt.sender.drain()
            elapsed = time.perf_counter() - start
    db.dispose()
    return elapsed


async def _echo(updates: list[Update]) -> float:
    app = (ApplicationBuilder().token("123456:BENCH-abcdefghij").request(OfflineRequest())
           .get_updates_request(OfflineRequest()).updater(None).build())

    async def echo(update: Update, _context) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    app.add_handler(MessageHandler(filters.TEXT, echo))
    raw = [u.to_dict() for u in updates]  # both sides start from Telegram's JSON
    async with app:
        start = time.perf_counter()
        for data in raw:
            await app.process_update(Update.de_json(data, app.bot))
        return time.perf_counter() - start


async def run() -> None:
    group = make_group()
    cadres = [make_user(2000 + i, f"干部{i}") for i in range(20)]
    updates = _updates(group, cadres)
    echoes = [await _echo(updates)]  # measured again after each run: the machine's load moves
    rates, ratios = [], []
    for which in ("sqlite", "postgresql"):
        if WHICH not in (which, "both"):
            continue
        async with _database(which) as url:
            if url is None:
                rates.append(f"{which} skipped ({_pg_missing()})")
                continue
            frontline = await _frontline(updates, group, cadres, url)
            echoes.append(await _echo(updates))
            rates.append(f"{which} {N / frontline:,.0f}/s")
            ratio = (echoes[-2] + echoes[-1]) / 2 / frontline  # the echo just before and after
            ratios.append(f"{which} {ratio:.2f}{'' if ratio >= GOAL else ' (short)'}")
    echo = f"bare PTB echo {', '.join(f'{N / e:,.0f}' for e in echoes)}/s (before and after each)"
    print(f"reports: {N} updates from Telegram's JSON, inbox → handler → commit → 👌 — "
          f"{', '.join([echo, *rates])}; ratio to the echo {', '.join(ratios)} (goal ≥ {GOAL})")
    sampler = profile.Sampler()
    async with _database("sqlite") as url:
        assert url is not None
        await _frontline(updates, group, cadres, url, sampler)
    print(sampler.line("reports (sqlite)", N), flush=True)
