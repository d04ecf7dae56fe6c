"""The Delivery ledger: plan, claim atomically, finish (SPEC §10)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, bindparam, delete, exists, literal, or_, update
from sqlmodel import Session, func, select

from storage.tables import Delivery, Lease, utcnow
from storage.upsert import insert_ignore


def plan(session: Session, *, rows: list[dict]) -> int:
    """Record planned messages (job, target, period_key, chat_id[, status]); existing ones stay."""
    return insert_ignore(session, Delivery, rows)


ALIVE = "alive:"  # a worker's heartbeat lease: "alive:<holder>"
# Claimed, then "sending" once the request may leave. A claim lapsed before that is taken over
# and sent; a lapsed "sending" one is recorded uncertain and never sent again: its holder died
# between the request and the record, and a resend is a duplicate whenever the first arrived
# (SPEC §10: the only possible duplicate is a send that timed out). Telegram has no idempotency
# key, so that one message is at most once.
CLAIMED, SENDING = "claimed", "sending"


def _lapsed(now: datetime, *statuses: str) -> ColumnElement[bool]:
    """A claim whose time is up, or whose holder's heartbeat stopped (a killed worker)."""
    dead = exists().where(Lease.name == literal(ALIVE) + Delivery.claimed_by,
                          Lease.expires_at < now)
    return and_(Delivery.status.in_(statuses or (CLAIMED,)),  # type: ignore[attr-defined]
                or_(Delivery.claim_expires_at < now, dead))


def claim(session: Session, *, job: str, target: str, period_key: str, holder: str,
          until: datetime, now: datetime) -> int | None:
    """Take a pending delivery, or one whose claim expired; its id, or None if not ours."""
    stmt = (update(Delivery)
            .where(Delivery.job == job, Delivery.target == target,
                   Delivery.period_key == period_key,
                   or_(Delivery.status == "pending", _lapsed(now)))
            .values(status=CLAIMED, claimed_by=holder, claim_expires_at=until,
                    attempts=Delivery.attempts + 1)
            .returning(Delivery.id)
            .execution_options(synchronize_session=False))
    return session.execute(stmt).scalar()


def begin_send(session: Session, *, delivery_id: int, holder: str) -> bool:
    """Mark our claim "sending", just before its request leaves; False: no longer ours."""
    stmt = (update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == CLAIMED,
                   Delivery.claimed_by == holder)
            .values(status=SENDING)
            .execution_options(synchronize_session=False, preserve_rowcount=True))
    return (session.execute(stmt).rowcount or 0) == 1


def abandon(session: Session, *, job: str, target: str, period_key: str, now: datetime
            ) -> bool:
    """Record uncertain a send whose holder died after its request may have left."""
    stmt = select(Delivery.id).where(Delivery.job == job, Delivery.target == target,
                                     Delivery.period_key == period_key,
                                     _lapsed(now, SENDING)).with_for_update()
    delivery_id = session.exec(stmt).first()
    if delivery_id is None:
        return False
    finish(session, delivery_id=delivery_id, status="uncertain", job=job,
           error="its sender stopped mid-send: not sent again")
    return True


DAY_ONLY = ("rating-alert", "followup")  # their times would time a rating (SPEC §6)


def finish(session: Session, *, delivery_id: int, status: str, error: str = "",
           job: str = "") -> None:
    """pending → sent | failed | unreachable | skipped | uncertain."""
    sent = utcnow() if status in ("sent", "uncertain") else None
    values: dict = {"status": status, "error": error[:500], "claim_expires_at": None,
                    "sent_at": sent}
    if job in DAY_ONLY:  # once gone, nothing in the ledger says when, finer than the day
        day = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
        values.update(sent_at=sent and day, due_at=day, created_at=day)
    session.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values)
                    .execution_options(synchronize_session=False))


def due(session: Session, *, now: datetime, limit: int = 500) -> list[Delivery]:
    """Triggered messages that may go now: pending (or with an expired claim) and due."""
    stmt = (select(Delivery)
            .where(Delivery.payload.is_not(None),  # type: ignore[union-attr]
                   Delivery.due_at <= now,  # type: ignore[operator]
                   or_(Delivery.status == "pending", _lapsed(now, CLAIMED, SENDING)))
            .order_by(Delivery.due_at, Delivery.id).limit(limit))
    return list(session.exec(stmt))


