"""The one-line profile summary each benchmark prints: where an update's time goes.

A timer signal interrupts the event loop's thread every millisecond of wall time and charges
the interrupted stack to the innermost frame of the bot's own code (bot, core, handlers,
scheduler, storage), or to PTB's `Update.de_json` (the parse the echo pays too): library time
counts to the frame that called the library, so the top three name the places to look next.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from pathlib import Path
from types import FrameType, TracebackType

ROOT = Path(__file__).resolve().parents[1]
OWN = tuple(f"{ROOT / d}/" for d in ("bot", "core", "handlers", "scheduler", "storage"))
INTERVAL = 0.001


def _charge(frame: FrameType | None) -> str:
    while frame is not None:
        code = frame.f_code
        file = code.co_filename
        if file.startswith(OWN):
            module = file[len(str(ROOT)) + 1:].removesuffix(".py").replace("/", ".")
            return f"{module}.{code.co_qualname}"
        if code.co_name == "de_json" and file.endswith("telegram/_update.py"):
            return "telegram.Update.de_json"
        frame = frame.f_back
    return "elsewhere (event loop, bench)"


class Sampler:
    """`with Sampler() as s:` around the work (in the main thread); then `s.line(label, n)`.

    Entered again, it goes on counting: a bench that makes its next updates between spells
    of the bot's work samples only the bot's."""

    def __init__(self) -> None:
        self.counts: dict[str, float] = Counter()  # seconds charged to each frame
        self.elapsed = 0.0

    def _sample(self, _signum: int, frame: FrameType | None) -> None:
        # A signal waits for a long C call (a query) to return: the time since the last sample
        # is charged, so the frame that made the call gets all of it.
        now = time.perf_counter()
        self.counts[_charge(frame)] += now - self._last
        self._last = now

    def __enter__(self) -> Sampler:
        self._previous = signal.signal(signal.SIGALRM, self._sample)
        self._start = self._last = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, INTERVAL, INTERVAL)
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                 ) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._previous)
        self.elapsed += time.perf_counter() - self._start

    def top(self, updates: int, n: int = 3) -> str:
        """`a 120 µs, b 80 µs, c 40 µs` per update: the n frames charged most."""
        return ", ".join(f"{name} {seconds / updates * 1e6:,.0f} µs"
                         for name, seconds in self.counts.most_common(n))

    def line(self, label: str, updates: int) -> str:
        """The printed line."""
        return (f"{label}: profile, top three costs per update (wall-clock stack samples, "
                f"{self.elapsed / updates * 1e6:,.0f} µs an update in all): {self.top(updates)}")
