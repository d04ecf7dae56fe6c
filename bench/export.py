"""`/export <domain> <period>` of 2,000 cadres over three months, through the bot (query, scores,
the streamed workbook, the send), against writing the same rows with the csv module."""

from __future__ import annotations

import csv
import gc
import io
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import insert

from bench.query_data import TZ, Shape, chat_id, load_sqlite, name
from bot import gc_tuning
from bot.app import Runtime
from bot.documents import Documents
from core.assessment import scores
from core.common.calendar import workdays
from core.documents import export_sheets, export_view
from core.org.people import Actor, UserInfo
from core.ratings import anonymity
from scheduler.limits import Limits
from storage import migrate
from storage.db import Database
from storage.tables import (
    Chat,
    Domain,
    Grade,
    Membership,
    Observation,
    Period,
    PeriodProject,
    Person,
    Project,
    Rectification,
    RectificationEvent,
)
from tests.auxil.factories import make_message, make_user, message_update, private
from tests.auxil.offline import OfflineRequest
from tests.conftest import ADMIN_ID, make_settings

CADRES = int(os.environ.get("BENCH_EXPORT_CADRES", "2000"))
GROWTH = int(os.environ.get("BENCH_EXPORT_GROWTH", str(5 * CADRES)))  # peak memory again here
TIME_GOAL, MEMORY_GOAL, FLAT_GOAL = 40, 10, 1.5
PROJECTS = 20
DAYS = 91  # three months of working days back from today
RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", "3"))
ONLY_GROWTH = os.environ.get("BENCH_EXPORT_ONLY") == "growth"  # the two peaks, nothing timed
DOMAIN, THEME = "项目建设", "第一期"
ORDER_EVERY = 4  # one 问题交办单 per four cadres
STATES = ("open", "progress", "submitted", "closed")


def _shape(today: date) -> Shape:
    days = tuple(workdays(today - timedelta(days=DAYS - 1), today))
    return Shape("export", CADRES, PROJECTS, round(CADRES * len(days) * 0.9), days)


def _grown(shape: Shape, cadres: int) -> Shape:
    return Shape("export", cadres, PROJECTS, round(cadres * len(shape.days) * 0.9), shape.days)


def _seed(db: Database, shape: Shape, today: date) -> None:
    """One domain of PROJECTS projects, its cadres, a period over them, grades, notes, orders."""
    joined = datetime.combine(shape.days[0] - timedelta(days=30), datetime.min.time(), UTC)
    cadres = shape.cadres
    examiner = cadres + 1
    with db.session() as s:
        s.execute(insert(Domain), [{"id": 1, "name": DOMAIN}])
        s.execute(insert(Project), [
            {"id": p + 1, "domain_id": 1, "join_token": f"j{p}", "name": f"{DOMAIN}项目{p:03d}",
             "unit": "县交通局"} for p in range(PROJECTS)])
        s.execute(insert(Chat), [
            {"id": chat_id(p), "title": f"项目群{p}", "type": "supergroup", "project_id": p + 1,
             "bound_at": joined, "tz": TZ.key} for p in range(PROJECTS)])
        s.execute(insert(Person), [
            {"id": c + 1, "tg_id": 5_000_000 + c, "name": name(c), "post": "科员",
             "reachable": True} for c in range(cadres)]
            + [{"id": examiner, "tg_id": 4_000_000, "name": "考察员", "is_examiner": True}])
        s.execute(insert(Membership), [
            {"id": c + 1, "person_id": c + 1, "project_id": shape.project_of(c) + 1,
             "joined_at": joined} for c in range(cadres)])
        s.execute(insert(Period), [{"id": 1, "theme": THEME, "start": shape.days[0],
                                    "end": today + timedelta(days=30)}])
        s.execute(insert(PeriodProject), [{"period_id": 1, "project_id": p + 1}
                                          for p in range(PROJECTS)])
        s.execute(insert(Grade), [{"period_id": 1, "person_id": c + 1, "examiner_id": examiner,
                                   "score": 50 + c % 50} for c in range(cadres)])
        s.execute(insert(Observation), [
            {"person_id": c + 1, "examiner_id": examiner, "points": c % 7 - 3,
             "text": f"现场走访第{c}次", "at": joined + timedelta(days=40)}
            for c in range(0, cadres, 5)])
        orders = range(0, cadres, ORDER_EVERY)
        s.execute(insert(Rectification), [
            {"id": i + 1, "number": f"ZG-2026-{i + 1:04d}",
             "project_id": shape.project_of(c) + 1, "person_id": c + 1, "issuer_id": examiner,
             "deadline": today + timedelta(days=i % 90 - 30), "state": STATES[i % 4],
             "text": f"=管线迁改滞后，需协调{name(c)}",
             "created_at": joined + timedelta(days=35)} for i, c in enumerate(orders)])
        s.execute(insert(RectificationEvent), [
            {"order_id": i + 1, "actor_id": actor, "action": action, "to_state": "open",
             "comment": "限期整改", "at": joined + timedelta(days=35 + k)}
            for i, c in enumerate(orders)
            for k, (actor, action) in enumerate(((examiner, "issue"), (c + 1, "progress")))])


