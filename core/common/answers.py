"""Questions whose answer is the person's next private message (汇报进展, 退回的理由…)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from storage import people as people_q
from storage.tables import Pending, Person, utcnow

KIND = "await"
KEEP = timedelta(hours=2)  # an unanswered question lapses after this


def expect(session: Session, person: Person, what: str, **data: Any) -> None:
    """The person's next private message answers `what` (replacing an earlier question)."""
    for pending in people_q.open_pending(session, person_id=person.id, kind=KIND):
        pending.answered_at = utcnow()
        session.add(pending)
    session.add(Pending(person_id=person.id, kind=KIND,
                        payload=json.dumps({"what": what, **data}, ensure_ascii=False)))


def take(session: Session, person: Person | None) -> dict[str, Any] | None:
    """The question this private message answers (now answered), or None."""
    if person is None:
        return None
    found = None
    for pending in people_q.open_pending(session, person_id=person.id, kind=KIND):
        pending.answered_at = utcnow()
        session.add(pending)
        if found is None and utcnow() - pending.created_at <= KEEP:
            found = json.loads(pending.payload)
    return found
