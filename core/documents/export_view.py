"""/export and `frontline export`: the 两表一单 plus 整改台账 as view data (SPEC §4), for a
scope and a period; every figure from the scores' SQL aggregates, ratings through the gate.

The view ranks the cadres (kept lean); their rows and the orders are read again chunk by
chunk as each sheet is written, so the export's memory does not grow with its cadres."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.assessment import boards, cadre_view, chunked, scores, stages
from core.common.errors import UsageError
from core.org.people import Actor
from core.reporting.attendance import DayRecord
from storage import cadre_records as cadre_records_q
from storage import figures as figures_q
from storage import orders as orders_q
from storage import reports as reports_q
from storage.tables import Period, Person, Project, Rectification


@dataclass
class Chunk:
    """Some of the export's cadres, in rank order, with what their rows show besides the
    score: read together as a sheet is written, then let go."""

    rows: list[scores.CadreScore]
    days: dict[int, DayRecord] = field(default_factory=dict)  # as the score counted them
    progress: dict[int, int] = field(default_factory=dict)
    stars: dict[int, int] = field(default_factory=dict)
    milestones: dict[int, list[tuple[date, date, str]]] = field(default_factory=dict)  # met
    # (person_id, day, text, starred) of the 完成 lines, cadre by cadre in `rows` order,
    # then by day, streamed
    lines: Iterator[tuple[int, date, str, bool]] = field(default_factory=lambda: iter(()))


Order = tuple[Rectification, Person, Person | None, Project, int]  # …, its events


@dataclass
class ExportView:
    scope: boards.Scope
    period: Period
    end: date
    cadres: int
    # the cadres chunk by chunk (with the 业绩采集表's extras when asked), and the scope's
    # orders by number: read anew, streamed, each time the workbook is written
    chunks: Callable[[bool], Iterator[Chunk]]
    orders: Callable[[], Iterator[Order]]
    frozen: bool = False
    in_period: bool = True
    today: date | None = None


def check(session: Session, actor: Actor, word: str | None, period_word: str | None, *,
          group_project: Project | None = None) -> boards.Scope:
    """What an export would cover, or its refusal — cheap, before the slow work."""
    chosen = boards.scope(session, actor, word, group_project)
    if period_word:
        boards.period_for(session, chosen, period_word)
    return chosen


def build(session: Session, actor: Actor, word: str | None, period_word: str | None, *,
          today: date, grading: scores.Grading, tz: ZoneInfo,
          group_project: Project | None = None) -> ExportView:
    """The scope's cadres in the period (or this month when there is no period at all),
    ranked; their rows and the orders are read chunk by chunk as the file is written."""
    chosen = boards.scope(session, actor, word, group_project)
    period, in_period = _period(session, chosen, period_word, today)
    end = scores.counted_until(period, today)
    ids = [p.id for p in chosen.projects]
    source: _Source
    if period.status == "closed":
        rows = scores.frozen(session, period, chosen.projects)
        source = _Frozen(rows, _days(session, rows, chosen.projects, period, tz))
    else:
        source = _Live(chunked.ranked(session, chosen.projects, period, today=today,
                                      grading=grading, tz=tz), ids, tz)
    reader = _Reader(session.get_bind(), ids, period.start, end, tz, source)
    return ExportView(chosen, period, end, source.count, reader.chunks, reader.orders,
                      frozen=period.status == "closed", in_period=in_period, today=today)


def _period(session: Session, chosen: boards.Scope, period_word: str | None, today: date
            ) -> tuple[Period, bool]:
    """The period asked for (or the open one); without any, this month (not a period)."""
    try:
        return boards.period_for(session, chosen, period_word), True
    except UsageError:
        if period_word:
            raise
        return cadre_view.period_or_month(session, chosen.projects[0], today)


class _Source(Protocol):
    count: int

    def rows(self, session: Session, start: int) -> list[scores.CadreScore]: ...

    def days(self, rows: list[scores.CadreScore]) -> dict[int, DayRecord]: ...


class _Live:
    """Live scores: the lean ranking; a chunk's cadres and scores made again from it."""

    def __init__(self, ranked: chunked.Ranking, project_ids: list[int], tz: ZoneInfo
                 ) -> None:
        self.ranked, self.project_ids, self.tz = ranked, project_ids, tz
        self.count = ranked.count

    def rows(self, session: Session, start: int) -> list[scores.CadreScore]:
        lean = self.ranked.chunk(start)
        people = scores.cadres(session, self.project_ids, self.tz,
                               person_ids=[one.person_id for one in lean])
        return [scores.CadreScore(person, [p.name for p in mine], one.score(), one.grade,
                                  project_ids=[p.id for p in mine])
                for one in lean if one.person_id in people
                for person, mine, _joined in [people[one.person_id]]]

    def days(self, rows: list[scores.CadreScore]) -> dict[int, DayRecord]:
        return {r.person.id: DayRecord(f.on_time, f.late, f.missing, f.leave)
                for r in rows for f in [r.score.figures]}


