"""The dashboard's file buttons (SPEC §12): the /dossier and /export files for the
examiner's private chat, planned in the Delivery ledger (sent once, after the commit, built
off the event loop by whoever flushes the ledger)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlmodel import Session

from core.assessment import cadre_view
from core.common import deliveries
from core.common.errors import UsageError
from core.documents import export_view
from core.org.people import Actor
from storage import people as people_q
from storage import periods as periods_q

JOB = "dashboard-file"
KINDS = ("dossier", "export")


def check(session: Session, actor: Actor, kind: str, *, person_id: int | None,
          scope: str | None, period_id: int | None) -> str:
    """Refuse what the chat command would refuse; the name of what will be sent."""
    if kind == "dossier":
        found = people_q.by_ids(session, ids=[person_id]) if person_id else []
        if not found:
            raise UsageError("dashboard.unknown_cadre")
        cadre_view.allowed(session, actor, found[0])
        return found[0].name or str(found[0].tg_id)
    if kind != "export":
        raise UsageError("dashboard.unknown_file")
    period = periods_q.by_id(session, period_id=period_id) if period_id else None
    chosen = export_view.check(session, actor, scope or None,
                               str(period.id) if period else None)
    return chosen.name


def plan(session: Session, actor: Actor, kind: str, *, person_id: int | None,
         scope: str | None, period_id: int | None, caption: str, now: datetime) -> bool:
    """One delivery per file, person and minute (a double tap sends once); False if planned."""
    ref = f"{person_id}" if kind == "dossier" else f"{scope or ''}|{period_id or ''}"
    digest = hashlib.sha256(ref.encode()).hexdigest()[:16]
    who = actor.person.id if actor.person is not None else actor.user.id
    return deliveries.plan(session, job=JOB, target=f"person:{who}",
                           period_key=f"{kind[0]}{now:%m%d%H%M}:{digest}", chat_id=actor.user.id,
                           text=caption, extra={"document": {
                               "kind": kind, "tg": actor.user.id, "person": person_id,
                               "scope": scope or None, "period": period_id}})
