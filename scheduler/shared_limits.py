"""Telegram's limits kept in the database, so every worker together stays within them."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from storage import pacing
from storage.db import Database

log = logging.getLogger(__name__)

BOT = "bot"  # what the bot sends on its own (the ledger): ~30/s for the whole bot
PRUNE_AFTER = 600.0  # seconds: far past every window (a group's minute, the bot's second)


def _earliest(times: list[float], at: float, *, count: int, window: float) -> float:
    """The first moment ≥ at such that no `window` holding it holds `count` sends already."""
    for candidate in [at, *sorted(t + window for t in times if t + window > at)]:
        starts = [t for t in times if candidate - window < t <= candidate] + [candidate]
        if all(sum(1 for t in times if x <= t < x + window) < count for x in starts):
            return candidate
    return max(times) + window  # unreachable: past every send the window is empty


class SharedPace:
    """Books each send a moment within ~30/s per bot (ledger), 20/min per group, 1/s per chat."""

    def __init__(self, db: Database, *, overall: int = 30, per_group: int = 20,
                 group_window: float = 60.0, chat_gap: float = 1.0, margin: float = 0.02,
                 clock: Callable[[], float] = time.time) -> None:
        self.db, self.overall, self.per_group, self.chat_gap = db, overall, per_group, chat_gap
        self.window, self.group_window = 1.0 + margin, group_window * (1 + margin)
        self.clock = clock
        # Groups whose minute is full until then: acknowledgements skip the database meanwhile
        # (other workers' sends can only fill the window further, never free it sooner).
        self._full_until: dict[int, float] = {}

    def reserve(self, chat_id: int | None, *, bulk: bool, droppable: bool = False
                ) -> float | None:
        """Seconds to wait before sending; None when a droppable send would wait for a group's
        minute to pass (an acknowledgement over budget is skipped, not delayed)."""
        keys = ([BOT] if bulk else []) + ([f"chat:{chat_id}"] if chat_id is not None else [])
        if not keys:
            return 0.0
        now = self.clock()
        if droppable and chat_id is not None and self._full_until.get(chat_id, 0.0) > now:
            return None
        with self.db.session() as session:
            booked = pacing.lock(session, keys=sorted(keys))
            at = now
            if chat_id is not None:
                chat = booked[f"chat:{chat_id}"]
                if chat:
                    at = max(at, max(chat) + self.chat_gap)
                if chat_id < 0 and len(chat) >= self.per_group:
                    group_at = sorted(chat)[-self.per_group] + self.group_window
                    if droppable and group_at > now:
                        self._full_until[chat_id] = group_at
                        return None
                    at = max(at, group_at)
            if bulk:
                at = _earliest(booked[BOT], at, count=self.overall, window=self.window)
            pacing.save(session, times={key: self._keep(key, booked[key] + [at], now)
                                        for key in keys})
        return max(at - now, 0.0)

    def _keep(self, key: str, times: list[float], now: float) -> list[float]:
        """The sends that can still matter to a later booking."""
        horizon = self.window if key == BOT else max(self.group_window, self.chat_gap)
        return sorted(t for t in times if t > now - horizon)


def prune(db: Database, *, now: float | None = None, horizon: float = PRUNE_AFTER) -> int:
    """Forget the pace of chats not sent to for `horizon` seconds (housekeeping)."""
    with db.session() as session:
        return pacing.prune(session, before=(time.time() if now is None else now) - horizon)
