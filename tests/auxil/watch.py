"""Watching a harness's Application: the updates it handles."""

from __future__ import annotations


def handled_updates(h) -> list[int]:  # type: ignore[no-untyped-def]
    """The update_ids the Application processes from here on."""
    handled: list[int] = []
    process = h.runtime.app.process_update

    async def counting(update) -> None:  # type: ignore[no-untyped-def]
        handled.append(update.update_id)
        await process(update)

    h.runtime.app.process_update = counting
    return handled
