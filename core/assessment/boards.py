"""/scores, /ranking and closing a period: scopes, the period asked for, frozen or live."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.assessment import scores, stages
from core.common.errors import UsageError
from core.org import periods
from core.org.people import Actor
from storage import figures as figures_q
from storage import periods as periods_q
from storage import projects as projects_q
from storage.tables import Period, Project, utcnow


@dataclass(frozen=True)
class Scope:
    """What is scored together: a project, a domain, or every project one may see."""

    kind: str  # project | domain | all
    name: str
    projects: list[Project]


def scope(session: Session, actor: Actor, word: str | None, group_project: Project | None
          ) -> Scope:
    """A project or domain by name; else the group's project; else all one may see."""
    actor.require_examiner()
    if word:
        project = projects_q.project_by_name(session, name=word)
        if project is not None:
            actor.require_examiner(project.id)
            return Scope("project", project.name, [project])
        domain = projects_q.domain_by_name(session, name=word)
        if domain is None:
            raise UsageError("scores.unknown_scope", name=word)
        found = [p for p in projects_q.projects_in_domain(session, domain_id=domain.id)
                 if actor.sees_project(p.id)]
        if not found:
            raise UsageError("errors.no_projects")
        return Scope("domain", domain.name, found)
    if group_project is not None:
        actor.require_examiner(group_project.id)
        return Scope("project", group_project.name, [group_project])
    found = [p for p in projects_q.all_projects(session) if actor.sees_project(p.id)]
    if not found:
        raise UsageError("errors.no_projects")
    limited = not actor.is_admin and bool(actor.examiner_projects)
    return Scope("mine" if limited else "all", "", found)


def is_scope(session: Session, word: str) -> bool:
    """Whether a word names a project or a domain (else it may name a period)."""
    return (projects_q.project_by_name(session, name=word) is not None
            or projects_q.domain_by_name(session, name=word) is not None)


def period_for(session: Session, chosen: Scope, word: str | None) -> Period:
    """The named period, else the scope's open one, else its latest closed one."""
    if word:
        return periods.find(session, word)
    ids = [p.id for p in chosen.projects]
    for status in ("open", "closed"):  # two queries, however many projects
        found = periods_q.of_projects(session, project_ids=ids, status=status)
        if found:
            return found[0]
    raise UsageError("scores.no_period")


@dataclass
class ScoresView:
    scope: Scope
    period: Period
    end: date
    rows: list[scores.CadreScore]
    frozen: bool
    quota: float
    stages: dict[int, str] = field(default_factory=dict)


def view(session: Session, actor: Actor, word: str | None, period_word: str | None, *,
         group_project: Project | None, today: date, grading: scores.Grading, tz: ZoneInfo
         ) -> ScoresView:
    """Every cadre of the scope in the period: composite, grade, parts with their figures."""
    chosen = scope(session, actor, word, group_project)
    period = period_for(session, chosen, period_word)
    covered = set(periods_q.project_ids(session, period_id=period.id))
    inside = [p for p in chosen.projects if p.id in covered]
    if not inside:
        raise UsageError("scores.not_in_period", theme=period.theme)
    if period.status == "closed":
        rows = scores.frozen(session, period, inside)
    else:
        rows = scores.compute(session, inside, period, today=today, grading=grading, tz=tz)
    history = figures_q.stages(session, person_ids=[r.person.id for r in rows])
    for row in rows:
        row.stage = stages.current(history.get(row.person.id, []))
    return ScoresView(Scope(chosen.kind, chosen.name, inside), period,
                      scores.counted_until(period, today), rows, period.status == "closed",
                      grading.quota)


def view_by_ids(session: Session, actor: Actor, kind: str, ref: int, period_id: int, *,
                today: date, grading: scores.Grading, tz: ZoneInfo) -> ScoresView:
    """The scores a chart button stands for: (p)roject / (d)omain / (a)ll by id, a period."""
    word = None
    if kind == "p":
        project = projects_q.project_by_id(session, project_id=ref)
        word = project.name if project else None
    elif kind == "d":
        domain = projects_q.domain_by_id(session, domain_id=ref)
        word = domain.name if domain else None
    period = periods_q.by_id(session, period_id=period_id)
    if (kind in ("p", "d") and word is None) or period is None:
        raise UsageError("errors.bad_button")
    return view(session, actor, word, str(period.id), group_project=None, today=today,
                grading=grading, tz=tz)


@dataclass
class Closed:
    period: Period
    projects: list[Project]
    rows: list[scores.CadreScore]
    moved: dict[int, str]
    propose_review: bool


def close(session: Session, actor: Actor, word: str | None, *, today: date,
          grading: scores.Grading, tz: ZoneInfo) -> Closed:
    """/period close: freeze scores and grades, move cadres through 三期管理, maybe "3+1"."""
    actor.require_admin()
    period = periods.find(session, word, status="open")
    if period.status != "open":
        raise UsageError("periods.already_closed", theme=period.theme)
    chosen = periods.projects_of(session, period)
    rows = scores.compute(session, chosen, period, today=today, grading=grading, tz=tz)
    scores.freeze(session, period, rows)
    moved = stages.apply(session, period, {r.person.id: r.grade for r in rows if r.grade})
    period.status, period.closed_at = "closed", utcnow()
    period.end = max(period.start, min(period.end, today))  # closed early: it ends today
    session.add(period)
    session.flush()
    return Closed(period, chosen, rows, moved,
                  periods.proposes_review(session, period, [p.id for p in chosen]))
