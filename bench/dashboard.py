"""The dashboard's board API for a ~2,000-cadre domain on the big database (10,000 cadres,
2.5M reports), against `/scores <domain>` on the same database in the same run; and, where
Debian's chromium is installed, how long the page takes to show that board once its data
has arrived."""

from __future__ import annotations

import asyncio
import gc
import os
import tempfile
import time
from collections.abc import Callable
from datetime import datetime

import httpx
from sqlalchemy import event

from bench.query import Timing, _pg_missing, _pg_schemas, _sqlite_load
from bench.query_data import TZ, Shape, load_postgresql
from bench.query_data import shapes as make_shapes
from bench.scores import SCORES, _Bot, _build
from bench.scores_data import DOMAIN, Extra
from bot.dashboard import web_app
from storage.db import Database
from tests.auxil.launch import fragment, sign_launch
from tests.conftest import ADMIN_ID, make_settings

SCALE = float(os.environ.get("BENCH_DASHBOARD_SCALE", "1"))
WHICH = os.environ.get("BENCH_DASHBOARD_DB", "sqlite")
RUNS = int(os.environ.get("BENCH_DASHBOARD_RUNS", "10"))
WARMUP = 2
URL = "https://dash.example.org/dashboard"
PATH = f"/dashboard/api/board?scope={DOMAIN}"


class _Api:
    """The dashboard's ASGI app on one database, asked as the admin's signed launch asks."""

    def __init__(self, url: str) -> None:
        self.db = Database(url)
        self.settings = make_settings(url, frontline_webapp_url=URL)
        self.app = web_app(self.settings, self.db)
        self.headers = {"Authorization": "tma " + sign_launch(
            self.settings.telegram_bot_token, ADMIN_ID)}
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                        base_url="https://dash.example.org")

    async def once(self, extra: Extra) -> float:
        gc.collect()
        start = time.perf_counter()
        answer = await self.client.get(PATH, headers=self.headers)
        elapsed = time.perf_counter() - start
        assert answer.status_code == 200, answer.text[:300]
        names = {row["name"] for row in answer.json()["rows"]}
        assert len(names) > 1 and set(extra.scored_names) <= names
        return elapsed

    async def statements(self, extra: Extra) -> int:
        count = 0

        def counter(*_args: object) -> None:
            nonlocal count
            count += 1

        event.listen(self.db.engine, "before_cursor_execute", counter)
        try:
            await self.once(extra)
        finally:
            event.remove(self.db.engine, "before_cursor_execute", counter)
        return count

    async def close(self) -> None:
        await self.client.aclose()
        self.db.dispose()


def _render_seconds(api: _Api) -> list[tuple[int, float]] | None:
    """Rows and seconds from the board's data arriving to its rows on the page (chromium,
    360 px): the first board (everything the admin sees), then the domain's."""
    from tests.web.browser import ARGS, CHROMIUM, chromium_missing, serving

    if chromium_missing():
        return None
    from playwright.sync_api import sync_playwright

    init = sign_launch(api.settings.telegram_bot_token, ADMIN_ID)
    with serving(api.app) as origin, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 740})
        page.goto(f"{origin}/dashboard{fragment(init)}")
        found = []
        for scope in ("", DOMAIN):
            if scope:
                page.evaluate("delete document.body.dataset.rendered")
                page.select_option("#scope", scope)
            page.wait_for_function("() => document.body.dataset.rendered", timeout=300_000)
            rows = page.evaluate("document.querySelectorAll('#rows .row').length")
            took = page.evaluate("document.body.dataset.rendered - document.body.dataset.arrived")
            found.append((rows, took / 1000))
        browser.close()
    return found


async def _database(label: str, url: str, shape: Shape,
                    load: Callable[[Database, Shape], None]) -> None:
    built, extra = _build(url, shape, load)
    api = _Api(url)
    times: dict[str, list[float]] = {"api": [], "scores": []}
    async with _Bot(url, extra) as bot:
        for i in range(WARMUP + RUNS):  # in turn, so both see the same caches
            api_time = await api.once(extra)
            scores_time = await bot.once(SCORES)
            if i >= WARMUP:
                times["api"].append(api_time)
                times["scores"].append(scores_time)
        scores = Timing(times["scores"], await bot.statements(SCORES))
    board = Timing(times["api"], await api.statements(extra))
    print(f"  {label}: built in {built:.0f} s; the domain holds {extra.cadres:,} cadres",
          flush=True)
    for what, t in ((f"GET board?scope={DOMAIN}", board), (SCORES, scores)):
        print(f"    {what:<28} median {t.median * 1000:7.1f} ms  p95 {t.p95 * 1000:7.1f} ms  "
              f"statements {t.statements:3d}", flush=True)
    print(f"    board/scores {board.median / scores.median:5.2f}", flush=True)
    render = await asyncio.to_thread(_render_seconds, api)  # sync Playwright: no loop there
    print("    page: " + ("skipped (no chromium)" if render is None else "; ".join(
        f"{rows:,} rows shown {took * 1000:.0f} ms after their data arrived"
        for rows, took in render)), flush=True)
    await api.close()


async def run() -> None:
    """Build the big database, time the board API against /scores, print."""
    shape = make_shapes(SCALE, datetime.now(TZ).date())[1]
    print(f"dashboard: GET board for the domain {DOMAIN} vs {SCORES}; {shape.cadres:,} cadres, "
          f"{shape.reports:,} reports; {RUNS} runs after {WARMUP} warm-ups, in turn", flush=True)
    if WHICH in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            await _database("sqlite", f"sqlite:///{tmp}/dashboard.db", shape, _sqlite_load)
    if WHICH in ("postgresql", "both"):
        if (why := _pg_missing()) is not None:
            print(f"  postgresql  skipped: {why}")
        else:
            with _pg_schemas(1) as (url,):
                await _database("postgresql", url, shape, load_postgresql)
