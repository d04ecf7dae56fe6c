"""The inbox of received updates (SPEC §10)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    or_,
    text,
    update,
)
from sqlmodel import Session, select

from storage.tables import Inbox, utcnow
from storage.tables.runtime import INBOX_OPEN, OPEN
from storage.upsert import arrays, inserted

_KEYS = {"update_id": "bigint", "chat_id": "bigint"}
# PostgreSQL: the batch in one statement, the same text whatever its size (prepared once). The
# payloads go as one JSON array: as a text[] parameter, psycopg escapes each payload's quotes
# in Python (most of the insert's time); json.dumps does it in C.
_PG_ADD = text(f"""
INSERT INTO inbox (update_id, chat_id, payload, status, attempts, error, received_at)
SELECT update_id, chat_id, payload, 'pending', 0, '', :at
FROM unnest({arrays(_KEYS)}, ARRAY(
    SELECT value FROM json_array_elements_text(CAST(:payloads AS json)) WITH ORDINALITY
    AS sent(value, n) ORDER BY n)) AS received(update_id, chat_id, payload)
ON CONFLICT DO NOTHING RETURNING update_id""")


def _keys(rows: list[dict]) -> dict[str, list]:
    """The rows' update ids and chat keys, as the two arrays unnest takes."""
    return {name: [row[name] for row in rows] for name in _KEYS}


def add(session: Session, *, rows: list[dict]) -> list[int]:
    """Store received updates (update_id, chat_id, payload); the update_ids that were new (a
    repeated one is ignored)."""
    connection = session.connection()
    if not rows or connection.dialect.name != "postgresql":
        return inserted(session, Inbox, rows)
    payloads = json.dumps([row["payload"] for row in rows], ensure_ascii=False)
    return list(connection.execute(_PG_ADD, {**_keys(rows), "payloads": payloads,
                                             "at": utcnow()}).scalars())


_PG_ADD_DONE = text(f"""
INSERT INTO inbox (update_id, chat_id, payload, status, attempts, error, received_at,
                   processed_at, claimed_by)
SELECT update_id, chat_id, '', 'done', 0, '', :received, :at, :holder
FROM unnest({arrays(_KEYS)}) AS received(update_id, chat_id)
ON CONFLICT DO NOTHING RETURNING update_id""")


def add_done(session: Session, *, rows: list[dict], received: datetime,
             holder: str | None = None) -> bool:
    """Store updates processed in this same transaction as done (nothing of their payload
    kept, as `mark_done` leaves it), by `holder` (the webhook worker; polling: None); False
    when any of them was stored before (a replay)."""
    if not rows:
        return True
    connection, at = session.connection(), utcnow()
    if connection.dialect.name == "postgresql":
        new = connection.execute(_PG_ADD_DONE, {**_keys(rows), "received": received,
                                                "at": at, "holder": holder}).scalars()
        return len(list(new)) == len(rows)
    done = [{"update_id": row["update_id"], "chat_id": row["chat_id"], "payload": "",
             "status": "done", "received_at": received, "processed_at": at,
             "claimed_by": holder} for row in rows]
    return len(inserted(session, Inbox, done)) == len(rows)


_STORED = (select(Inbox.update_id)
           .where(Inbox.update_id.in_(bindparam("uids", expanding=True)))  # type: ignore[attr-defined]
           .limit(1))


def stored_before(session: Session, *, update_ids: list[int]) -> bool:
    """Whether any of these updates is in the inbox already (a batch polled again)."""
    return bool(update_ids) and session.execute(_STORED, {"uids": update_ids}).first() is not None


# A chat's turn: while a transaction processes a chat's updates as they arrive (a webhook's
# fresh group), it holds the chat's lock, and claims pass the chat by. Two int4 keys: a key
# space apart from single-bigint locks (the migration's); a hash collision only costs a turn.
TURNS = 0x4652  # "FR"
_PG_TAKE_TURNS = text("""
SELECT coalesce(bool_and(pg_try_advisory_xact_lock(:space, hashint8(chat))), true)
FROM unnest(CAST(:chats AS bigint[])) AS chat""")
_PG_WAITING = text(f"""
SELECT EXISTS (SELECT 1 FROM inbox WHERE update_id = ANY(CAST(:uids AS bigint[])))
    OR EXISTS (SELECT 1 FROM inbox WHERE chat_id = ANY(CAST(:chats AS bigint[]))
               AND {INBOX_OPEN})""")


