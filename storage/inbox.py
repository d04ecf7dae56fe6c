"""The inbox of received updates (SPEC §10)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, func, update
from sqlmodel import Session, select

from storage.tables import Inbox, utcnow
from storage.upsert import insert_ignore


def add(session: Session, *, rows: list[dict]) -> int:
    """Store received updates (update_id, chat_id, payload); duplicates are ignored."""
    return insert_ignore(session, Inbox, rows)


def unfinished(session: Session, *, limit: int = 100, max_attempts: int) -> list[Inbox]:
    """Rows still to process, oldest first."""
    stmt = (select(Inbox).where(Inbox.status.in_(("pending", "failed")),  # type: ignore[attr-defined]
                                Inbox.attempts < max_attempts)
            .order_by(Inbox.update_id).limit(limit))
    return list(session.exec(stmt))


_MARK_DONE = (update(Inbox.__table__).where(Inbox.__table__.c.update_id == bindparam("uid"))
              .values(status="done", processed_at=bindparam("at"), payload=""))


def mark_done(session: Session, *, update_id: int) -> None:
    session.connection().execute(_MARK_DONE, {"uid": update_id, "at": utcnow()})


def mark_all_done(session: Session, *, update_ids: list[int]) -> None:
    """mark_done for many rows in one executemany (a group commit's successful updates)."""
    if update_ids:
        at = utcnow()
        session.connection().execute(_MARK_DONE, [{"uid": u, "at": at} for u in update_ids])


def mark_failed(session: Session, *, update_id: int, error: str, max_attempts: int) -> str:
    """Count a failed attempt; the row is parked as dead after max_attempts. Returns the status."""
    row = session.get(Inbox, update_id)
    if row is None:
        return "missing"
    row.attempts += 1
    row.error = error[:500]
    row.status = "dead" if row.attempts >= max_attempts else "failed"
    session.add(row)
    return row.status


def prune(session: Session, *, before: datetime) -> int:
    """Forget done rows received before `before`."""
    result = session.execute(delete(Inbox).where(Inbox.status == "done",
                                                 Inbox.received_at < before))
    return result.rowcount or 0


def counts(session: Session) -> dict[str, int]:
    """Rows by status."""
    rows = session.exec(select(Inbox.status, func.count()).group_by(Inbox.status))
    return dict(rows.all())
