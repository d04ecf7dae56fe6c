"""The pacer with the shared pace (SQLite and PostgreSQL): what this process sends keeps its
own windows as it leaves, whatever the database booked."""

from __future__ import annotations

import pytest
from telegram import Bot

from scheduler.limits import Limits
from scheduler.sender import SENT, Sender
from scheduler.shared_limits import SharedPace
from storage.db import Database
from tests.auxil.offline import OfflineRequest


class Scene:
    """One clock for this process's limits and the database's pace; sleeping moves it on."""

    def __init__(self, db: Database) -> None:
        self.now = 1_000_000.0
        self.limits = Limits(overall=2, margin=0.0, chat_gap=0.0, clock=self.clock)
        self.pace = SharedPace(db, pseudonym=lambda chat: chat, overall=2, margin=0.0,
                               chat_gap=0.0, clock=self.clock)
        self.request = OfflineRequest()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def sender(self) -> Sender:
        bot = Bot("123456:TESTTOKEN-abcdefghij", request=self.request,
                  get_updates_request=self.request)
        await bot.initialize()
        return Sender(bot, limits=self.limits, sleep=self.sleep, shared=self.pace)


async def test_a_send_the_database_lets_go_waits_for_this_processs_own_window(
        db: Database) -> None:
    """Two sends of this process left a moment ago (paced again as they left, so the database
    has them earlier): a third waits for this process's second, not only the database's."""
    scene = Scene(db)
    sender = await scene.sender()
    scene.limits.record(None)
    scene.limits.record(None)
    start = scene.now
    result = await sender.call("send_message", {"chat_id": 5, "text": "通知"}, 5)
    assert result.status == SENT and len(scene.request.sent()) == 1
    assert scene.now - start == pytest.approx(1.0)


async def test_a_ledger_send_that_waited_in_before_is_paced_again_among_this_processs_own(
        db: Database) -> None:
    """`before` (the ledger marking the send) outlasted the margin while another send of this
    process left: the send leaves within the limit as counted at its leaving."""
    scene = Scene(db)
    sender = await scene.sender()
    assert (await sender.call("send_message", {"chat_id": 4, "text": "一"}, 4)).status == SENT
    scene.now += 0.05

    async def slow_mark() -> bool:  # meanwhile, another send paced and left at 0.95
        scene.now += 0.9
        scene.limits.record(None)
        return True

    start = scene.now - 0.05
    result = await sender.call("send_message", {"chat_id": 5, "text": "二"}, 5,
                               before=slow_mark)
    assert result.status == SENT and len(scene.request.sent()) == 2
    assert scene.now - start == pytest.approx(1.0)  # the first one's second out