def take_turns(session: Session, *, update_ids: list[int], chat_ids: list[int]) -> bool:
    """PostgreSQL: whether this transaction may process these new updates now, and store them
    done: it takes their chats' turns (until it ends), none was stored before, and no earlier
    update of their chats waits in the inbox. False leaves them to be stored first."""
    connection = session.connection()
    chats = sorted(set(chat_ids))
    if not connection.execute(_PG_TAKE_TURNS, {"space": TURNS, "chats": chats}).scalar():
        return False  # another worker is processing one of these chats right now
    # a statement of its own: its snapshot sees what committed before the turns were taken
    return not connection.execute(_PG_WAITING, {"uids": update_ids, "chats": chats}).scalar()


def unfinished(session: Session, *, limit: int = 100, max_attempts: int) -> list[Row]:
    """(update_id, payload) of the rows still to process, oldest first (a webhook worker's
    lapsed claims included); plain rows, no ORM objects."""
    stmt = (select(Inbox.update_id, Inbox.payload)
            .where(or_(Inbox.status.in_(("pending", "failed")),  # type: ignore[attr-defined]
                       and_(Inbox.status == "claimed",
                            Inbox.claim_expires_at < utcnow())),  # type: ignore[operator]
                   Inbox.attempts < max_attempts)
            .order_by(Inbox.update_id).limit(limit))
    return list(session.exec(stmt))  # type: ignore[arg-type]


_T = Inbox.__table__  # type: ignore[attr-defined]
_EARLIER = _T.alias("earlier")


def _claimable(now: datetime, max_attempts: int) -> ColumnElement[bool]:
    """A row a worker may claim: pending, failed, or claimed by someone whose claim lapsed."""
    lapsed = and_(_T.c.status == "claimed", _T.c.claim_expires_at < now)
    return and_(or_(_T.c.status.in_(("pending", "failed")), lapsed),
                _T.c.attempts < max_attempts)


def _heads(session: Session, *, now: datetime, limit: int, max_attempts: int
           ) -> list[tuple[int, int | None]]:
    """The oldest open row of each chat (and chat-less rows), where claimable: (update_id,
    chat_id), oldest first, locked (FOR UPDATE SKIP LOCKED: rows another worker is claiming are
    passed by). On PostgreSQL the claim takes each chosen chat's turn (`take_turns`), asked of
    the chosen rows only (past the LIMIT): a chat in another transaction's turn is passed by."""
    blocked = exists().where(_EARLIER.c.chat_id == _T.c.chat_id,
                             _EARLIER.c.update_id < _T.c.update_id,
                             _EARLIER.c.status.in_(OPEN))
    heads = (select(_T.c.update_id, _T.c.chat_id)
             .where(_claimable(now, max_attempts), ~blocked)
             .order_by(_T.c.update_id).limit(limit)
             .with_for_update(skip_locked=True, of=_T))
    if session.connection().dialect.name == "postgresql":
        chosen = heads.subquery()
        heads = select(chosen.c.update_id, chosen.c.chat_id).where(or_(
            chosen.c.chat_id.is_(None),
            func.pg_try_advisory_xact_lock(TURNS, func.hashint8(chosen.c.chat_id))))
    return [(row[0], row[1]) for row in session.connection().execute(heads)]


