"""A worker's heartbeat: while it beats, its ledger claims are its own; once it stops (a
killed worker), another worker may take them over without waiting out the claim."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from storage import deliveries as q
from storage.db import Database
from storage.tables import utcnow

log = logging.getLogger(__name__)

BEAT_SECONDS = 3.0
TTL = timedelta(seconds=10)


def beat(db: Database, holder: str, ttl: timedelta = TTL) -> None:
    """Renew `holder`'s heartbeat lease."""
    now = utcnow()
    with db.session() as session:
        q.hold_lease(session, name=q.ALIVE + holder, holder=holder, now=now, until=now + ttl)


async def heartbeat(db: Database, holder: str, stop: asyncio.Event, *,
                    every: float = BEAT_SECONDS) -> None:
    """Beat until `stop`; then leave the lease to lapse with the process (claims settled)."""
    while not stop.is_set():
        try:
            await asyncio.to_thread(beat, db, holder)
        except Exception:  # the database hiccuped: the lease holds until its TTL
            log.warning("heartbeat failed; retrying")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