def _update() -> dict:
    admin = make_user(ADMIN_ID, "组织部")
    return message_update(make_message(private(admin), admin, f"/export {DOMAIN} {THEME}")
                          ).to_dict()


async def _through_bot(runtime: Runtime, request: OfflineRequest) -> float:
    """One /export end to end (store → process → build the file off the loop → send); the
    file sent is read back from the offline Bot API afterwards (`request.documents()`)."""
    request.clear()
    gc.collect()
    start = time.perf_counter()
    await runtime.inbox.take([_update()])  # as polling takes it
    await runtime.sender.drain()
    return time.perf_counter() - start


def _view(db: Database, settings, today: date) -> export_view.ExportView:  # type: ignore[no-untyped-def]
    """The export view as `frontline export` builds it (its figures read as the file is written)."""
    grading = scores.Grading(
        anonymity.Thresholds(settings.frontline_anon_min, settings.frontline_anon_min_comments),
        settings.frontline_excellent_quota)
    with db.session(write=False) as session:
        return export_view.build(session, Actor(UserInfo(id=0), None, is_admin=True), DOMAIN,
                                 THEME, today=today, grading=grading, tz=TZ)


Rows = list[tuple[str | None, list[str], list[list[object]]]]


def _rows(view: export_view.ExportView, documents: Documents) -> Rows:
    """The four sheets' rows (title, header, data), read once and kept for the csv module."""
    return [(sheet.title, sheet.headers, [list(r) for r in sheet.rows])
            for sheet in export_sheets.sheets(view, documents.export_labels(view))]


def _csv(sheets: Iterable[tuple[str | None, list[str], Iterable[Sequence[object]]]]) -> bytes:
    """The same rows written with the csv module."""
    out = io.StringIO()
    writer = csv.writer(out)
    for title, headers, rows in sheets:
        writer.writerow([title])
        writer.writerow(headers)
        writer.writerows(rows)
    return out.getvalue().encode()


def _csv_read(db: Database, settings, today: date, documents: Documents) -> bytes:  # type: ignore[no-untyped-def]
    """The reference: the same rows read by the same queries (the view built, its sheets'
    rows as they come), written with the csv module instead of the workbook."""
    view = _view(db, settings, today)
    return _csv((s.title, s.headers, s.rows)
                for s in export_sheets.sheets(view, documents.export_labels(view)))


