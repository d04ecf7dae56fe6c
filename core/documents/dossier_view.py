"""/dossier: a cadre's full 履职档案 as view data — the three lists, reports by month,
milestones, ratings (SPEC §6), orders with history, notes, scores, 三期 stage, the trail."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.assessment import cadre_view, scores, stages
from core.common.calendar import month_bounds
from core.orders import rules
from core.org import periods
from core.ratings import anonymity
from core.reporting import attendance
from storage import cadre_records as cadre_records_q
from storage import figures as figures_q
from storage import orders as orders_q
from storage import periods as periods_q
from storage import ratings as ratings_q
from storage.tables import (
    DailyReport,
    Milestone,
    Observation,
    Period,
    Person,
    Project,
    Rectification,
    RectificationEvent,
    StageEntry,
    Trail,
)

HISTORY_START = date(2000, 1, 1)


@dataclass
class MonthLine:
    month: str  # 2026-11
    workdays: int
    reported: int
    reports: list[DailyReport] = field(default_factory=list)
    late: int = 0  # of the reported days, late ones (the one record)

    @property
    def rate(self) -> float | None:
        return round(100.0 * self.reported / self.workdays, 1) if self.workdays else None


@dataclass
class DossierView:
    person: Person
    projects: list[Project]
    today: date
    tz: ZoneInfo
    duties: list[tuple[Milestone, Project]]
    achievements: list[tuple[date, str, int]]
    problems: list[tuple[date, str, int]]
    months: list[MonthLine]
    ratings: list[tuple[Project, str, anonymity.Disclosure]]  # project, window, disclosed
    orders: list[tuple[Rectification, list[tuple[RectificationEvent, Person | None]]]]
    notes: list[tuple[Observation, Person | None]]
    scores: list[tuple[Period, scores.CadreScore]]
    stage: str | None
    stages: list[StageEntry]
    trail: list[tuple[Trail, Person | None]]


def build(session: Session, actor, person: Person, *, today: date,  # type: ignore[no-untyped-def]
          grading: scores.Grading, tz: ZoneInfo) -> DossierView:
    """The whole record, one query per section (however long the history)."""
    projects = cadre_view.allowed(session, actor, person)
    ids = [p.id for p in projects]
    reports = cadre_records_q.reports_of(session, person_id=person.id, start=HISTORY_START,
                                         end=today,
                           project_ids=ids)
    history = figures_q.stages(session, person_ids=[person.id]).get(person.id, [])
    return DossierView(
        person=person, projects=projects, today=today, tz=tz,
        duties=cadre_records_q.milestones_of(session, person_id=person.id, project_ids=ids),
        achievements=cadre_records_q.items_of(session, person_id=person.id, kind="done",
                                start=HISTORY_START, end=today, project_ids=ids),
        problems=cadre_records_q.items_of(session, person_id=person.id, kind="problem",
                            start=HISTORY_START, end=today, project_ids=ids),
        months=_months(session, person, ids, reports, today, tz),
        ratings=_ratings(session, person, projects, grading),
        orders=_orders(session, person, ids),
        notes=cadre_records_q.observations_of(session, person_id=person.id),
        scores=_scores(session, person, projects, today=today, grading=grading, tz=tz),
        stage=stages.current(history), stages=history,
        trail=cadre_records_q.trail_of(session, person_id=person.id))


def _months(session: Session, person: Person, project_ids: list[int],
            reports: list[DailyReport], today: date, tz: ZoneInfo) -> list[MonthLine]:
    """Reports month by month since the first report or joining, with the working days
    reported / expected (the one record: core.reporting.attendance)."""
    joined = scores.joined_days(session, project_ids, tz).get(person.id)
    starts = [d for d in (reports[0].local_date if reports else None, joined) if d]
    if not starts:
        return []
    first = min(starts).replace(day=1)
    joined = joined or first
    by_day = attendance.daily(session, {person.id: joined}, project_ids=project_ids,
                              start=first, end=today)
    by_month: dict[str, list[DailyReport]] = defaultdict(list)
    for report in reports:
        by_month[report.local_date.strftime("%Y-%m")].append(report)
    records: dict[str, attendance.DayRecord] = defaultdict(attendance.DayRecord)
    for day, record in by_day.items():
        records[day.strftime("%Y-%m")] += record
    lines, day = [], first
    while day <= today:
        month = day.strftime("%Y-%m")
        lines.append(MonthLine(month, records[month].expected, records[month].reported,
                               by_month.get(month, []), records[month].late))
        day = _next_month(month_bounds(day)[0])
    return lines


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _ratings(session: Session, person: Person, projects: list[Project], grading: scores.Grading
             ) -> list[tuple[Project, str, anonymity.Disclosure]]:
    """Every released window of the cadre's own ratings, through the one gate (SPEC §6)."""
    found = ratings_q.person_releases(session, person_id=person.id)
    names = {p.id: p for p in projects}
    themes = {periods.period_bucket(p): p.theme for p in periods_q.listing(session)}
    return [(names[r.project_id], themes.get(r.bucket, r.bucket), anonymity.disclose(
        anonymity.Release.from_json(r.stats), minimum=grading.thresholds.minimum,
        min_comments=grading.thresholds.min_comments)) for r in found if r.project_id in names]


def _orders(session: Session, person: Person, project_ids: list[int]
            ) -> list[tuple[Rectification, list[tuple[RectificationEvent, Person | None]]]]:
    rows = orders_q.listing(session, project_ids=project_ids, states=rules.STATES,
                            person_id=person.id, limit=10_000)
    events = orders_q.events_of(session, order_ids=[o.id for o, _c, _i, _p in rows])
    return [(o, events.get(o.id, [])) for o, _c, _i, _p in rows]


def _scores(session: Session, person: Person, projects: list[Project], *, today: date,
            grading: scores.Grading, tz: ZoneInfo) -> list[tuple[Period, scores.CadreScore]]:
    """Frozen scores of closed periods, and the live one of the open period."""
    found = []
    seen: set[int] = set()
    for project in projects:
        for period in [*periods_q.closed_of_project(session, project_id=project.id),
                       *filter(None, [periods_q.open_for_project(session,
                                                                 project_id=project.id)])]:
            if period.id in seen:
                continue
            seen.add(period.id)
            rows = (scores.frozen(session, period, [project]) if period.status == "closed"
                    else scores.compute(session, [project], period, today=today,
                                        grading=grading, tz=tz))
            mine = next((r for r in rows if r.person.id == person.id), None)
            if mine is not None:
                found.append((period, mine))
    return found
