"""A target's released window (SPEC §6): a new release once enough new ratings came, dated to
the day; what views show is decided from releases alone (core.ratings.anonymity.disclose)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from core.ratings import anonymity
from storage import rating_windows as windows_q
from storage.tables import RatingRelease, utcnow


def day(moment: datetime) -> datetime:
    """A moment kept at day precision (SPEC §6: nothing times a rating more finely)."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def refresh(session: Session, *, project_id: int, person_id: int | None, bucket: str,
            minimum: int, min_comments: int) -> bool:
    """Publish a new release of the window once enough new ratings came (anonymity)."""
    target = {"project_id": project_id, "person_id": person_id, "bucket": bucket}
    count, released = windows_q.window_counts(session, **target)
    if not anonymity.due(count, released, minimum):
        return False
    levels, dims = windows_q.window_levels(session, **target)
    live = anonymity.Stats.of(levels, dims, windows_q.comments(session, **target))
    last = windows_q.latest_stats(session, **target)
    made = anonymity.release(live, anonymity.Release.from_json(last) if last else None,
                             minimum=minimum, min_comments=min_comments)
    # an object, not a Core insert: one in `minimum` ratings, and the demo's clock dates it
    session.add(RatingRelease(**target, count=live.count, stats=made.to_json(),
                              created_at=day(utcnow())))
    return True
