"""Reviewing reports: /summary, /missing and /my (日、周、月梳理)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo

from sqlmodel import Session

from core.calendar import is_workday, month_bounds, week_bounds, workdays
from core.errors import UsageError
from core.people import Actor
from core.reports import project_clock
from storage import people as people_q
from storage import projects as projects_q
from storage import reports as q
from storage.models import Milestone, Person, Project

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Window:
    """A fixed review window; `end` never passes today."""

    kind: str  # today | week | month | YYYY-MM
    start: date
    end: date


def parse_window(token: str | None, today: date) -> Window:
    """today (default) | week (ISO week to date) | month (to date) | YYYY-MM."""
    token = (token or "today").lower()
    if token == "today":
        return Window("today", today, today)
    if token == "week":
        return Window("week", week_bounds(today)[0], today)
    if token == "month":
        return Window("month", today.replace(day=1), today)
    match = _MONTH.match(token)
    if match:
        try:
            first = date(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise UsageError("errors.bad_window", value=token) from None
        if first > today:
            raise UsageError("errors.future_date", date=token)
        return Window(token, first, min(month_bounds(first)[1], today))
    raise UsageError("errors.bad_window", value=token)


def reporters(session: Session, project_id: int, admins: frozenset[int], tz: tzinfo
              ) -> list[tuple[Person, date]]:
    """The project's active cadres with their local join day, less examiners and admins."""
    return [(p, m.joined_at.astimezone(tz).date())
            for p, m in people_q.members(session, project_id=project_id)
            if not (p.is_admin or p.is_examiner or p.tg_id in admins)]


def leave_days(session: Session, people: list[Person], start: date, end: date
                ) -> dict[int, set[date]]:
    days: dict[int, set[date]] = defaultdict(set)
    for leave in q.leaves_between(session, person_ids=[p.id for p in people], start=start, end=end):
        day = max(leave.start, start)
        while day <= min(leave.end, end):
            days[leave.person_id].add(day)
            day += timedelta(days=1)
    return days


@dataclass
class CadreLine:
    person: Person
    progress: int | None = None
    done: list[tuple[date, str]] = field(default_factory=list)
    problems: list[tuple[date, str]] = field(default_factory=list)
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

    @property
    def totals(self) -> tuple[int, int, int]:
        return (sum(c.on_time for c in self.cadres), sum(c.late for c in self.cadres),
                sum(c.missing for c in self.cadres))


def summary(session: Session, actor: Actor, project: Project, window: Window, *,
            admins: frozenset[int], today: date) -> SummaryView:
    """Per cadre: latest 进度, every 完成 and 问题 line; milestones; the reporting rate."""
    actor.require_examiner(project.id)
    roster = reporters(session, project.id, admins, project_clock(session, project, "UTC")[0])
    people, joined = [p for p, _d in roster], {p.id: d for p, d in roster}
    lines = {p.id: CadreLine(person=p) for p in people}
    progress = q.latest_progress(session, project_id=project.id, start=window.start, end=window.end)
    for pid, value in progress.items():
        if pid in lines:
            lines[pid].progress = value
    for pid, day, kind, text in q.items_between(session, project_id=project.id,
                                                start=window.start, end=window.end):
        if pid in lines and kind in ("done", "problem"):
            (lines[pid].done if kind == "done" else lines[pid].problems).append((day, text))
    days = workdays(window.start, window.end)
    status = q.day_status(session, project_id=project.id, start=window.start, end=window.end)
    leave = leave_days(session, people, window.start, window.end)
    for person in people:
        line = lines[person.id]
        for day in days:
            if day < joined[person.id]:
                continue
            if day in leave[person.id]:
                line.leave += 1
            elif (person.id, day) not in status:
                line.missing += 1
            elif status[(person.id, day)]:
                line.on_time += 1
            else:
                line.late += 1
    return SummaryView(project=project, window=window, workdays=len(days),
                       cadres=list(lines.values()),
                       milestones=projects_q.milestones(session, project_id=project.id),
                       today=today)


@dataclass
class MissingView:
    project: Project
    today: date
    workday: bool
    missing: list[Person]
    on_leave: list[Person]
    total: int


def missing(session: Session, actor: Actor, project: Project, *, admins: frozenset[int],
            today: date) -> MissingView:
    """Who has not reported today; nobody on a non-working day."""
    actor.require_examiner(project.id)
    if not is_workday(today):
        return MissingView(project, today, False, [], [], 0)
    tz = project_clock(session, project, "UTC")[0]
    people = [p for p, _joined in reporters(session, project.id, admins, tz)]
    done = q.reported_on(session, person_ids=[p.id for p in people], day=today,
                         project_id=project.id)
    leave = leave_days(session, people, today, today)
    on_leave = [p for p in people if leave.get(p.id)]
    absent = [p for p in people if p.id not in done and not leave.get(p.id)]
    return MissingView(project, today, True, absent, on_leave, len(people))


@dataclass
class MyView:
    person: Person
    projects: list[Project]
    recent: list
    streak: int
    today_reported: bool


def my(session: Session, actor: Actor, *, today: date, limit: int = 7) -> MyView:
    """My recent reports and my streak of reported working days."""
    person = actor.require_person()
    dates = q.report_dates(session, person_id=person.id, since=today - timedelta(days=400))
    streak, day = 0, today
    if today not in dates:
        day -= timedelta(days=1)
    while day >= today - timedelta(days=400):
        if is_workday(day):
            if day not in dates:
                break
            streak += 1
        day -= timedelta(days=1)
    return MyView(person=person, projects=people_q.projects_of(session, person_id=person.id),
                  recent=q.recent(session, person_id=person.id, limit=limit), streak=streak,
                  today_reported=today in dates)
