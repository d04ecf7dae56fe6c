"""order-reminders and order-reviews through the bot's own runner (SPEC §5, §7).

Orders are issued through the bot; their dates are then set in the database to fixed days
of late 2026, so the jobs can be run at fixed moments (`live=False`, like `jobs run --at`).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from storage.tables import Rectification
from tests.auxil.factories import button_press, make_message, private
from tests.auxil.order_world import (
    ADMIN,
    CADRE,
    EXAMINER,
    GROUP,
    buttons,
    data_of,
    issue,
    order,
    say,
    setup_orders,
    snapshot,
)

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, month: int = 12, hour: int = 9, minute: int = 5) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def backdate(h, number: str, *, created: datetime, deadline=None,  # type: ignore[no-untyped-def]
             closed: datetime | None = None) -> None:
    with h.db.session() as s:
        row = s.exec(select(Rectification).where(Rectification.number == number)).one()
        row.created_at = created
        if deadline is not None:
            row.deadline = deadline
        if closed is not None:
            row.closed_at = closed
        s.add(row)


async def run(h, job: str, moment: datetime) -> None:  # type: ignore[no-untyped-def]
    await h.runtime.runner.run(moment, jobs=(job,), live=False)


def sent(h, chat_id: int):  # type: ignore[no-untyped-def]
    return h.request.sent(chat_id=chat_id)


async def overdue_world(h) -> tuple[str, str, str, str]:  # type: ignore[no-untyped-def]
    """张三: A (due Nov 20) and C (due Dec 30); 李四 (unreachable): B (due Nov 25), all from
    考察员甲; D (due Nov 30) to 张三 from the admin."""
    numbers = []
    for by, who, due in ((EXAMINER, "张三", 20), (EXAMINER, "李四", 25), (EXAMINER, "张三", 0),
                         (ADMIN, "张三", 30)):
        await h.feed(say(private(by), by, f"/rectify {who} 问题{len(numbers) + 1}"))
        number = order(h).number
        deadline = at(30, 12).date() if due == 0 else at(due, 11).date()
        backdate(h, number, created=at(1, 11), deadline=deadline)
        numbers.append(number)
    h.request.clear()
    return tuple(numbers)  # type: ignore[return-value]


async def test_the_issuer_gets_one_monday_list_of_all_their_overdue_orders(harness) -> None:
    await setup_orders(harness)
    a, b, c, d = await overdue_world(harness)
    await run(harness, "order-reminders", at(7))  # Monday Dec 7
    [mine] = [call.text for call in sent(harness, EXAMINER.id)]
    assert a in mine and b in mine and c not in mine and d not in mine
    assert "已逾期 17 天" in mine and "已逾期 12 天" in mine
    [admins] = [call.text for call in sent(harness, ADMIN.id)]
    assert d in admins and a not in admins


async def test_the_cadre_gets_one_daily_overdue_message_and_the_unreachable_are_named(
        harness) -> None:
    await setup_orders(harness)
    a, b, c, d = await overdue_world(harness)
    await run(harness, "order-reminders", at(8))  # Tuesday: no issuer lists
    assert sent(harness, EXAMINER.id) == [] and sent(harness, ADMIN.id) == []
    [dm] = [call.text for call in sent(harness, CADRE.id)]
    assert a in dm and d in dm and c not in dm and b not in dm
    [group] = [call.text for call in sent(harness, GROUP.id)]
    assert b in group and "李四" in group and a not in group


async def test_running_the_reminders_again_sends_nothing_more(harness) -> None:
    await setup_orders(harness)
    await overdue_world(harness)
    await run(harness, "order-reminders", at(7))
    first = len(harness.request.sent())
    await run(harness, "order-reminders", at(7, minute=40))
    assert first == 4 and len(harness.request.sent()) == first


async def test_no_reminders_on_a_weekend(harness) -> None:
    await setup_orders(harness)
    await overdue_world(harness)
    await run(harness, "order-reminders", at(12, hour=10))  # Saturday Dec 12
    assert harness.request.sent() == []


async def closed_order(h, closed: datetime) -> str:  # type: ignore[no-untyped-def]
    """An order the examiner closed (its close-out dated `closed`)."""
    made = await issue(h)
    await h.feed(say(private(CADRE), CADRE, f"/done {made.number} 已整改"))
    await h.feed(say(private(EXAMINER), EXAMINER, f"/verify {made.number} pass 属实"))
    backdate(h, made.number, created=at(1, 10), closed=closed)
    h.request.clear()
    return made.number


async def review_ask(h):  # type: ignore[no-untyped-def]
    """The 回头看 request the examiner got, and the message as they see it."""
    [call] = sent(h, EXAMINER.id)
    return call, make_message(private(EXAMINER), None, call.text, message_id=900)


async def test_the_review_is_asked_once_thirty_days_after_close_out_with_buttons(
        harness) -> None:
    await setup_orders(harness)
    number = await closed_order(harness, at(1, 11, hour=15))
    await run(harness, "order-reviews", at(30, 11))
    assert harness.request.sent() == []
    await run(harness, "order-reviews", at(1))  # Dec 1: 30 days after Nov 1
    await run(harness, "order-reviews", at(2))
    call, _ = await review_ask(harness)
    assert "回头看" in call.text and number in call.text
    assert [label for label, _ in buttons(call)] == ["无反弹", "有反弹"]


async def test_no_relapse_button_keeps_it_closed_like_review_ok(harness) -> None:
    await setup_orders(harness)
    number = await closed_order(harness, at(1, 11))
    await run(harness, "order-reviews", at(1))
    call, message = await review_ask(harness)
    harness.request.clear()
    await harness.feed(button_press(EXAMINER, message, data_of(call, "无反弹")))
    done = order(harness)
    assert (done.state, done.reviewed_at is not None) == ("closed", True)
    assert f"交办单 {number}：回头看：无反弹" in harness.request.texts(CADRE.id)[0]
    await run(harness, "order-reviews", at(3))
    assert [c for c in harness.request.sent() if "回头看：交办单" in c.text] == []


async def test_a_second_press_of_no_relapse_changes_nothing(harness) -> None:
    await setup_orders(harness)
    number = await closed_order(harness, at(1, 11))
    await run(harness, "order-reviews", at(1))
    call, message = await review_ask(harness)
    await harness.feed(button_press(EXAMINER, message, data_of(call, "无反弹")))
    before = snapshot(harness, number)
    harness.request.clear()
    await harness.feed(button_press(EXAMINER, message, data_of(call, "无反弹")))
    assert snapshot(harness, number) == before
    assert harness.request.sent() == []  # the cadre is not told twice
    [answer] = harness.request.sent("answerCallbackQuery")
    assert answer.params["text"] == f"交办单 {number} 已做过回头看（无反弹），无需再确认。"


async def test_relapse_button_asks_what_happened_and_reopens_like_review_relapse(
        harness) -> None:
    await setup_orders(harness)
    number = await closed_order(harness, at(1, 11))
    await run(harness, "order-reviews", at(1))
    call, message = await review_ask(harness)
    await harness.feed(button_press(EXAMINER, message, data_of(call, "有反弹")))
    assert "反弹的情况" in harness.last(EXAMINER.id) and order(harness).state == "closed"
    harness.request.clear()
    await harness.feed(say(private(EXAMINER), EXAMINER, "雨后又有积水"))
    reopened = order(harness)
    assert (reopened.state, reopened.closed_at) == ("progress", None)
    [told] = harness.request.sent(chat_id=CADRE.id)
    assert number in told.text and "雨后又有积水" in told.text
    assert [label for label, _ in buttons(told)] == ["汇报进展", "申请销号"]


async def test_an_order_closed_again_after_a_relapse_gets_a_new_review(harness) -> None:
    await setup_orders(harness)
    number = await closed_order(harness, at(1, 10))
    await run(harness, "order-reviews", at(2, 11))  # Oct 31 is a Saturday: Mon Nov 2
    await review_ask(harness)
    await harness.feed(say(private(EXAMINER), EXAMINER, f"/review {number} relapse 又漏水"))
    await harness.feed(say(private(CADRE), CADRE, f"/done {number} 已返修"))
    await harness.feed(say(private(EXAMINER), EXAMINER, f"/verify {number} pass 好"))
    backdate(harness, number, created=at(1, 10), closed=at(5, 11))
    harness.request.clear()
    await run(harness, "order-reviews", at(7))  # Dec 5 is a Saturday: Mon Dec 7
    call, _ = await review_ask(harness)
    assert number in call.text


async def test_a_long_overdue_list_comes_in_parts_under_4096_characters(harness) -> None:
    from datetime import date

    await setup_orders(harness)
    first = await issue(harness, "第0号问题")
    with harness.db.session() as s:  # 69 more like it, straight into the table
        row = s.exec(select(Rectification).where(Rectification.number == first.number)).one()
        for n in range(1, 70):
            s.add(Rectification(number=f"ZG-2026-{n + 1:04d}", project_id=row.project_id,
                                person_id=row.person_id, issuer_id=row.issuer_id,
                                text=f"第{n}号问题：" + "管线迁改滞后影响施工" * 4,
                                deadline=row.deadline))
    with harness.db.session() as s:
        for row in s.exec(select(Rectification)):
            row.created_at, row.deadline = at(1, 11), date(2026, 11, 20)
            s.add(row)
    harness.request.clear()
    await run(harness, "order-reminders", at(7))  # Monday 7 December: the issuer's list
    for chat_id in (EXAMINER.id, CADRE.id):
        parts = [c.text for c in sent(harness, chat_id)]
        assert len(parts) >= 2 and all(len(p) <= 4096 for p in parts)
        joined = "\n".join(parts)
        assert all(f"第{n}号问题" in joined for n in range(70))
