"""Webhook workers' side of the inbox: claim rows, process them, give back what is left."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TypeVar

from bot import group_commit
from bot.inbox import MAX_ATTEMPTS, Inbox
from storage import inbox as q
from storage.tables import utcnow

log = logging.getLogger(__name__)
T = TypeVar("T")

CLAIM_FOR = timedelta(seconds=15)  # a dead worker's rows are taken over after this
BATCH = group_commit.SIZE  # rows claimed at once (each chat's waiting run): one group commit
IDLE = 0.2  # seconds between looks at the inbox when nothing arrived here


class InboxWorker:
    """Processes the inbox rows this worker claims, until asked to stop."""

    def __init__(self, inbox: Inbox, holder: str, *, claim_for: timedelta = CLAIM_FOR,
                 batch: int = BATCH, idle: float = IDLE) -> None:
        self.inbox, self.holder = inbox, holder
        self.claim_for, self.batch, self.idle = claim_for, batch, idle
        self.arrived = asyncio.Event()  # set by the webhook endpoint after a commit
        # Its own thread: a claim never waits behind the sender's work in the shared pool.
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="inbox-claims")

    async def _in_thread(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, work)

    def kick(self) -> None:
        """An update was stored here: look at once."""
        self.arrived.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Claim and process rows until `stop`; the rows still claimed are given back."""
        try:
            while not stop.is_set():
                self.arrived.clear()  # what arrives from here on is seen by the next look
                try:
                    rows = await self._in_thread(self._claim)
                    # in hand: finished even when stopping; one commit for the batch
                    await group_commit.process(
                        self.inbox, [group_commit.Stored(*row) for row in rows],
                        holder=self.holder)
                except Exception:  # the database is away: nothing is lost, rows stay stored
                    log.exception("claiming or processing updates failed; retrying in 1 s")
                    await asyncio.sleep(1)
                    continue
                if not rows:
                    await self._idle(stop)
        finally:
            with contextlib.suppress(Exception):
                await self._in_thread(self._release)
            self._thread.shutdown(wait=False)

    async def _idle(self, stop: asyncio.Event) -> None:
        """Wait for an update stored here, a stop, or the next look for others' rows."""
        waiters = [asyncio.ensure_future(self.arrived.wait()), asyncio.ensure_future(stop.wait())]
        await asyncio.wait(waiters, timeout=self.idle, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()

    def _claim(self) -> list[tuple[int, str]]:
        now = utcnow()
        with self.inbox.db.session() as session:
            return q.claim(session, holder=self.holder, now=now, until=now + self.claim_for,
                           limit=self.batch, max_attempts=MAX_ATTEMPTS)

    def _release(self) -> None:
        with self.inbox.db.session() as session:
            given = q.release(session, holder=self.holder)
        if given:
            log.info("gave back %d claimed updates", given)
