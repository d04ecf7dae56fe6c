"""The sender and the reply path: 429, 403, migrated chats, budgets, refused reactions."""

from __future__ import annotations

import pytest
from sqlmodel import select

from scheduler.limits import Limits
from scheduler.sender import SENT, UNREACHABLE, Sender
from storage.tables import Person
from tests.auxil.cast import CADRE, GROUP, setup_project
from tests.auxil.factories import make_message, message_update, private
from tests.auxil.offline import OfflineRequest


async def _bot(request: OfflineRequest):
    from telegram import Bot

    bot = Bot("123456:TESTTOKEN-abcdefghij", request=request, get_updates_request=request)
    await bot.initialize()
    return bot


async def test_429_waits_retry_after_then_sends() -> None:
    request = OfflineRequest()
    request.fail("sendMessage", 429, "Too Many Requests: retry after 3",
                 parameters={"retry_after": 3})
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    sender = Sender(await _bot(request), limits=Limits(chat_gap=0), sleep=sleep)
    result = await sender.call("send_message", {"chat_id": 5, "text": "hi"}, 5)
    assert result.status == SENT and 3 in waits
    assert len(request.sent()) == 1


async def test_403_marks_the_chat_unreachable_without_retrying() -> None:
    request = OfflineRequest()
    request.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", times=5)
    blocked: list[int] = []
    sender = Sender(await _bot(request), limits=Limits(chat_gap=0),
                    on_unreachable=blocked.append)
    result = await sender.call("send_message", {"chat_id": 7, "text": "hi"}, 7)
    assert result.status == UNREACHABLE and blocked == [7]
    assert request.faults[0].times == 4  # asked once


async def test_migrated_chat_is_resent_once_to_the_new_id() -> None:
    request = OfflineRequest()
    request.fail("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
                 chat_id=-42, parameters={"migrate_to_chat_id": -10042})
    moved: list[tuple[int, int]] = []
    sender = Sender(await _bot(request), limits=Limits(chat_gap=0),
                    on_migrated=lambda old, new: moved.append((old, new)))
    result = await sender.call("send_message", {"chat_id": -42, "text": "hi"}, -42)
    assert result.status == SENT and moved == [(-42, -10042)]
    assert [c.chat_id for c in request.sent()] == [-10042]


def test_group_limit_allows_twenty_a_minute() -> None:
    now = [0.0]
    limits = Limits(clock=lambda: now[0], chat_gap=0, margin=0.0)
    for _ in range(20):
        assert limits.wait(-1) == 0
        limits.record(-1)
    assert limits.group_full(-1) and limits.wait(-1) == 60.0
    now[0] = 60.0
    assert not limits.group_full(-1)


async def test_acknowledgements_are_skipped_when_the_group_budget_is_used(harness) -> None:
    await setup_project(harness)
    for _ in range(20):
        harness.runtime.sender.limits.record(GROUP.id)
    await harness.feed(message_update(make_message(GROUP, CADRE, "#日报 预算用尽")))
    assert harness.request.sent("setMessageReaction") == []
    with harness.db.session(write=False) as s:
        from storage.tables import DailyReport
        assert len(list(s.exec(select(DailyReport)))) == 1


async def test_refused_reaction_falls_back_to_one_line(harness) -> None:
    await setup_project(harness)
    harness.request.fail("setMessageReaction", 400, "Bad Request: REACTION_INVALID")
    await harness.feed(message_update(make_message(GROUP, CADRE, "#日报 反应被拒")))
    assert "已记录" in harness.last(GROUP.id)


async def test_blocked_user_is_marked_unreachable(harness) -> None:
    await setup_project(harness)
    await harness.feed(message_update(make_message(private(CADRE), CADRE, "/whoami")))
    harness.request.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await harness.feed(message_update(make_message(private(CADRE), CADRE, "/my")))
    with harness.db.session(write=False) as s:
        person = s.exec(select(Person).where(Person.tg_id == CADRE.id)).one()
    assert not person.reachable


