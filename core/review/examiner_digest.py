"""The Monday examiner digest (SPEC §5 `examiner-digest`): one message per examiner over their
projects — last week's reporting, cadres silent for 3+ working days, new 差评 alerts, overdue
orders, cadres in 三期管理. Computed once for all projects, then cut per examiner."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, timedelta, tzinfo

from sqlmodel import Session

from core.assessment import stages
from core.common.calendar import week_bounds, workdays
from core.orders import rules
from core.org import roster as org_roster
from core.reporting import attendance
from storage import deliveries as deliveries_q
from storage import figures as figures_q
from storage import orders as orders_q
from storage import people as people_q
from storage import projects as projects_q
from storage.tables import Person, Project

SILENT_DAYS = 3


@dataclass
class ProjectLine:
    project: Project
    cadres: int
    reported: int  # cadre-days reported last week
    expected: int  # cadre-days expected last week (core.reporting.attendance)
    silent: list[tuple[Person, int]] = field(default_factory=list)  # working days without
    overdue: list = field(default_factory=list)  # (order, cadre)
    staged: list[tuple[Person, str]] = field(default_factory=list)


@dataclass
class ExaminerDigest:
    examiner: Person
    start: date
    end: date
    projects: list[ProjectLine]
    bad_ratings: int  # 差评 alerts this examiner received last week


def digests(session: Session, *, day: date, admins: frozenset[int], tz: tzinfo = UTC
            ) -> list[ExaminerDigest]:
    """Every examiner's digest for the week before `day` (a fixed number of queries)."""
    start, end = week_bounds(day - timedelta(days=7))
    projects = projects_q.all_projects(session)
    ids = [p.id for p in projects]
    roster, seats = org_roster.seats(session, ids, admins, tz)
    found = attendance.per_project(session, seats, start=start, end=end)
    last = figures_q.last_reported(session, project_ids=ids)
    live = orders_q.live_for_projects(session, project_ids=ids)
    history = figures_q.stages(session)
    lines = {}
    for project in projects:
        cadres = roster.get(project.id, [])
        record = sum((found[(project.id, p.id)] for p in cadres), attendance.DayRecord())
        line = ProjectLine(project, len(cadres), record.reported, record.expected)
        for person in cadres:
            since = last.get((project.id, person.id))
            gap = len(workdays(since + timedelta(days=1), day - timedelta(days=1))) if since \
                else None
            if gap is None or gap >= SILENT_DAYS:
                line.silent.append((person, gap if gap is not None else -1))
            stage = stages.current(history.get(person.id, []))
            if stage:
                line.staged.append((person, stage))
        line.overdue = [(o, c) for o, c, _i, p in live
                        if p.id == project.id and rules.is_overdue(o.state, o.deadline, day)]
        lines[project.id] = line
    found = []
    for examiner in people_q.examiners_and_admins(session, admins=admins):
        scope = (None if examiner.is_admin or examiner.tg_id in admins
                 else set(people_q.examiner_project_ids(session, person_id=examiner.id)) or None)
        mine = [line for pid, line in lines.items() if scope is None or pid in scope]
        found.append(ExaminerDigest(examiner, start, end, mine, deliveries_q.count_sent(
            session, job="rating-alert", target=f"person:{examiner.id}", start=start, end=end)))
    return found
