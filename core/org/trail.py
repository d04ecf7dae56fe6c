"""工作纪实: every examiner action on a cadre, kept for /cadre and the dossier."""

from __future__ import annotations

from sqlmodel import Session

from core.org.people import Actor
from storage.tables import Trail

DETAIL_MAX = 500


def record(session: Session, actor: Actor, *, person_id: int, action: str, detail: str = ""
           ) -> None:
    """Add one line to the cadre's trail: who (the actor), when (now), what."""
    session.add(Trail(person_id=person_id, actor_id=actor.person.id if actor.person else None,
                      action=action, detail=detail[:DETAIL_MAX]))