class _Frozen:
    """A closed period's frozen scores (kept whole: one table read once)."""

    def __init__(self, rows: list[scores.CadreScore], days: dict[int, DayRecord]) -> None:
        self.all, self.records, self.count = rows, days, len(rows)

    def rows(self, session: Session, start: int) -> list[scores.CadreScore]:
        return self.all[start:start + chunked.CHUNK]

    def days(self, rows: list[scores.CadreScore]) -> dict[int, DayRecord]:
        return {r.person.id: self.records[r.person.id] for r in rows}


class _Reader:
    """Reads the export's rows chunk by chunk, each sheet in a session of its own."""

    def __init__(self, engine: Any, project_ids: list[int], start: date, end: date,
                 tz: ZoneInfo, source: _Source) -> None:
        self.engine, self.project_ids, self.start, self.end = engine, project_ids, start, end
        self.tz, self.source = tz, source

    def chunks(self, extras: bool) -> Iterator[Chunk]:
        """The cadres in rank order, a chunk at a time (a fixed number of statements each)."""
        with Session(self.engine) as session:
            for start in range(0, self.source.count, chunked.CHUNK):
                rows = self.source.rows(session, start)
                ids = [r.person.id for r in rows]
                history = figures_q.stages(session, person_ids=ids)
                for row in rows:  # the 三期管理 column of 履职评价单
                    row.stage = stages.current(history.get(row.person.id, []))
                chunk = Chunk(rows, self.source.days(rows))
                if extras:
                    yield from self._with_extras(session, chunk, ids)
                else:
                    yield chunk

    def _with_extras(self, session: Session, chunk: Chunk, ids: list[int]) -> Iterator[Chunk]:
        """The chunk with the 业绩采集表's figures, its 完成 lines streamed."""
        window: dict[str, Any] = {"project_ids": self.project_ids, "start": self.start,
                                  "end": self.end}
        chunk.progress = reports_q.latest_progress_of_projects(session, person_ids=ids,
                                                               **window)
        chunk.stars = cadre_records_q.star_counts(session, person_ids=ids, **window)
        chunk.milestones = _milestones_met(session, ids, self.project_ids, self.start,
                                           self.end, self.tz)
        lines = cadre_records_q.achievements(session, order=ids, **window)
        try:
            chunk.lines = lines
            yield chunk
        finally:
            getattr(lines, "close", lambda: None)()

    def orders(self) -> Iterator[Order]:
        """Every order of the scope by number, its events counted, a chunk at a time."""
        with Session(self.engine) as session:
            after = ""
            while found := orders_q.ledger_chunk(session, project_ids=self.project_ids,
                                                 after=after, limit=chunked.CHUNK):
                after = found[-1][0].number
                events = orders_q.event_counts(session, order_ids=[o.id for o, *_r in found])
                for order, cadre, issuer, project in found:
                    yield order, cadre, issuer, project, events.get(order.id, 0)


def _milestones_met(session: Session, person_ids: list[int], project_ids: list[int],
                    start: date, end: date, tz: ZoneInfo
                    ) -> dict[int, list[tuple[date, date, str]]]:
    """person id → (the day met, the day due, the milestone) met in [start, end]."""
    met: dict[int, list[tuple[date, date, str]]] = defaultdict(list)
    for pid, due, done_at, text in cadre_records_q.milestones_met(
            session, person_ids=person_ids, project_ids=project_ids,
            start=datetime.combine(start, time(), tz),
            end=datetime.combine(end + timedelta(days=1), time(), tz)):
        met[pid].append((done_at.astimezone(tz).date(), due, text))
    return dict(met)


def _days(session: Session, rows: list[scores.CadreScore], projects: list[Project],
          period: Period, tz: ZoneInfo) -> dict[int, DayRecord]:
    """Each cadre's working-day record, as the score counted it (frozen with a closed
    period); scores frozen before the record was kept whole are counted again."""
    found = {r.person.id: DayRecord(f.on_time, f.late, f.missing, f.leave)
             for r in rows if (f := r.score.figures).on_time + f.late == f.reported}
    if len(found) < len(rows):
        found = scores.day_records(session, projects, period, end=period.end, tz=tz) | found
    return {r.person.id: found.get(r.person.id, DayRecord()) for r in rows}
