"""/cadre: a cadre's 履职档案 in brief — the three lists, reporting, ratings, orders, notes,
score and grade, 三期 stage and the latest 工作纪实 (SPEC §4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.assessment import scores, stages
from core.common.errors import Refused, UsageError
from core.orders import orders
from core.org import periods
from core.org.people import Actor
from core.ratings import views
from storage import cadre_records as cadre_records_q
from storage import figures as figures_q
from storage import people as people_q
from storage.tables import Milestone, Observation, Period, Person, Project, StageEntry, Trail

LIST_MAX = 10


@dataclass
class CadreBrief:
    person: Person
    projects: list[Project]
    period: Period  # the open 考察期, or this month as a window
    in_period: bool
    duties: list[tuple[Milestone, Project]]
    achievements: list[tuple[date, str, int]]
    problems: list[tuple[date, str, int]]
    orders: list[orders.OrderLine]
    score: scores.CadreScore | None
    ratings: views.OwnRatings
    notes: list[tuple[Observation, Person | None]]
    stage: str | None
    stages: list[StageEntry] = field(default_factory=list)
    trail: list[tuple[Trail, Person | None]] = field(default_factory=list)
    today: date | None = None
    place: int | None = None  # on the project's board (1-based), with `ranked` cadres on it
    ranked: int = 0

    @property
    def done_milestones(self) -> list[tuple[Milestone, Project]]:
        return [(m, p) for m, p in self.duties if m.done_at is not None]


def allowed(session: Session, actor: Actor, person: Person) -> list[Project]:
    """A cadre sees only their own record; examiners within the projects they assess."""
    mine = people_q.projects_of(session, person_id=person.id)
    if actor.person is not None and actor.person.id == person.id:
        return mine
    if not (actor.is_admin or actor.is_examiner):
        raise Refused("assessment.own_record_only")
    if not mine:
        raise UsageError("assessment.not_a_cadre", name=person.name or person.tg_id)
    visible = [p for p in mine if actor.sees_project(p.id)]
    if not visible:
        actor.require_examiner(mine[0].id)
    return visible  # an examiner limited to projects sees the record within them only


def period_or_month(session: Session, project: Project, today: date) -> tuple[Period, bool]:
    """The project's open period, else this month (as a transient window, id 0)."""
    found = periods.open_period(session, project.id)
    if found is not None:
        return found, True
    return Period(id=0, theme=periods.month_bucket(today), start=today.replace(day=1),
                  end=today, status="open"), False


def brief(session: Session, actor: Actor, person: Person, *, today: date,
          grading: scores.Grading, tz: ZoneInfo) -> CadreBrief:
    """The record in brief, a fixed number of queries."""
    projects = allowed(session, actor, person)
    if not projects:
        raise UsageError("assessment.not_a_cadre", name=person.name or person.tg_id)
    ids = [p.id for p in projects]
    period, in_period = period_or_month(session, projects[0], today)
    end = scores.counted_until(period, today)
    rows = scores.compute(session, [projects[0]], period, today=today, grading=grading, tz=tz)
    history = figures_q.stages(session, person_ids=[person.id]).get(person.id, [])
    place = next((n for n, r in enumerate(rows, start=1) if r.person.id == person.id), None)
    return CadreBrief(
        person=person, projects=projects, period=period, in_period=in_period,
        duties=cadre_records_q.milestones_of(session, person_id=person.id, project_ids=ids),
        achievements=cadre_records_q.items_of(session, person_id=person.id, kind="done",
                                              start=period.start,
                                end=end, limit=LIST_MAX, project_ids=ids),
        problems=cadre_records_q.items_of(session, person_id=person.id, kind="problem",
                                          start=period.start,
                            end=end, limit=LIST_MAX, project_ids=ids),
        orders=[o for o in orders.open_for(session, person, today=today)
                if o.project.id in ids],
        score=next((r for r in rows if r.person.id == person.id), None),
        ratings=views.own(session, person, projects, today=today,
                         thresholds=grading.thresholds),
        notes=cadre_records_q.observations_of(session, person_id=person.id, limit=5),
        stage=stages.current(history), stages=history,
        trail=cadre_records_q.trail_of(session, person_id=person.id, limit=8), today=today,
        place=place, ranked=len(rows))
