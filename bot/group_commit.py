"""Group commit for the inbox: a batch of updates in one transaction.

Each update still succeeds or fails alone. An update that fails before writing anything (a
refusal, most often) leaves the transaction as it was, and the group goes on. One that fails
after writing breaks the group: nothing of it is committed or sent, the updates before it run
again as a group, it runs alone in its own transaction, and the rest follow. Nothing an
update queued is sent before the one commit that makes the whole batch durable; a crash
before that commit leaves every row of the batch pending, with nothing of it sent. If the
batch cannot commit, its updates are processed again one by one; if its COMMIT failed on the
database's side but landed (the connection lost with the answer), its replies go as usual.

A fresh group is a batch just received (polling with nothing waiting in the inbox, or the
webhook's POSTs in flight together): processed, and its rows stored already done, in one
transaction, kept only if every update is new and done.

No savepoint per update: on PostgreSQL each is two round trips, and most updates need none.
The group's updates share their reads of who is acting and where (storage.memo).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from handlers.context import Outgoing
from handlers.errors import describe
from scheduler.shared_limits import Ask
from storage import held_reports, memo
from storage import inbox as inbox_q
from storage import people as people_q
from storage import projects as projects_q
from storage.db import Database

if TYPE_CHECKING:
    from bot.inbox import Inbox

log = logging.getLogger(__name__)

SIZE = 100  # updates per transaction: replies wait at most this many updates for the commit


class Stored(NamedTuple):
    """An inbox row to process: its JSON as stored, and as received when still in hand."""

    update_id: int
    payload: str
    update: dict | None = None


@dataclass
class Group:
    """The batch's session, and what its updates queued for after the commit."""

    session: Session
    holder: str | None = None  # the webhook worker whose claims these rows are
    outgoing: list[Outgoing] = field(default_factory=list)
    planned: bool = False
    done: list[int] = field(default_factory=list)  # marked done in one statement at the end
    turn: int = 0  # updates run so far
    trial: bool = False  # a fresh group: the first failure abandons it (Abandoned)

    def mark_done(self, update_id: int) -> None:
        """The update succeeded: its row is marked done in the same transaction, at the end."""
        self.done.append(update_id)


class Broken(Exception):
    """An update failed after writing: the group's transaction cannot keep its other updates."""


def _marks(session: Session) -> tuple[int, int]:
    """How many writes and failed statements the group's connection has seen so far."""
    info = session.connection().info
    return info.get("writes", 0), info.get("failures", 0)


@contextmanager
def unit(db: Database, group: Group | None) -> Iterator[Session]:
    """One update's unit of work: its own transaction, or its turn in the group's (an
    exception after a write, or after a failed statement, breaks the group)."""
    if group is None:
        with db.session() as session:
            yield session
        return
    session = group.session
    before = _marks(session)
    try:
        yield session
        session.flush()  # its writes happen (and can fail) on its own turn
    except Exception as exc:
        if _marks(session) != before or session.new or session.dirty or session.deleted:
            raise Broken from exc
        raise


async def process(inbox: Inbox, rows: list[Stored], *, holder: str | None = None) -> None:
    """Process the rows in groups of SIZE; replies and the ledger flush after each commit.
    `holder`: the webhook worker whose claims these rows are (marked done only if still so)."""
    while rows:
        batch, rows = rows[:SIZE], rows[SIZE:]
        if len(batch) == 1:
            await inbox.process_one(*batch[0], holder=holder)
            continue
        broken = await _group(inbox, batch, holder)
        if broken is not None:  # nothing of the batch committed or sent
            if broken:
                await process(inbox, batch[:broken], holder=holder)
            await inbox.process_one(*batch[broken], holder=holder)
            rows = batch[broken + 1:] + rows


def _read_ahead(session: Session, updates: list[dict | None]) -> None:
    """Who sent the group's updates, and the groups they came from: two queries, not two per
    update. Private senders are read too (whether they are known, and reachable): nothing of
    them is kept but in this session's memory."""
    users: set[int] = set()
    chats: set[int] = set()
    for update in updates:
        for value in (update or {}).values():
            if isinstance(value, dict):
                if isinstance(value.get("from"), dict):
                    users.add(value["from"]["id"])
                chat = value.get("chat") or (value.get("message") or {}).get("chat")
                if chat and chat["id"] < 0:  # a private chat has no row to read
                    chats.add(chat["id"])
    people_q.prefetch(session, tg_ids=users)
    projects_q.prefetch_chats(session, chat_ids=chats)


