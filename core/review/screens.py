"""Reviewing reports: /summary, /missing and /my (日、周、月梳理)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.assessment.scores import joined_days
from core.common.calendar import is_workday, workdays
from core.common.errors import UsageError
from core.orders import orders
from core.org import periods
from core.org.people import Actor
from core.org.roster import reporters
from core.ratings import anonymity, views
from core.reporting import attendance
from core.reporting.posts import project_clock
from core.reporting.report_text import first_line
from core.review.windows import Window, parse_window
from storage import people as people_q
from storage import projects as projects_q
from storage import reports as reports_q
from storage.tables import Milestone, Person, Project

TEXT_MAX = 1500  # a free-text report in today's summary is cut here ("…"), never dropped


@dataclass
class ReportLines:
    """One report of the day as the summary shows it: its structured lines, else its text."""

    at: datetime  # posted, in the project's timezone
    progress: int | None
    items: list[tuple[str, str]]  # (done | problem | plan, text) in the order written
    text: str  # the text as written, when it has no structured line

    @property
    def structured(self) -> bool:
        return self.progress is not None or bool(self.items)


@dataclass
class CadreLine:
    person: Person
    progress: int | None = None
    done: list[tuple[date, str]] = field(default_factory=list)
    problems: list[tuple[date, str]] = field(default_factory=list)
    notes: list[tuple[date, str]] = field(default_factory=list)  # reports without structure
    reports: list[ReportLines] = field(default_factory=list)  # today's window only
    orders: list = field(default_factory=list)  # live rectification orders (OrderLine)
    on_time: int = 0
    late: int = 0
    missing: int = 0
    leave: int = 0


@dataclass
class SummaryView:
    project: Project
    window: Window
    workdays: int
    cadres: list[CadreLine]
    milestones: list[Milestone]
    today: date
    ratings: views.RatingsView | None = None
    daily: list[tuple[date, int, int]] = field(default_factory=list)  # day, reported, expected
    late: dict[date, int] = field(default_factory=dict)  # day → of the reported, how many late

    @property
    def charted(self) -> bool:
        """Month, YYYY-MM and period summaries come with a chart (SPEC §4)."""
        return self.window.kind not in ("today", "week")

    @property
    def totals(self) -> tuple[int, int, int]:
        return (sum(c.on_time for c in self.cadres), sum(c.late for c in self.cadres),
                sum(c.missing for c in self.cadres))


def summary(session: Session, actor: Actor, project: Project, token: str | None, *,
            now: datetime, default_tz: str, admins: frozenset[int],
            thresholds: anonymity.Thresholds | None = None) -> SummaryView:
    """Per cadre what they reported, milestones, the reporting rate; "today" is the project's."""
    actor.require_examiner(project.id)
    tz = project_clock(session, project, default_tz).tz
    today = now.astimezone(tz).date()
    window = _window(session, project, token, today)
    roster = reporters(session, project.id, admins, tz)  # (cadre, the day they joined)
    lines = {p.id: CadreLine(person=p) for p, _d in roster}
    _fill_content(session, project, window, lines, tz)
    for pid, live in orders.live_by_person(session, project_id=project.id, today=today).items():
        if pid in lines:
            lines[pid].orders = live
    daily = _fill_days(session, project, window, lines, {p.id: d for p, d in roster})
    ratings = None
    if thresholds is not None:  # the fixed rating window holding the summary's (SPEC §6)
        ratings = views.for_project(
            session, actor, project,
            window.kind if window.kind[0].isdigit() or window.kind == "period" else None,
            today=today, thresholds=thresholds)
    return SummaryView(project=project, window=window,
                       workdays=len(workdays(window.start, window.end)),
                       cadres=list(lines.values()),
                       milestones=projects_q.milestones(session, project_id=project.id),
                       today=today, ratings=ratings,
                       daily=[(day, r.reported, r.expected) for day, r in daily.items()],
                       late={day: r.late for day, r in daily.items() if r.late})


def _fill_days(session: Session, project: Project, window: Window, lines: dict[int, CadreLine],
               joined: dict[int, date]) -> dict[date, attendance.DayRecord]:
    """Each cadre's working days from the one record; the window's record day by day."""
    found = attendance.records(session, joined, project_ids=[project.id], start=window.start,
                               end=window.end)
    for pid, record in found.items():
        line = lines[pid]
        line.on_time, line.late, line.missing, line.leave = (
            record.on_time, record.late, record.missing, record.leave)
    return attendance.daily(session, joined, project_ids=[project.id], start=window.start,
                            end=window.end)


