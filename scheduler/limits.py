"""Telegram's sending limits: ~30 msg/s for bulk sends, 20/min per group, ~1/s per chat."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable


class Limits:
    """Sliding-window bookkeeping of sends; tells how long to wait before the next one.

    `overall` holds bulk sends (the ledger's: prompts, nudges, reminders, alerts); replies to
    users are not held to it (SPEC §9), only to the per-chat and per-group limits."""

    def __init__(self, *, overall: int = 30, per_group: int = 20, group_window: float = 60.0,
                 chat_gap: float = 1.0, margin: float = 0.02,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.overall, self.per_group = overall, per_group
        # Windows are a little wider than Telegram's, so jitter between our clock and the
        # request actually leaving never packs 31 sends into one second.
        self.window = 1.0 + margin
        self.group_window, self.chat_gap = group_window * (1 + margin), chat_gap
        self.clock = clock
        self._all: deque[float] = deque()
        self._groups: dict[int, deque[float]] = defaultdict(deque)
        self._last: dict[int, float] = {}

    @staticmethod
    def is_group(chat_id: int) -> bool:
        return chat_id < 0

    def _trim(self, now: float) -> None:
        while self._all and now - self._all[0] >= self.window:
            self._all.popleft()

    def wait(self, chat_id: int | None, *, bulk: bool = True) -> float:
        """Seconds until a send to chat_id respects every limit (0 when it may go now)."""
        now = self.clock()
        self._trim(now)
        delay = 0.0
        if bulk and len(self._all) >= self.overall:
            delay = max(delay, self._all[0] + self.window - now)
        if chat_id is not None:
            last = self._last.get(chat_id)
            if last is not None:
                delay = max(delay, last + self.chat_gap - now)
            if self.is_group(chat_id):
                window = self._groups[chat_id]
                while window and now - window[0] >= self.group_window:
                    window.popleft()
                if len(window) >= self.per_group:
                    delay = max(delay, window[0] + self.group_window - now)
        return max(delay, 0.0)

    def record(self, chat_id: int | None, *, bulk: bool = True) -> float:
        """A send left now (a bulk one counts toward the overall window); the moment."""
        now = self.clock()
        if bulk:
            self._all.append(now)
        if chat_id is not None:
            self._last[chat_id] = now
            if self.is_group(chat_id):
                self._groups[chat_id].append(now)
        return now

    def forget(self, chat_id: int | None, *, bulk: bool, at: float) -> None:
        """Take back the send recorded at `at` (it did not leave then: paced again). The
        chat's send before it was a gap earlier still, so its gap is kept after `at` anyway."""
        if chat_id is not None and self._last.get(chat_id) == at:
            del self._last[chat_id]
        if bulk and at in self._all:
            self._all.remove(at)
        window = self._groups.get(chat_id) if chat_id is not None else None
        if window and at in window:
            window.remove(at)

    def used(self, chat_id: int) -> int:
        """Sends to the group within the last minute."""
        window = self._groups.get(chat_id)
        if not window:
            return 0
        now = self.clock()
        while window and now - window[0] >= self.group_window:
            window.popleft()
        return len(window)

    def group_full(self, chat_id: int) -> bool:
        """Whether the group's per-minute budget is used up right now."""
        return self.is_group(chat_id) and self.used(chat_id) >= self.per_group


def where(chat_id: int | None) -> str:
    """A chat as logs may name it: groups by id; private chats never (a rater's id is one)."""
    return str(chat_id) if chat_id is not None and chat_id < 0 else "a private chat"
