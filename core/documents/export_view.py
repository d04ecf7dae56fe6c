"""/export and `frontline export`: the 两表一单 plus 整改台账 as view data (SPEC §4), for a
scope and a period; every figure from the scores' SQL aggregates, ratings through the gate."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.assessment import boards, cadre_view, scores, stages
from core.common.calendar import workdays
from core.common.errors import UsageError
from core.org.people import Actor
from core.org.roster import leave_days
from storage import cadre_records as cadre_records_q
from storage import figures as figures_q
from storage import orders as orders_q
from storage import reports as reports_q
from storage.tables import Period, Person, Project, Rectification


@dataclass
class DayCounts:
    """A cadre's working days in the window: on time, late, missing, on leave."""

    on_time: int = 0
    late: int = 0
    missing: int = 0
    leave: int = 0


@dataclass
class ExportView:
    scope: boards.Scope
    period: Period
    end: date
    rows: list[scores.CadreScore]
    days: dict[int, DayCounts]
    progress: dict[int, int]
    stars: Counter
    orders: list[tuple[Rectification, Person, Person | None, Project, int]]  # …, events
    frozen: bool = False
    in_period: bool = True
    today: date | None = None
    notes: dict = field(default_factory=dict)


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
    try:
        period = boards.period_for(session, chosen, period_word)
        in_period = True
    except UsageError:
        if period_word:
            raise
        period, in_period = cadre_view.period_or_month(session, chosen.projects[0], today)
    end = scores.counted_until(period, today)
    ids = [p.id for p in chosen.projects]
    rows = (scores.frozen(session, period, chosen.projects) if period.status == "closed"
            else scores.compute(session, chosen.projects, period, today=today, grading=grading,
                                tz=tz))
    history = figures_q.stages(session, person_ids=[r.person.id for r in rows])
    for row in rows:  # the 三期管理 column of 履职评价单
        row.stage = stages.current(history.get(row.person.id, []))
    days = _days(session, ids, rows, period.start, end)
    progress = reports_q.latest_progress_of_projects(session, project_ids=ids,
                                                     start=period.start, end=end)
    stars = Counter(report.person_id for report, _p in cadre_records_q.stars_between(
        session, project_ids=ids, start=period.start, end=end))
    found = orders_q.listing(session, project_ids=ids, states=("open", "progress", "submitted",
                                                               "closed", "cancelled"),
                             limit=100_000)
    events = orders_q.event_counts(session, order_ids=[o.id for o, *_r in found])
    return ExportView(chosen, period, end, rows, days, progress, stars,
                      [(o, c, i, p, events.get(o.id, 0)) for o, c, i, p in found],
                      frozen=period.status == "closed", in_period=in_period, today=today)


def _days(session: Session, project_ids: list[int], rows: list[scores.CadreScore],
          start: date, end: date) -> dict[int, DayCounts]:
    """On time / late / on leave per cadre over the window's working days; missing is what
    the score counted (working days since joining, less leave) not reported."""
    status = reports_q.day_status_of_projects(session, project_ids=project_ids, start=start,
                                              end=end)
    away = leave_days(session, [r.person for r in rows], start, end)
    days = workdays(start, end)
    found = {}
    for row in rows:
        pid, counts = row.person.id, DayCounts()
        for day in days:
            if day in away.get(pid, set()):
                counts.leave += 1
            elif (pid, day) in status:
                counts.on_time += status[(pid, day)]
                counts.late += not status[(pid, day)]
        counts.missing = max(0, row.score.figures.workdays - row.score.figures.reported)
        found[pid] = counts
    return found
