"""/my for an examiner: their projects' reporting on the day, open and overdue orders, new 差评
alerts — an examiner's day, not a cadre's streak (a fixed number of queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, timedelta, tzinfo

from sqlmodel import Session

from core.common import names
from core.orders import rules
from core.org import roster as org_roster
from core.org.people import Actor
from core.reporting import attendance
from storage import deliveries as deliveries_q
from storage import orders as orders_q
from storage import projects as projects_q
from storage.tables import Person, Project

ALERT_DAYS = 7  # 差评 alerts of the last week count as new


@dataclass
class ProjectDay:
    project: Project
    cadres: int
    reported: int
    away: int  # on leave that day
    missing: list[Person] = field(default_factory=list)
    live: int = 0  # open orders
    overdue: list = field(default_factory=list)  # (order, cadre)

    @property
    def due(self) -> int:
        return self.cadres - self.away


@dataclass
class ExaminerDay:
    examiner: Person | None  # an admin known only from the settings has no row yet
    day: date  # the working day reviewed
    projects: list[ProjectDay]
    alerts: int  # 差评 alerts sent to this examiner in the last ALERT_DAYS days


def examiner_day(session: Session, actor: Actor, *, day: date, today: date,
                 admins: frozenset[int], tz: tzinfo = UTC) -> ExaminerDay:
    """The examiner's projects on `day` (the last working day when today is not one)."""
    actor.require_examiner()
    examiner = actor.person
    projects = [p for p in projects_q.all_projects(session) if actor.sees_project(p.id)]
    ids = [p.id for p in projects]
    roster, seats = org_roster.seats(session, ids, admins, tz)
    found = attendance.per_project(session, seats, start=day, end=day)  # the one record
    live = orders_q.live_for_projects(session, project_ids=ids)
    lines = []
    for project in names.in_pinyin_order(projects, lambda p: p.name):
        cadres = roster.get(project.id, [])
        days = {p.id: found[(project.id, p.id)] for p in cadres}
        line = ProjectDay(project, len(cadres), sum(1 for d in days.values() if d.reported),
                          sum(1 for d in days.values() if d.leave))
        line.missing = names.in_pinyin_order([p for p in cadres if days[p.id].missing],
                                             lambda p: p.name)
        mine = [(o, c) for o, c, _i, p in live if p.id == project.id]
        line.live = len(mine)
        line.overdue = [(o, c) for o, c in mine if rules.is_overdue(o.state, o.deadline, today)]
        lines.append(line)
    alerts = deliveries_q.count_sent(
        session, job="rating-alert", target=f"person:{examiner.id}",
        start=today - timedelta(days=ALERT_DAYS), end=today) if examiner is not None else 0
    return ExaminerDay(examiner, day, lines, alerts)