async def _run(inbox: Inbox, group: Group, batch: list[Stored]) -> None:
    """The batch's updates in the group's session, in order (`group.turn`: how far it got)."""
    memo.share(group.session)
    held_reports.enable(group.session)
    opened = [inbox.opened(row) for row in batch]  # each read once (sealed or not)
    _read_ahead(group.session, opened)
    for row, update in zip(batch, opened, strict=True):
        await inbox.process_one(row.update_id, row.payload, update, group=group,
                                holder=group.holder)
        group.turn += 1


async def _group(inbox: Inbox, batch: list[Stored], holder: str | None) -> int | None:
    """Run a batch in one transaction; the position of an update that broke it, else None."""
    group = None
    try:
        with inbox.db.session() as session:
            group = Group(session, holder=holder)
            await _run(inbox, group, batch)
            inbox_q.mark_all_done(session, update_ids=group.done, holder=holder)
            _book(inbox, group)
    except Broken:
        return group.turn if group else 0
    except Exception as exc:  # nothing of the batch committed or sent: one by one
        if group is not None and _landed(inbox, group, exc, holder):
            _committed(inbox, group)
            return None
        log.warning("a group of %d updates did not commit (%s); one by one",
                    len(batch), describe(exc))
        for row in batch:
            await inbox.process_one(*row, holder=holder)
        return None
    _committed(inbox, group)
    return None


class Abandoned(Exception):
    """A fresh group is given up (an update failed, or was stored before): store it first."""


async def process_fresh(inbox: Inbox, batch: list[Stored], rows: list[dict], *,
                        received: datetime, holder: str | None = None) -> bool:
    """Process updates just received and store them done, in one transaction.

    One commit, and no row written twice; committed before they are confirmed, like any
    stored update. A replay is seen before any handler runs; the first update that fails
    (a refusal is no failure) abandons the group. Then nothing is committed, nothing is
    counted or logged as an attempt, and False says to store them first as usual.
    `holder` (a webhook worker, PostgreSQL): the group takes its chats' turns first, and is
    abandoned if another worker has one of them, or an earlier update of one waits; its
    rows say which worker processed them."""
    if not batch or len(batch) > SIZE:
        return False
    update_ids = [row.update_id for row in batch]
    group = None
    try:
        with inbox.db.session() as session:
            if not inbox_q.take_turns(session, update_ids=update_ids, chat_ids=[
                    row["chat_id"] for row in rows if row["chat_id"] is not None]
                    ) if holder else inbox_q.stored_before(session, update_ids=update_ids):
                raise Abandoned
            group = Group(session, trial=True)
            await _run(inbox, group, batch)
            if len(group.done) != len(batch) or not inbox_q.add_done(
                    session, rows=rows, received=received, holder=holder):
                raise Abandoned
            _book(inbox, group)
    except Exception as exc:  # a failure, a break, a replay, the database: nothing committed
        if group is not None and _landed(inbox, group, exc, holder):
            _committed(inbox, group)
            return True
        log.debug("a fresh group of %d updates is stored first (%s)", len(batch), describe(exc))
        return False
    _committed(inbox, group)
    return True


def _book(inbox: Inbox, group: Group) -> None:
    """The group's replies booked in the shared pace (several processes sending) as its last
    statements: no round trip of their own after the commit, undone if it fails. An
    acknowledgement over its group's minute is dropped here; files book as they go (their
    building takes a while)."""
    pace = inbox.sender.shared
    plain = [o for o in group.outgoing if o.chat_id is not None and o.build is None]
    if pace is None or not plain:
        return
    waits = pace.reserve_in(group.session, [Ask(o.chat_id, bulk=False, droppable=o.ack)
                                            for o in plain])
    now = pace.clock()
    for outgoing, wait in zip(plain, waits, strict=True):
        if wait is None:
            group.outgoing.remove(outgoing)
        else:
            outgoing.paced_at = now + wait


def _landed(inbox: Inbox, group: Group, exc: Exception, holder: str | None) -> bool:
    """Whether a group whose commit failed with the database's error (its connection lost
    during COMMIT, say) committed after all: every update it marked done is done, by this
    worker. Then its replies go as if it had said so; else nothing of it was committed."""
    if not isinstance(exc, DBAPIError) or not group.done:
        return False
    try:
        with inbox.db.session(write=False) as session:
            landed = inbox_q.count_done(session, update_ids=group.done,
                                        holder=holder) == len(group.done)
    except Exception:  # still away: as if it had not (its rows are processed again)
        return False
    if landed:
        log.warning("a group of %d updates committed though its commit failed (%s)",
                    len(group.done), describe(exc))
    return landed


def _committed(inbox: Inbox, group: Group) -> None:
    """After the group's commit: its replies, and the ledger's flush if it planned any."""
    if group.outgoing:
        inbox.sender.submit(group.outgoing)
    if group.planned and inbox.on_planned:
        inbox.on_planned()