_D = Delivery.__table__  # type: ignore[attr-defined]
_PENDING_UNDER = select(_D.c.id, _D.c.payload).where(
    _D.c.job == bindparam("job"), _D.c.period_key == bindparam("period_key"),
    _D.c.status == "pending", _D.c.payload.is_not(None))
_REPOINT = update(_D).where(_D.c.id == bindparam("delivery_id"))


def repoint(session: Session, *, job: str, period_key: str, text: str | None,
            due_at: datetime | None) -> int:
    """Update pending triggered messages' text and/or due time; how many were pending.

    Core statements built once: a 差评's rater re-renders its alert at every optional step."""
    connection = session.connection()
    rows = connection.execute(_PENDING_UNDER, {"job": job, "period_key": period_key}).all()
    changes = []
    for delivery_id, payload in rows:
        values: dict[str, object] = {"delivery_id": delivery_id}
        if text is not None:
            values["payload"] = json.dumps({**json.loads(payload or "{}"), "text": text},
                                           ensure_ascii=False)
        if due_at is not None:
            values["due_at"] = due_at
        changes.append(values)
    if changes and len(changes[0]) > 1:
        connection.execute(_REPOINT, changes)
    return len(rows)


def drop_pending(session: Session, *, job: str, period_key: str) -> int:
    """Delete triggered messages not sent (nor being sent) yet, under this key or (a key
    ending in ":") any key it starts; their keys are free again."""
    key = (Delivery.period_key.startswith(period_key) if period_key.endswith(":")  # type: ignore[attr-defined]
           else Delivery.period_key == period_key)
    stmt = (delete(Delivery)
            .where(Delivery.job == job, key,  # type: ignore[arg-type]
                   Delivery.status == "pending", Delivery.payload.is_not(None))  # type: ignore[union-attr,arg-type]
            .execution_options(synchronize_session=False, preserve_rowcount=True))
    return session.execute(stmt).rowcount or 0


def move_chat(session: Session, *, old_id: int, new_id: int) -> None:
    """The ledger follows a group that became a supergroup: keys too, so nothing is re-sent."""
    target = Delivery.target
    for prefix in ("chat", "slot"):
        old, new = f"{prefix}:{old_id}", f"{prefix}:{new_id}"
        session.execute(update(Delivery)
                        .where(or_(target == old, target.like(f"{old}#%")))  # type: ignore[attr-defined]
                        .values(target=func.replace(target, old, new))
                        .execution_options(synchronize_session=False))
    session.execute(update(Delivery).where(Delivery.chat_id == old_id)
                    .values(chat_id=new_id).execution_options(synchronize_session=False))


def count_sent(session: Session, *, job: str, target: str, start: date, end: date) -> int:
    """How many messages of a job went to a target between two dates (inclusive, UTC)."""
    lo = datetime.combine(start, time(), UTC)
    hi = datetime.combine(end + timedelta(days=1), time(), UTC)
    stmt = select(func.count(Delivery.id)).where(
        Delivery.job == job, Delivery.target == target,
        Delivery.status.in_(("sent", "uncertain")),  # type: ignore[attr-defined]
        Delivery.sent_at >= lo, Delivery.sent_at < hi)  # type: ignore[operator]
    return int(session.exec(stmt).one())


def counts(session: Session, *, job: str | None = None) -> dict[str, int]:
    """Deliveries by status."""
    stmt = select(Delivery.status, func.count()).group_by(Delivery.status)
    if job:
        stmt = stmt.where(Delivery.job == job)
    return dict(session.exec(stmt).all())


def hold_lease(session: Session, *, name: str, holder: str, now: datetime,
               until: datetime) -> bool:
    """Take or renew the named lease; True while this holder has it."""
    if insert_ignore(session, Lease, [{"name": name, "holder": holder, "expires_at": until}]):
        return True
    stmt = (update(Lease)
            .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at < now))
            .values(holder=holder, expires_at=until)
            .execution_options(synchronize_session=False, preserve_rowcount=True))
    return (session.execute(stmt).rowcount or 0) == 1


def release_lease(session: Session, *, name: str, holder: str) -> None:
    session.execute(update(Lease).where(Lease.name == name, Lease.holder == holder)
                    .values(expires_at=utcnow())
                    .execution_options(synchronize_session=False))


def status_of(session: Session, *, job: str, target: str, period_key: str) -> str | None:
    stmt = select(Delivery.status).where(Delivery.job == job, Delivery.target == target,
                                         Delivery.period_key == period_key)
    return session.exec(stmt).first()
