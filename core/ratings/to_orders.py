"""差评 → 整改, and 回访: a bad rating becomes an order; its rater may hear of the fix (SPEC §6)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from core.common import names
from core.common.errors import UsageError
from core.orders import orders, rules
from core.org.people import Actor
from core.ratings.flow import BAD
from storage import people as people_q
from storage import ratings as ratings_q
from storage.tables import Person, Project, Rating, RatingContact, Rectification, RectificationEvent

VERDICTS = {"1": "满意", "2": "基本满意", "3": "不满意"}


def rating(session: Session, actor: Actor, rating_id: int) -> Rating:
    """The rating behind an alert's button, for the project's examiners only."""
    found = session.get(Rating, rating_id, populate_existing=True)
    if found is None or found.overall > BAD:  # rated again since the alert: no 差评 now
        raise UsageError("errors.bad_button")
    actor.require_examiner(found.project_id)
    done = session.exec(select(Rectification.number)
                        .where(Rectification.rating_id == rating_id)).first()
    if done is not None:
        raise UsageError("ratings.already_converted", number=done)
    return found


def candidates(session: Session, found: Rating) -> list[Person]:
    """Who may answer for a project-wide 差评: the project's 负责人 first."""
    members = people_q.members(session, project_id=found.project_id)
    return [p for p, _m in names.leaders_first(members, lambda pm: pm[1].role,
                                                lambda pm: pm[0].name)]


def convert(session: Session, actor: Actor, rating_id: int, text: str, *, today: date,
            person_id: int | None = None) -> Rectification:
    """Issue the order for a 差评: 15 working days, linked to the rating."""
    found = rating(session, actor, rating_id)
    person = session.get(Person, found.person_id or person_id or 0)
    if person is None:
        raise UsageError("errors.bad_button")
    return orders.issue(session, actor, person, text, today=today,
                        deadline=rules.add_workdays(today, rules.RATING_WORKDAYS),
                        project_hint=found.project_id, rating_id=found.id)


def project_of(session: Session, found: Rating) -> Project:
    """The project a rating was given in."""
    project = session.get(Project, found.project_id)
    assert project is not None
    return project


def contact_for(session: Session, order: Rectification) -> RatingContact | None:
    """The 回访 contact waiting for this order's close-out, if its rater asked for one."""
    if order.rating_id is None or order.state != "closed" or order.followup:
        return None
    return ratings_q.contact_of(session, rating_id=order.rating_id)


def record_verdict(session: Session, order_id: int, verdict: str) -> Rectification:
    """The rater's view of the fix (满意 / 基本满意 / 不满意), once, on the order's record."""
    order = session.get(Rectification, order_id)
    if order is None or verdict not in VERDICTS or order.rating_id is None:
        raise UsageError("errors.bad_button")
    if order.followup:
        raise UsageError("ratings.followup_done")
    order.followup = VERDICTS[verdict]
    session.add(order)
    session.add(RectificationEvent(order_id=order.id, actor_id=None, action="followup",
                                   from_state=order.state, to_state=order.state,
                                   comment=order.followup))
    return order
