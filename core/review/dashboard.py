"""The examiners' dashboard (SPEC §12): who may look, the scope picker, the board and the
orders board — read through the same use cases and permissions as /scores and /orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.assessment import boards, scores
from core.common.errors import Refused
from core.orders import orders
from core.org import people, projects
from core.org.people import Actor, UserInfo
from storage import people as people_q
from storage import periods as periods_q
from storage import projects as projects_q
from storage.tables import Domain, Period, Person, Project


def viewer(session: Session, user: UserInfo, *, admins: frozenset[int]) -> Actor:
    """The acting examiner or admin with their projects, read without writing; Refused for
    anyone else."""
    person, project_ids = people_q.with_projects(session, tg_id=user.id)
    actor = people.actor_of(session, user, person, project_ids, admins=admins)
    if not (actor.is_admin or actor.is_examiner):
        raise Refused("dashboard.examiners_only")
    return actor


def staff(session: Session, *, admins: frozenset[int]) -> list[Person]:
    """Everyone whose private chat gets the dashboard's menu button."""
    return [p for p in people_q.examiners_and_admins(session, admins=admins) if p.tg_id]


@dataclass
class Choices:
    domains: list[Domain]
    projects: list[tuple[Project, str, int]]  # project, domain name, cadres
    periods: list[Period]  # open first, then closed, latest first


def choices(session: Session, actor: Actor) -> Choices:
    """What the picker offers this examiner: four queries, however many projects."""
    visible = projects.visible_projects(session, actor)
    ids = {p.id for p, _d, _n in visible}
    domain_ids = {p.domain_id for p, _d, _n in visible}
    domains = [d for d, _n in projects_q.domains_with_counts(session) if d.id in domain_ids]
    found = periods_q.listing(session)
    covers = periods_q.with_projects(session, period_ids=[p.id for p in found])
    shown = [p for p in found if ids & set(covers.get(p.id, []))]
    shown.sort(key=lambda p: p.status != "open")  # stable: latest first within each status
    return Choices(domains, visible, shown)


def board(session: Session, actor: Actor, scope: str | None, period_id: int | None, *,
          today: date, grading: scores.Grading, tz: ZoneInfo) -> boards.ScoresView:
    """Every cadre of the scope in the period, exactly as /scores <scope> <period> has them."""
    return boards.view(session, actor, scope or None, str(period_id) if period_id else None,
                       group_project=None, today=today, grading=grading, tz=tz)


@dataclass
class OrderRow:
    line: orders.OrderLine
    days: int  # days left before the deadline (negative: days overdue)


STATE_ORDER = ("open", "progress", "submitted", "closed", "cancelled")


def order_board(session: Session, actor: Actor, scope: str | None, *, today: date
                ) -> list[OrderRow]:
    """The scope's orders as /orders lists them: overdue first, then by state and deadline."""
    chosen = boards.scope(session, actor, scope or None, None)
    ids = {p.id for p in chosen.projects}
    project = chosen.projects[0] if chosen.kind == "project" else None
    lines = [*orders.listing(session, actor, project, "open", today=today),
             *orders.listing(session, actor, project, "closed", today=today)]
    rows = [OrderRow(line, (line.order.deadline - today).days) for line in lines
            if line.project.id in ids]
    rank = {state: n for n, state in enumerate(STATE_ORDER)}
    rows.sort(key=lambda r: (not r.line.overdue, rank.get(r.line.order.state, 9),
                             r.line.order.deadline, r.line.order.number))
    return rows
