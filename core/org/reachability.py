"""Who can be told in private: a refused DM marks a person unreachable, writing to the bot in
private makes them reachable again (SPEC §2)."""

from __future__ import annotations

from sqlmodel import Session

from core.org.people import UserInfo
from storage import people as people_q


def mark_reachable(session: Session, user: UserInfo) -> None:
    """A private message makes a known person reachable for DMs again; every private update (a
    rater's too) passes here: read as the actor is (shared by a group), written only if needed."""
    person, _project_ids = people_q.with_projects(session, tg_id=user.id)
    if person is not None and not person.reachable:
        person.reachable = True
        session.add(person)


def mark_unreachable(session: Session, tg_id: int) -> None:
    """A refused DM (blocked bot): no more DMs until they write again."""
    person = people_q.by_tg(session, tg_id=tg_id)
    if person is not None and person.reachable:
        person.reachable = False
        session.add(person)