def _timed(work: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def _peak(work: Callable[[], object]) -> int:
    """Peak bytes Python allocated while `work` ran (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def _peak_async(work) -> int:  # type: ignore[no-untyped-def]
    gc.collect()
    tracemalloc.start()
    try:
        await work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


@dataclass
class _Figures:
    """What one size measured: the bot's time and peak, the file, the work off the bot."""

    bot: float = 0.0
    bot_peak: int = 0
    data: bytes = b""
    file: float = 0.0
    file_peak: int = 0
    csv: float = 0.0
    csv_peak: int = 0
    csv_size: int = 0
    bare: float = 0.0  # the csv module alone, the rows read beforehand
    bare_peak: int = 0


async def _measure(shape: Shape, today: date, *, full: bool) -> _Figures:
    """A database of this shape; /export through the bot (timed when `full`), its peak; when
    `full`, the file built off the bot and the csv module writing the same rows."""
    found = _Figures()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/export.db"
        db = Database(url)
        migrate.upgrade(db)
        _seed(db, shape, today)
        load_sqlite(db.engine.url.database or "", shape)
        settings, request = make_settings(url), OfflineRequest()
        async with Runtime(settings, db, request=request) as runtime:
            runtime.sender.limits = Limits(overall=10**9, per_group=10**9, chat_gap=0.0)
            gc_tuning.tune()  # as `frontline run` does once started
            await _through_bot(runtime, request)  # warm-up: caches, the admin's person row
            times = [await _through_bot(runtime, request) for _ in range(RUNS if full else 0)]
            found.bot_peak = await _peak_async(lambda: _through_bot(runtime, request))
        [(_name, found.data)] = request.documents()
        if full:
            found.bot = statistics.median(times)
            _offline(db, settings, today, runtime.app.bot_data.documents, found)
        db.dispose()
    return found


def _offline(db: Database, settings, today: date, documents: Documents,  # type: ignore[no-untyped-def]
             found: _Figures) -> None:
    """The file as `frontline export` writes it (view and workbook), and the csv reference."""
    def file() -> bytes:
        return documents.export_xlsx(_view(db, settings, today))

    found.file = statistics.median(_timed(file)[0] for _ in range(RUNS))
    found.file_peak = _peak(file)
    def read() -> bytes:
        return _csv_read(db, settings, today, documents)

    found.csv = statistics.median(_timed(read)[0] for _ in range(RUNS))
    found.csv_peak = _peak(read)
    sheets = _rows(_view(db, settings, today), documents)
    found.bare = statistics.median(_timed(lambda: _csv(sheets))[0] for _ in range(RUNS))
    found.bare_peak = _peak(lambda: _csv(sheets))
    found.csv_size = len(_csv(sheets))


async def run() -> None:
    """Build the domain, time /export through the bot and the csv writing, print the ratios;
    then the peak memory of /export again on a domain GROWTH cadres large."""
    today = datetime.now(TZ).date()
    shape = _shape(today)
    print(f"export: /export {DOMAIN} {THEME}: {CADRES:,} cadres in {PROJECTS} projects, "
          f"{shape.reports:,} reports over {len(shape.days)} working days "
          f"({shape.days[0]}..{shape.days[-1]}), {len(range(0, CADRES, ORDER_EVERY))} orders; "
          f"median of {RUNS} runs", flush=True)
    f = await _measure(shape, today, full=not ONLY_GROWTH)
    if ONLY_GROWTH:
        await _growth(shape, today, f)
        return
    wb = load_workbook(io.BytesIO(f.data), read_only=True)
    rows = {ws.title: sum(1 for _ in ws.iter_rows()) for ws in wb.worksheets}
    wb.close()
    assert rows["辛苦指数量化评估表"] == CADRES + 2, rows
    print(f"  /export through the bot  {f.bot:6.2f} s   peak {_mb(f.bot_peak):>9}   "
          f"file {_mb(len(f.data))} ({', '.join(f'{k} {v - 2:,}' for k, v in rows.items())})")
    print(f"  of which: the file       {f.file:6.2f} s   peak {_mb(f.file_peak):>9}   "
          "(figures read and workbook written, off the bot)")
    print(f"  csv module, same rows    {f.csv:6.2f} s   peak {_mb(f.csv_peak):>9}   "
          f"file {_mb(f.csv_size)} (read by the same queries)")
    print(f"  csv module alone         {f.bare:6.2f} s   peak {_mb(f.bare_peak):>9}   "
          "(the rows read beforehand)")
    print(f"  ratio /export : csv      time {f.bot / f.csv:5.1f}× (goal ≤ {TIME_GOAL})   "
          f"memory {f.bot_peak / f.csv_peak:5.1f}× (goal ≤ {MEMORY_GOAL})   "
          f"to the csv module alone: {f.bot / f.bare:.0f}×, {f.bot_peak / f.bare_peak:.1f}×",
          flush=True)
    await _growth(shape, today, f)


async def _growth(shape: Shape, today: date, f: _Figures) -> None:
    """The peak memory of /export again on a domain GROWTH cadres large, as a ratio."""
    if GROWTH > CADRES:
        grown = await _measure(_grown(shape, GROWTH), today, full=False)
        print(f"  peak memory of /export at {CADRES:,} cadres {_mb(f.bot_peak)}, at {GROWTH:,} "
              f"{_mb(grown.bot_peak)} (file {_mb(len(grown.data))}): "
              f"{grown.bot_peak / f.bot_peak:.2f}× (goal ≤ {FLAT_GOAL}, flat)", flush=True)
