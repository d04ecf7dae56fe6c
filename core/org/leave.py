"""Leave, business trips and secondments (请假/出差/借调): no nudges, not counted (SPEC §4)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from core.common.errors import Refused, UsageError
from core.org.people import Actor
from storage.tables import Leave, Person

KINDS = ("请假", "出差", "借调")
MAX_DAYS = 366
REASON_MAX = 200


def add_leave(session: Session, actor: Actor, person: Person, start: date, end: date,
              reason: str) -> Leave:
    """Record leave; past dates are accepted (补登). Others' leave needs an examiner."""
    own = actor.person is not None and actor.person.id == person.id
    if not own and not (actor.is_admin or actor.is_examiner):
        raise Refused("errors.leave_others")
    if own:
        actor.require_person()
    if end < start:
        raise UsageError("errors.date_order", start=start.isoformat(), end=end.isoformat())
    if (end - start).days >= MAX_DAYS:
        raise UsageError("errors.leave_too_long", days=MAX_DAYS)
    if len(reason) > REASON_MAX:
        raise UsageError("errors.too_long", limit=REASON_MAX)
    kind = next((k for k in KINDS if reason.startswith(k)), "请假")
    leave = Leave(person_id=person.id, start=start, end=end, kind=kind, reason=reason,
                  created_by=actor.person.id if actor.person else None)
    session.add(leave)
    return leave
