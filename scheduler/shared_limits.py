"""Telegram's limits kept in the database, so every worker together stays within them."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from storage import pacing
from storage.db import Database

log = logging.getLogger(__name__)

BOT = "bot"  # what the bot sends on its own (the ledger): ~30/s for the whole bot
BATCH = 64  # sends booked in one round trip at most
PRUNE_AFTER = 600.0  # seconds: far past every window (a group's minute, the bot's second)


def _earliest(times: list[float], at: float, *, count: int, window: float) -> float:
    """The first moment ≥ at such that no `window` holding it holds `count` sends already."""
    for candidate in [at, *sorted(t + window for t in times if t + window > at)]:
        starts = [t for t in times if candidate - window < t <= candidate] + [candidate]
        if all(sum(1 for t in times if x <= t < x + window) < count for x in starts):
            return candidate
    return max(times) + window  # unreachable: past every send the window is empty


@dataclass(frozen=True)
class Ask:
    """One send to book: its chat (None: no chat) and whether it is the ledger's (bulk)."""

    chat_id: int | None
    bulk: bool
    droppable: bool = False


class SharedPace:
    """Books each send a moment within ~30/s per bot (ledger), 20/min per group, 1/s per chat.

    A group's row is keyed by its id; a private chat's by `pseudonym(id)`, a keyed number (a
    private chat's id is a person's, perhaps a rater's: never in a table in plain form)."""

    def __init__(self, db: Database, *, pseudonym: Callable[[int], int], overall: int = 30,
                 per_group: int = 20, group_window: float = 60.0, chat_gap: float = 1.0,
                 margin: float = 0.02, clock: Callable[[], float] = time.time) -> None:
        self.db, self.overall, self.per_group, self.chat_gap = db, overall, per_group, chat_gap
        self.pseudonym = pseudonym
        self.window, self.group_window = 1.0 + margin, group_window * (1 + margin)
        self.clock = clock
        # Groups whose minute is full until then: acknowledgements skip the database meanwhile
        # (other workers' sends can only fill the window further, never free it sooner).
        self._full_until: dict[int, float] = {}
        self._asked: list[tuple[Ask, asyncio.Future]] = []  # book(): waiting for a round trip
        self._booking: asyncio.Task | None = None

    def reserve(self, chat_id: int | None, *, bulk: bool, droppable: bool = False
                ) -> float | None:
        """Seconds to wait before sending; None when a droppable send would wait for a group's
        minute to pass (an acknowledgement over budget is skipped, not delayed)."""
        return self.reserve_all([Ask(chat_id, bulk, droppable)])[0]

    def reserve_all(self, asked: list[Ask]) -> list[float | None]:
        """reserve() for several sends in one transaction, booked in the order asked."""
        with self.db.session() as session:  # connects only if a row is to be booked
            return self.reserve_in(session, asked)

    def reserve_in(self, session: Session, asked: list[Ask]) -> list[float | None]:
        """reserve_all() within `session`'s transaction (a group commit's: its replies are
        booked with its writes, and undone with them)."""
        now = self.clock()
        waits: list[float | None] = [None if self._known_full(a, now) else 0.0 for a in asked]
        keys = sorted({k for a, w in zip(asked, waits, strict=True) if w is not None
                       for k in self._keys(a)})
        if not keys:
            return waits
        booked = pacing.lock(session, keys=keys)
        for n, ask in enumerate(asked):
            if waits[n] is not None:
                waits[n] = self._book(booked, ask, now)
        pacing.save(session, times={key: self._keep(key, booked[key], now) for key in keys})
        return waits

    def _chat(self, chat_id: int) -> str:
        """The pace row of a chat: a group by its id, a private chat by its pseudonym."""
        return f"chat:{chat_id}" if chat_id < 0 else f"person:{self.pseudonym(chat_id)}"

    def _keys(self, ask: Ask) -> list[str]:
        """The rows a send books: the bot's (bulk), and its chat's."""
        return ([BOT] if ask.bulk else []) + (
            [self._chat(ask.chat_id)] if ask.chat_id is not None else [])

    def _known_full(self, ask: Ask, now: float) -> bool:
        """A droppable send to a group whose minute is known full: no database needed."""
        return ask.droppable and ask.chat_id is not None \
            and self._full_until.get(ask.chat_id, 0.0) > now

    def _book(self, booked: dict[str, list[float]], ask: Ask, now: float) -> float | None:
        """Book one send into `booked` (the locked rows' times); its wait, or None."""
        at, chat_id = now, ask.chat_id
        if chat_id is not None:
            chat = booked[self._chat(chat_id)]
            if chat:
                at = max(at, max(chat) + self.chat_gap)
            if chat_id < 0 and len(chat) >= self.per_group:
                group_at = sorted(chat)[-self.per_group] + self.group_window
                if ask.droppable and group_at > now:
                    self._full_until[chat_id] = group_at
                    return None
                at = max(at, group_at)
        if ask.bulk:
            at = _earliest(booked[BOT], at, count=self.overall, window=self.window)
        for key in self._keys(ask):
            booked[key].append(at)
        return max(at - now, 0.0)

    async def book(self, chat_id: int | None, *, bulk: bool, droppable: bool = False
                   ) -> float | None:
        """reserve(), with the sends asked for meanwhile booked in the same round trip."""
        done = asyncio.get_running_loop().create_future()
        self._asked.append((Ask(chat_id, bulk, droppable), done))
        if self._booking is None or self._booking.done():
            self._booking = asyncio.create_task(self._book_asked())
        return await done

    async def _book_asked(self) -> None:
        while self._asked:
            batch, self._asked = self._asked[:BATCH], self._asked[BATCH:]
            try:
                waits = await asyncio.to_thread(self.reserve_all, [a for a, _ in batch])
            except Exception as exc:  # each sender paces locally meanwhile
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for (_, done), wait in zip(batch, waits, strict=True):
                if not done.done():
                    done.set_result(wait)

    def _keep(self, key: str, times: list[float], now: float) -> list[float]:
        """The sends that can still matter to a later booking."""
        horizon = self.window if key == BOT else max(self.group_window, self.chat_gap)
        return sorted(t for t in times if t > now - horizon)


def prune(db: Database, *, now: float | None = None, horizon: float = PRUNE_AFTER) -> int:
    """Forget the pace of chats not sent to for `horizon` seconds (housekeeping)."""
    with db.session() as session:
        return pacing.prune(session, before=(time.time() if now is None else now) - horizon)
