"""The examiners' own judgement (SPEC §4, §8): field notes, grades, weights, typical reports."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from core.assessment import _scoring
from core.common.errors import UsageError
from core.org import periods, trail
from core.org.people import Actor
from storage import people as people_q
from storage import projects as projects_q
from storage.tables import (
    DailyReport,
    Domain,
    DomainWeights,
    Grade,
    Observation,
    Period,
    Person,
    Project,
    Star,
    utcnow,
)

POINTS_MAX = 10
TEXT_MAX = 500


def assessed_project(session: Session, actor: Actor, person: Person) -> Project:
    """A project of the cadre's that the examiner assesses (refused otherwise)."""
    actor.require_examiner()
    mine = people_q.projects_of(session, person_id=person.id)
    if not mine:
        raise UsageError("assessment.not_a_cadre", name=person.name or person.tg_id)
    visible = [p for p in mine if actor.sees_project(p.id)]
    if not visible:
        actor.require_examiner(mine[0].id)
    return visible[0]


def note(session: Session, actor: Actor, person: Person, points: int, text: str
         ) -> Observation:
    """/note: a 考察纪实 observation, with points within ±10."""
    assessed_project(session, actor, person)
    if not -POINTS_MAX <= points <= POINTS_MAX:
        raise UsageError("assessment.bad_points", limit=POINTS_MAX)
    text = text.strip()
    if not text:
        raise UsageError("usage.note")
    if len(text) > TEXT_MAX:
        raise UsageError("errors.too_long", limit=TEXT_MAX)
    found = Observation(person_id=person.id, examiner_id=actor.person.id if actor.person else None,
                        points=points, text=text)
    session.add(found)
    trail.record(session, actor, person_id=person.id, action="note",
                 detail=f"{points:+d} {text}" if points else text)
    return found


@dataclass(frozen=True)
class Graded:
    grade: Grade
    period: Period
    replaced: bool


def grade(session: Session, actor: Actor, person: Person, score: int, comment: str) -> Graded:
    """/grade: this examiner's assessment of the cadre for the open period (the latest counts)."""
    project = assessed_project(session, actor, person)
    if not 0 <= score <= 100:
        raise UsageError("assessment.bad_grade")
    if len(comment) > TEXT_MAX:
        raise UsageError("errors.too_long", limit=TEXT_MAX)
    period = periods.open_period(session, project.id)
    if period is None:
        raise UsageError("assessment.no_open_period", project=project.name)
    examiner = actor.person
    assert examiner is not None
    found = session.exec(select(Grade).where(Grade.period_id == period.id,
                                             Grade.person_id == person.id,
                                             Grade.examiner_id == examiner.id)).first()
    replaced = found is not None
    found = found or Grade(period_id=period.id, person_id=person.id, examiner_id=examiner.id,
                           score=score)
    found.score, found.comment, found.at = score, comment.strip(), utcnow()
    session.add(found)
    trail.record(session, actor, person_id=person.id, action="grade",
                 detail=f"{period.theme} {score} {comment}".strip())
    return Graded(found, period, replaced)


def weights_of(session: Session, actor: Actor, domain_name: str) -> tuple[Domain, _scoring.Weights]:
    """A domain's weights (the defaults until set)."""
    actor.require_examiner()
    domain = projects_q.domain_by_name(session, name=domain_name)
    if domain is None:
        raise UsageError("errors.unknown_domain", name=domain_name)
    row = session.get(DomainWeights, domain.id)
    return domain, (_scoring.Weights(row.achievement, row.diligence, row.rating, row.examiners)
                    if row else _scoring.Weights())


def set_weights(session: Session, actor: Actor, domain_name: str, values: list[int]
                ) -> tuple[Domain, _scoring.Weights]:
    """/weights <domain> 实绩 N 状态 N 评价 N 考核组 N (admins; they sum to 100)."""
    actor.require_admin()
    domain, _old = weights_of(session, actor, domain_name)
    try:
        weights = _scoring.check_weights(values)
    except ValueError:
        raise UsageError("assessment.bad_weights", total=sum(values)) from None
    row = session.get(DomainWeights, domain.id) or DomainWeights(
        domain_id=domain.id, achievement=0, diligence=0, rating=0, examiners=0)
    row.achievement, row.diligence, row.rating, row.examiners = values
    session.add(row)
    return domain, weights


def toggle_star(session: Session, actor: Actor, report: DailyReport) -> bool:
    """/star: mark a report a typical achievement (先进典型), or unmark it; True when marked."""
    actor.require_examiner(report.project_id)
    found = session.get(Star, report.id)
    if found is not None:
        session.delete(found)
        trail.record(session, actor, person_id=report.person_id, action="unstar",
                     detail=f"{report.local_date.isoformat()} {report.text[:80]}")
        return False
    session.add(Star(report_id=report.id, by_id=actor.person.id if actor.person else None))
    trail.record(session, actor, person_id=report.person_id, action="star",
                 detail=f"{report.local_date.isoformat()} {report.text[:80]}")
    return True
