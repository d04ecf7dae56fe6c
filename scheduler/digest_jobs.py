"""What `examiner-digest` sends on Monday: one message per examiner (split if long)."""

from __future__ import annotations

from datetime import UTC, tzinfo

from sqlmodel import Session

from core.review import examiner_digest
from core.review.schedule import Slot
from scheduler.planned import Planned, Texts


def plan(session: Session, slot: Slot, *, texts: Texts, admins: frozenset[int],
         tz: tzinfo = UTC) -> list[Planned]:
    """Each reachable examiner's digest of last week, keyed by examiner and ISO week."""
    planned = []
    for digest in examiner_digest.digests(session, day=slot.day, admins=admins, tz=tz):
        examiner = digest.examiner
        if not (examiner.tg_id and examiner.reachable and digest.projects):
            continue
        parts = texts.parts("digest.examiner", digest=digest)
        planned += [Planned(slot.job, f"person:{examiner.id}#{n}", slot.period_key,
                            examiner.tg_id, part) for n, part in enumerate(parts, start=1)]
    return planned
