"""Polling: our own getUpdates loop, which confirms updates only once they are committed."""

from __future__ import annotations

import asyncio
import logging
import warnings

from telegram import Update
from telegram.error import NetworkError, TelegramError, TimedOut

from bot.inbox import Inbox

log = logging.getLogger(__name__)


async def poll(inbox: Inbox, *, timeout: int, stop: asyncio.Event) -> None:
    """Our own getUpdates loop: the offset advances only past updates already committed."""
    bot = inbox.app.bot
    offset: int | None = None
    await inbox.process_pending()  # whatever a previous run left unfinished
    last_prune = 0.0
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        try:  # Telegram's own JSON, stored as received (no PTB round trip)
            with warnings.catch_warnings():  # PTB suggests get_updates; we want the raw JSON
                warnings.simplefilter("ignore")
                updates = await bot.do_api_request(
                    "getUpdates", api_kwargs={"timeout": timeout,
                                              "allowed_updates": Update.ALL_TYPES,
                                              **({"offset": offset} if offset else {})},
                    read_timeout=timeout + 10)
        except (TimedOut, NetworkError) as exc:
            log.warning("getUpdates failed (%s); retrying", exc.message)
            await asyncio.sleep(1)
            continue
        except TelegramError as exc:  # e.g. Conflict: another poller, or a webhook is set
            log.error("getUpdates refused (%s); retrying in 5 s", exc.message)
            await asyncio.sleep(5)
            continue
        try:
            if updates:
                await inbox.take(updates)  # committed before the next call confirms them
                offset = updates[-1]["update_id"] + 1
            else:
                await inbox.process_pending()  # failed attempts are tried again
        except Exception:  # the database is away: nothing confirmed, Telegram keeps the updates
            log.exception("storing or processing updates failed; retrying in 5 s")
            await asyncio.sleep(5)
        if loop.time() - last_prune > 3600:
            last_prune = loop.time()
            inbox.prune()
