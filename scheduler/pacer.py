"""When a send may leave: this process's limits, and the database's shared pace if any."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from scheduler.limits import Limits
from scheduler.shared_limits import SharedPace

log = logging.getLogger(__name__)

STALE = 0.02  # seconds a send's pace moment may lie behind its leaving (the windows' margin)
Before = Callable[[], Awaitable[bool]]  # awaited once, as the first request may leave: go?


class Pacer:
    """Waits until a send respects every limit; paces again a ledger send that left late."""

    def __init__(self, limits: Limits, shared: SharedPace | None,
                 sleep: Callable[[float], Awaitable[None]]) -> None:
        self.limits, self.shared, self.sleep = limits, shared, sleep

    async def pace(self, chat_id: int | None, *, bulk: bool, droppable: bool = False,
                   paced_at: float | None = None) -> float | None:
        """Wait until a send to chat_id respects every limit; the moment it was recorded, or
        None: a droppable one is not worth waiting for. Booked in the shared pace, a send also
        keeps this process's own windows (its sends leave later than booked, by a round trip
        or a slow `before`). `paced_at`: booked already (with the update's commit), the moment
        it may go; this process's own sends to the chat are still kept apart."""
        if self.shared is not None and paced_at is not None:
            delay = max(paced_at - self.shared.clock(), self.limits.wait(chat_id, bulk=bulk))
            if delay > 0:
                await self.sleep(delay)
            return self.limits.record(chat_id, bulk=bulk)
        if self.shared is not None:
            try:
                delay = await self.shared.book(chat_id, bulk=bulk, droppable=droppable)
            except Exception:  # the database is away: this process's own bookkeeping
                log.warning("shared send pace unavailable; pacing locally")
            else:
                if delay is None:
                    return None
                await self.sleep(delay)
        return await self._here(chat_id, bulk=bulk)

    async def _here(self, chat_id: int | None, *, bulk: bool) -> float:
        """Wait until this process's own sends leave room for one more; its moment."""
        while (delay := self.limits.wait(chat_id, bulk=bulk)) > 0:
            await self.sleep(delay)
        return self.limits.record(chat_id, bulk=bulk)

    def repacing(self, before: Before | None, chat_id: int | None, *, bulk: bool,
                 moment: float) -> Before | None:
        """`before`, then the send paced again among this process's own if it took long: its
        moment, recorded before `before` ran, would let it leave together with sends paced
        after it (a moment within the windows' 2 % margin is kept). A moment booked in the
        shared pace stays: another booking round trip would make every late send later still,
        and what this process sends keeps its windows as it leaves."""
        if before is None:
            return None

        async def repaced() -> bool:
            if not await before():
                return False
            if self.limits.clock() - moment > STALE:
                self.limits.forget(chat_id, bulk=bulk, at=moment)
                await self._here(chat_id, bulk=bulk)
            return True
        return repaced