async def test_a_send_that_timed_out_is_retried_once_and_marked_uncertain() -> None:
    from scheduler.sender import UNCERTAIN

    request = OfflineRequest()
    request.fail("sendMessage", 0, "read timeout", times=1)
    sender = Sender(await _bot(request), limits=Limits(chat_gap=0))
    result = await sender.call("send_message", {"chat_id": 9, "text": "hi"}, 9)
    assert result.status == UNCERTAIN
    assert len(request.sent()) == 2  # the lost answer's request, and the one retry


async def test_a_refused_connection_is_retried_and_counts_as_sent() -> None:
    import httpx
    from telegram.error import NetworkError

    request = OfflineRequest()
    original = request.do_request
    failures = [1]

    async def flaky(*args, **kwargs):
        if failures:
            failures.pop()
            raise NetworkError("connect failed") from httpx.ConnectError("refused")
        return await original(*args, **kwargs)

    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    sender = Sender(await _bot(request), limits=Limits(chat_gap=0), sleep=sleep)
    request.do_request = flaky
    result = await sender.call("send_message", {"chat_id": 9, "text": "hi"}, 9)
    assert result.status == SENT and waits == [1.0]


async def test_a_burst_of_reports_queues_no_more_acks_than_the_group_budget(harness) -> None:
    await setup_project(harness)
    harness.runtime.sender.limits = Limits(chat_gap=0.05)
    await harness.feed(*[message_update(make_message(GROUP, CADRE, f"#日报 第{i}条"))
                         for i in range(30)])
    assert len(harness.request.sent("setMessageReaction")) == 20
    with harness.db.session(write=False) as s:
        from storage.tables import DailyReport
        assert len(list(s.exec(select(DailyReport)))) == 30


def test_replies_are_not_held_to_the_bulk_thirty_a_second() -> None:
    now = [0.0]
    limits = Limits(clock=lambda: now[0], margin=0.0)
    for user in range(1, 31):
        limits.record(user)  # the ledger's 30 this second
    assert limits.wait(31) == 1.0
    for user in range(31, 91):
        assert limits.wait(user, bulk=False) == 0
        limits.record(user, bulk=False)
    assert limits.wait(91) == 1.0  # replies did not take the ledger's budget either
    assert limits.wait(90, bulk=False) == 1.0  # one chat: still about 1/s


async def test_replies_go_at_once_and_the_ledger_is_held_to_thirty_a_second() -> None:
    from handlers.context import Outgoing

    request = OfflineRequest()
    clock = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    sender = Sender(await _bot(request), limits=Limits(clock=lambda: clock[0]), sleep=sleep)
    sender.submit([Outgoing("send_message", {"chat_id": u, "text": "好"}, u)
                   for u in range(1, 61)])
    await sender.drain()
    assert len(request.sent("sendMessage")) == 60 and waits == []
    for user in range(61, 121):
        assert (await sender.call("send_message", {"chat_id": user, "text": "通知"}, user)
                ).status == SENT
    assert sum(waits) >= 1.0  # the ledger's 60 took two windows


async def test_a_ledger_send_that_waited_in_before_is_paced_again() -> None:
    """`before` (the ledger marking the send) may take a while after the send was paced: the
    send then leaves within the limit as counted at its leaving, not at its pacing."""
    now = [0.0]
    limits = Limits(overall=2, margin=0.0, clock=lambda: now[0])
    request = OfflineRequest()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    async def slow_mark() -> bool:  # meanwhile, another send paced and left at 0.95
        now[0] = 0.95
        limits.record(None)
        return True

    sender = Sender(await _bot(request), limits=limits, sleep=sleep)
    limits.record(None)  # one sent at 0.0
    now[0] = 0.05
    result = await sender.call("send_message", {"chat_id": 5, "text": "hi"}, 5,
                               before=slow_mark)
    assert result.status == SENT
    assert slept == [pytest.approx(0.05)] and now[0] == pytest.approx(1.0)  # 0.0's second out
