"""The one active scheduler loop: a lease in the database, one interval tick, due work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.runner import Runner
from storage import deliveries as deliveries_q
from storage.db import Database
from storage.tables import utcnow

log = logging.getLogger(__name__)

LEASE = "scheduler"
TICK_SECONDS = 5.0
LEASE_SECONDS = 30.0


class Leader:
    """Holds the scheduler lease; another copy stands by and takes over when it expires."""

    def __init__(self, db: Database, holder: str, ttl: float = LEASE_SECONDS) -> None:
        self.db, self.holder, self.ttl = db, holder, ttl
        self.leading = False
        self.expires_at = utcnow()

    def hold(self) -> bool:
        now = utcnow()
        until = now + timedelta(seconds=self.ttl)
        with self.db.session() as session:
            held = deliveries_q.hold_lease(session, name=LEASE, holder=self.holder, now=now,
                                           until=until)
        if held:
            self.expires_at = until
        if held != self.leading:
            log.info("scheduler %s: %s", self.holder, "leading" if held else "standing by")
        self.leading = held
        return held

    def release(self) -> None:
        if self.leading:
            with self.db.session() as session:
                deliveries_q.release_lease(session, name=LEASE, holder=self.holder)
            self.leading = False


class Passes:
    """At most one pass at a time; a pass stops as soon as this process loses the lease."""

    def __init__(self, runner: Runner, leader: Leader) -> None:
        self.runner, self.leader = runner, leader
        self.current: asyncio.Task | None = None

    async def tick(self) -> None:
        """Renew the lease (also while a pass runs), then start a pass if none is running."""
        try:
            leading = await asyncio.to_thread(self.leader.hold)
        except Exception:  # the database hiccuped: the lease is ours until it expires
            log.exception("scheduler lease check failed")
            leading = self.leader.leading and utcnow() < self.leader.expires_at
        running = self.current is not None and not self.current.done()
        if not leading:
            if running:
                log.warning("scheduler lease lost: stopping the current pass")
                self.current.cancel()  # type: ignore[union-attr]
            return
        if not running:
            self.current = asyncio.create_task(self._pass(), name="scheduler-pass")

    async def _pass(self) -> None:
        try:
            outcome = await self.runner.run(datetime.now(UTC))
            if sum(outcome.counts.values()):
                log.info("scheduler pass: %s", outcome.line())
        except Exception:
            log.exception("scheduler pass failed")


async def run_loop(runner: Runner, stop: asyncio.Event, *, tick_seconds: float = TICK_SECONDS,
                   lease_seconds: float = LEASE_SECONDS) -> None:
    """APScheduler fires a single interval job; the database says what is due."""
    leader = Leader(runner.db, runner.holder, lease_seconds)
    passes = Passes(runner, leader)
    aps = AsyncIOScheduler(timezone=UTC)
    aps.add_job(passes.tick, "interval", seconds=tick_seconds, next_run_time=datetime.now(UTC),
                max_instances=1, coalesce=True)
    aps.start()
    try:
        await stop.wait()
    finally:
        aps.shutdown(wait=False)
        if passes.current is not None:  # sends already under way finish and are recorded
            passes.current.cancel()
            await asyncio.gather(passes.current, return_exceptions=True)
        await runner.settle()
        with contextlib.suppress(Exception):
            await asyncio.to_thread(leader.release)