def claim(session: Session, *, holder: str, now: datetime, until: datetime, limit: int,
          max_attempts: int) -> list[tuple[int, str]]:
    """Claim the oldest processable rows for `holder`: (update_id, payload), oldest first.

    A chat's open rows are claimed together, from its oldest on, for as long as each is
    claimable (one worker then takes a busy chat's waiting updates one after another, in
    update_id order, instead of one per claim); never a row behind another worker's live
    claim. The chats are chosen first (`_heads`), their turns held until the claim commits;
    then, in a statement of its own (its snapshot sees every claim committed before the turns
    were taken), their runs of claimable rows. SQLite writers are serialized anyway.
    """
    heads = _heads(session, now=now, limit=limit, max_attempts=max_attempts)
    if not heads:
        return []
    claimable = _claimable(now, max_attempts)
    chats = sorted({chat for _, chat in heads if chat is not None})
    # per chat, in update_id order: 1 while every open row so far is claimable
    run = func.min(case((claimable, 1), else_=0)).over(partition_by=_T.c.chat_id,
                                                         order_by=_T.c.update_id)
    runs = (select(_T.c.update_id, run.label("ok"))
            .where(_T.c.status.in_(OPEN), _T.c.chat_id.in_(chats)).subquery())
    loose = [update_id for update_id, chat in heads if chat is None]
    chosen = (select(_T.c.update_id)
              .where(or_(_T.c.update_id.in_(select(runs.c.update_id).where(runs.c.ok == 1)),
                         _T.c.update_id.in_(loose)))
              .order_by(_T.c.update_id).limit(limit).scalar_subquery())
    stmt = (update(_T).where(_T.c.update_id.in_(chosen), claimable)
            .values(status="claimed", claimed_by=holder, claim_expires_at=until,
                    attempts=_T.c.attempts + (_T.c.status == "claimed").cast(Integer))
            .returning(_T.c.update_id, _T.c.payload))
    return sorted((row[0], row[1]) for row in session.connection().execute(stmt))


def release(session: Session, *, holder: str) -> int:
    """Give back the rows `holder` claimed but did not finish (a worker stopping)."""
    stmt = (update(_T).where(_T.c.claimed_by == holder, _T.c.status == "claimed")
            .values(status="pending", claimed_by=None, claim_expires_at=None))
    return session.connection().execute(stmt).rowcount or 0


_MARK_DONE = (update(Inbox.__table__).where(Inbox.__table__.c.update_id == bindparam("uid"))
              .values(status="done", processed_at=bindparam("at"), payload=""))


_MARK_CLAIMED_DONE = _MARK_DONE.where(Inbox.__table__.c.claimed_by == bindparam("holder"))


class ClaimLost(Exception):
    """Another worker took this update over (our claim lapsed): roll back our work."""


def mark_done(session: Session, *, update_id: int, holder: str | None = None) -> None:
    """Mark an update processed; with `holder`, only while that worker still holds it."""
    if holder is None:
        session.connection().execute(_MARK_DONE, {"uid": update_id, "at": utcnow()})
        return
    result = session.connection().execute(_MARK_CLAIMED_DONE,
                                           {"uid": update_id, "at": utcnow(), "holder": holder})
    if not result.rowcount:
        raise ClaimLost(update_id)


_MARK_ALL_DONE = (update(Inbox.__table__)
                  .where(Inbox.__table__.c.update_id.in_(bindparam("uids", expanding=True)))
                  .values(status="done", processed_at=bindparam("at"), payload=""))
_MARK_ALL_CLAIMED_DONE = _MARK_ALL_DONE.where(Inbox.__table__.c.claimed_by == bindparam("holder"))


def mark_all_done(session: Session, *, update_ids: list[int], holder: str | None = None
                  ) -> None:
    """mark_done for many rows in one statement (a group commit's successful updates); with
    `holder`, ClaimLost unless that worker still holds every one of them."""
    if not update_ids:
        return
    values = {"uids": update_ids, "at": utcnow()}
    if holder is None:
        session.connection().execute(_MARK_ALL_DONE, values)
        return
    result = session.connection().execute(_MARK_ALL_CLAIMED_DONE, {**values, "holder": holder})
    if result.rowcount != len(update_ids):
        raise ClaimLost(update_ids)


def count_done(session: Session, *, update_ids: list[int], holder: str | None = None) -> int:
    """How many of these rows are done (with `holder`: by that worker)."""
    stmt = select(func.count()).select_from(Inbox).where(
        Inbox.update_id.in_(update_ids), Inbox.status == "done")  # type: ignore[attr-defined]
    if holder is not None:
        stmt = stmt.where(Inbox.claimed_by == holder)
    return session.exec(stmt).one()


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
