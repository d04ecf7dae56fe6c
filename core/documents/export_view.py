"""/export and `frontline export`: the 两表一单 plus 整改台账 as view data (SPEC §4), for a
scope and a period; every figure from the scores' SQL aggregates, ratings through the gate."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.assessment import boards, cadre_view, scores, stages
from core.common.errors import UsageError
from core.org.people import Actor
from core.reporting.attendance import DayRecord
from storage import cadre_records as cadre_records_q
from storage import figures as figures_q
from storage import orders as orders_q
from storage import reports as reports_q
from storage.tables import Period, Person, Project, Rectification


@dataclass
class ExportView:
    scope: boards.Scope
    period: Period
    end: date
    rows: list[scores.CadreScore]
    days: dict[int, DayRecord]  # the record the scores were counted from
    progress: dict[int, int]
    stars: Counter
    orders: list[tuple[Rectification, Person, Person | None, Project, int]]  # …, events
    frozen: bool = False
    in_period: bool = True
    today: date | None = None
    notes: dict = field(default_factory=dict)
    # (person_id, day, text, starred) of the 完成 lines, cadre by cadre in `rows` order, then
    # by day: read anew, streamed, each time the workbook is written
    achievements: Callable[[], Iterator[tuple[int, date, str, bool]]] = lambda: iter(())
    milestones: dict[int, list[tuple[date, date, str]]] = field(default_factory=dict)  # met


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
    """The scope's cadres in the period (or this month when there is no period at all)."""
    chosen = boards.scope(session, actor, word, group_project)
    period, in_period = _period(session, chosen, period_word, today)
    end = scores.counted_until(period, today)
    ids = [p.id for p in chosen.projects]
    rows = (scores.frozen(session, period, chosen.projects) if period.status == "closed"
            else scores.compute(session, chosen.projects, period, today=today, grading=grading,
                                tz=tz))
    history = figures_q.stages(session, person_ids=[r.person.id for r in rows])
    for row in rows:  # the 三期管理 column of 履职评价单
        row.stage = stages.current(history.get(row.person.id, []))
    days = _days(session, rows, chosen.projects, period, tz)
    progress = reports_q.latest_progress_of_projects(session, project_ids=ids,
                                                     start=period.start, end=end)
    stars = Counter(report.person_id for report, _p in cadre_records_q.stars_between(
        session, project_ids=ids, start=period.start, end=end))
    found = orders_q.listing(session, project_ids=ids, states=("open", "progress", "submitted",
                                                               "closed", "cancelled"),
                             limit=100_000)
    events = orders_q.event_counts(session, order_ids=[o.id for o, *_r in found])
    order = [r.person.id for r in rows]
    met = _milestones_met(session, order, ids, period.start, end, tz)
    return ExportView(chosen, period, end, rows, days, progress, stars,
                      [(o, c, i, p, events.get(o.id, 0)) for o, c, i, p in found],
                      frozen=period.status == "closed", in_period=in_period, today=today,
                      achievements=_streamed(session.get_bind(), order, ids, period.start,
                                             end),
                      milestones=met)


def _period(session: Session, chosen: boards.Scope, period_word: str | None, today: date
            ) -> tuple[Period, bool]:
    """The period asked for (or the open one); without any, this month (not a period)."""
    try:
        return boards.period_for(session, chosen, period_word), True
    except UsageError:
        if period_word:
            raise
        return cadre_view.period_or_month(session, chosen.projects[0], today)


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


def _streamed(engine: Any, order: list[int], project_ids: list[int], start: date, end: date
              ) -> Callable[[], Iterator[tuple[int, date, str, bool]]]:
    """The 完成 lines as a source read in its own session while the sheet is written, so
    the export's memory stays flat however many lines there are."""

    def rows() -> Iterator[tuple[int, date, str, bool]]:
        with Session(engine) as session:
            yield from cadre_records_q.achievements(session, order=order,
                                                    project_ids=project_ids, start=start,
                                                    end=end)

    return rows


def _days(session: Session, rows: list[scores.CadreScore], projects: list[Project],
          period: Period, tz: ZoneInfo) -> dict[int, DayRecord]:
    """Each cadre's working-day record, as the score counted it (frozen with a closed
    period); scores frozen before the record was kept whole are counted again."""
    found = {r.person.id: DayRecord(f.on_time, f.late, f.missing, f.leave)
             for r in rows if (f := r.score.figures).on_time + f.late == f.reported}
    if len(found) < len(rows):
        found = scores.day_records(session, projects, period, end=period.end, tz=tz) | found
    return {r.person.id: found.get(r.person.id, DayRecord()) for r in rows}
