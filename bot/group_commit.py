"""Group commit for the inbox: a batch of updates in one transaction, each in its own savepoint.

Each update still succeeds or fails alone (its savepoint is released or rolled back with its
inbox row's new status), and nothing it queued is sent before the one commit that makes the
whole batch durable; a crash before that commit leaves every row of the batch pending, with
nothing of it sent. If the batch cannot commit, its updates are processed again one by one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlmodel import Session

from handlers.context import Outgoing
from handlers.errors import describe
from storage import inbox as inbox_q
from storage.db import Database

if TYPE_CHECKING:
    from bot.inbox import Inbox

log = logging.getLogger(__name__)

SIZE = 100  # updates per transaction: replies wait at most this many updates for the commit


@dataclass
class Group:
    """The batch's session, and what its updates queued for after the commit."""

    session: Session
    outgoing: list[Outgoing] = field(default_factory=list)
    planned: bool = False
    done: list[int] = field(default_factory=list)  # marked done in one statement at the end

    def mark_done(self, update_id: int) -> None:
        """The update succeeded: its row is marked done in the same transaction, at the end."""
        self.done.append(update_id)


@contextmanager
def unit(db: Database, group: Group | None) -> Iterator[Session]:
    """One update's unit of work: its own transaction, or a savepoint in the group's."""
    if group is None:
        with db.session() as session:
            yield session
        return
    with group.session.begin_nested():
        yield group.session


async def process(inbox: Inbox, rows: list[tuple[int, str]], *, holder: str | None = None
                  ) -> None:
    """Process the rows in groups of SIZE; replies and the ledger flush after each commit.
    `holder`: the webhook worker whose claims these rows are (marked done only if still so)."""
    for i in range(0, len(rows), SIZE):
        batch = rows[i:i + SIZE]
        if len(batch) == 1:
            await inbox.process_one(*batch[0], holder=holder)
            continue
        try:
            with inbox.db.session() as session:
                group = Group(session)
                for update_id, payload in batch:
                    await inbox.process_one(update_id, payload, group=group)
                inbox_q.mark_all_done(session, update_ids=group.done, holder=holder)
        except Exception as exc:  # nothing of the batch committed or sent: one by one
            log.warning("a group of %d updates did not commit (%s); one by one",
                        len(batch), describe(exc))
            for update_id, payload in batch:
                await inbox.process_one(update_id, payload, holder=holder)
            continue
        if group.outgoing:
            inbox.sender.submit(group.outgoing)
        if group.planned and inbox.on_planned:
            inbox.on_planned()
