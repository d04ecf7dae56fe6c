"""Who a dashboard launch is for: an examiner or admin today, read without writing."""

from __future__ import annotations

from sqlmodel import Session

from core.errors import Refused
from core.people import Actor, UserInfo
from storage import people as q
from storage.models import Person


def viewer(session: Session, user: UserInfo, *, admins: frozenset[int]) -> Actor:
    """The acting examiner or admin with their projects; Refused for anyone else."""
    person, project_ids = q.with_projects(session, tg_id=user.id)
    actor = Actor(user=user, person=person, is_admin=user.id in admins)
    if person is not None:
        actor.is_admin = actor.is_admin or person.is_admin
        actor.is_examiner = person.is_examiner
        if person.is_examiner:
            actor.examiner_projects = q.examiner_project_ids(session, person_id=person.id)
        actor.cadre_projects = project_ids
    if not (actor.is_admin or actor.is_examiner):
        raise Refused("dashboard.examiners_only")
    return actor


def staff(session: Session, *, admins: frozenset[int]) -> list[Person]:
    """Everyone whose private chat gets the dashboard's menu button."""
    return [p for p in q.examiners_and_admins(session, admins=admins) if p.tg_id]
