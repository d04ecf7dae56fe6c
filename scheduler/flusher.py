"""Send triggered messages soon after the commit that planned them (kicks coalesce)."""

from __future__ import annotations

import asyncio
import logging

from scheduler.runner import Runner

log = logging.getLogger(__name__)


class Flusher:
    """One flush of the ledger at a time; a kick during a flush runs one more afterwards."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self._task: asyncio.Task | None = None
        self._again = False

    def kick(self) -> None:
        """Ask for a flush (from the event loop)."""
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.create_task(self._run(), name="ledger-flush")

    async def _run(self) -> None:
        while True:
            self._again = False
            try:
                await self.runner.flush()
            except Exception:  # the scheduler's next pass tries again
                log.exception("flushing triggered messages failed")
            if not self._again:
                return

    async def settle(self) -> None:
        """Wait until the current flush (and any asked for meanwhile) is done."""
        while self._task is not None and not self._task.done():
            await asyncio.gather(self._task, return_exceptions=True)