def _window(session: Session, project: Project, token: str | None, today: date) -> Window:
    """The summary's window; `period` is the project's open 考察期 up to today."""
    if (token or "").lower() != "period":
        return parse_window(token, today)
    found = periods.open_period(session, project.id)
    if found is None:
        raise UsageError("ratings.no_period", project=project.name)
    return Window("period", found.start, min(found.end, today), found.theme)


def _fill_content(session: Session, project: Project, window: Window,
                  lines: dict[int, CadreLine], tz: ZoneInfo) -> None:
    """What each cadre wrote: today report by report; longer windows by kind (3 queries)."""
    latest = reports_q.latest_progress(session, project_id=project.id, start=window.start,
                                       end=window.end)
    for pid, value in latest.items():
        if pid in lines:
            lines[pid].progress = value
    items = reports_q.items_between(session, project_id=project.id, start=window.start,
                                    end=window.end)
    today = window.kind == "today"
    reports = reports_q.window_reports(session, project_id=project.id, start=window.start,
                               end=window.end, unstructured=not today)
    if today:
        by_report: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for report_id, _pid, _day, kind, text in items:
            by_report[report_id].append((kind, text))
        for report_id, pid, _day, posted_at, text, progress in reports:
            if pid in lines:
                lines[pid].reports.append(ReportLines(
                    at=posted_at.astimezone(tz), progress=progress,
                    items=by_report.get(report_id, []), text=_cut(text.strip(), TEXT_MAX)))
        return
    for _report_id, pid, day, kind, text in items:
        if pid in lines and kind in ("done", "problem"):
            (lines[pid].done if kind == "done" else lines[pid].problems).append((day, text))
    for _id, pid, day, _posted, text, _progress in reports:
        if pid in lines and (line := first_line(text)):
            lines[pid].notes.append((day, line))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass
class MissingView:
    project: Project
    today: date
    workday: bool
    missing: list[Person]
    on_leave: list[Person]
    total: int


def missing(session: Session, actor: Actor, project: Project, *, now: datetime,
            default_tz: str, admins: frozenset[int]) -> MissingView:
    """Who has not reported today (the project's today); nobody on a non-working day."""
    actor.require_examiner(project.id)
    tz = project_clock(session, project, default_tz).tz
    today = now.astimezone(tz).date()
    if not is_workday(today):
        return MissingView(project, today, False, [], [], 0)
    roster = reporters(session, project.id, admins, tz)
    people = [p for p, _joined in roster]
    found = attendance.records(session, {p.id: joined for p, joined in roster},
                               project_ids=[project.id], start=today, end=today)
    on_leave = [p for p in people if found[p.id].leave]
    absent = [p for p in people if found[p.id].missing]
    return MissingView(project, today, True, absent, on_leave, len(people))


@dataclass
class MyView:
    person: Person
    projects: list[Project]
    recent: list
    streak: int
    today_reported: bool
    orders: list  # my live rectification orders (OrderLine)
    ratings: views.OwnRatings | None = None
    month: attendance.DayRecord | None = None  # my working days this month to date

    @property
    def progress(self) -> int | None:
        """The 进度 of my latest report that has one (by message time, then id)."""
        return next((r.progress for r in self.recent if r.progress is not None), None)


def my(session: Session, actor: Actor, *, now: datetime, default_tz: str, limit: int = 7,
       thresholds: anonymity.Thresholds | None = None) -> MyView:
    """My recent reports and my streak of reported working days (in my project's timezone)."""
    person = actor.require_person()
    projects = people_q.projects_of(session, person_id=person.id)
    tz = project_clock(session, projects[0], default_tz).tz if projects else ZoneInfo(default_tz)
    today = now.astimezone(tz).date()
    dates = reports_q.report_dates(session, person_id=person.id, since=today - timedelta(days=400))
    streak, day = 0, today
    if today not in dates:
        day -= timedelta(days=1)
    while day >= today - timedelta(days=400):
        if is_workday(day):
            if day not in dates:
                break
            streak += 1
        day -= timedelta(days=1)
    month = None
    if projects:
        ids = [p.id for p in projects]
        joined = joined_days(session, ids, tz).get(person.id, today)
        month = attendance.records(session, {person.id: joined}, project_ids=ids,
                                   start=today.replace(day=1), end=today)[person.id]
    return MyView(person=person, projects=projects, month=month,
                  recent=reports_q.recent(session, person_id=person.id, limit=limit), streak=streak,
                  today_reported=today in dates,
                  orders=orders.open_for(session, person, today=today),
                  ratings=(views.own(session, person, projects, today=today,
                                     thresholds=thresholds)
                           if thresholds and projects else None))
