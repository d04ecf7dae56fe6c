"""A scheduler Runner on the offline Bot API, fast sleeps, no limits worth waiting for."""

from __future__ import annotations

import asyncio

from telegram import Bot

from bot.render import Renderer
from scheduler.limits import Limits
from scheduler.runner import Runner
from scheduler.sender import Sender
from storage.db import Database
from tests.auxil.offline import OfflineRequest


async def make_runner(db: Database, request: OfflineRequest, **kw) -> Runner:
    bot = Bot("123456:TESTTOKEN-abcdefghij", request=request, get_updates_request=request)
    await bot.initialize()
    sender = Sender(bot, limits=Limits(overall=1000, chat_gap=0.0), sleep=_fast_sleep)
    return Runner(db, sender, Renderer("zh"), admins=frozenset(), **kw)


async def _fast_sleep(seconds: float) -> None:
    await asyncio.sleep(min(seconds, 0.01))
