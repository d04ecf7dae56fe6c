"""The 回访 contact: a rater's chat, sealed, opened once to tell them of the fix (SPEC §6)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from core.ratings import rater_keys as keys
from storage import ratings as ratings_q
from storage.tables import RatingContact


def chat_of(session: Session, *, contact_id: int, secret: str) -> int | None:
    """The rater's chat id, unsealed for one send; None when gone or not ours."""
    contact = session.get(RatingContact, contact_id)
    if contact is None:
        return None
    opened = keys.unseal(secret, "contact", contact.sealed)
    return int(opened) if opened and opened.isdigit() else None


def forget(session: Session, *, contact_id: int) -> None:
    """Delete the contact once the message went (or could not go)."""
    ratings_q.drop_contact(session, contact_id=contact_id)


def sweep(session: Session, *, now: datetime) -> None:
    """Delete stale flows, yesterday's flood counters and contacts past their 60 days."""
    ratings_q.purge(session, now=now, today=now.date())
