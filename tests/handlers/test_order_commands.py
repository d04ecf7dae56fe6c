"""/rectify, /order, /orders, /my and /summary through the real Application (SPEC §4, §7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from storage.tables import DailyReport, RectificationEvent
from tests.auxil.factories import make_message, message_update, private
from tests.auxil.order_world import (
    CADRE,
    EXAMINER,
    FOREIGN,
    GROUP,
    buttons,
    in_days,
    issue,
    order,
    orders_count,
    say,
    set_deadline,
    setup_orders,
    today,
)


def only_line(h, chat_id: int) -> str:  # type: ignore[no-untyped-def]
    """The bot said exactly one thing, in that chat, and nothing anywhere else."""
    assert [c.chat_id for c in h.request.sent()] == [chat_id], h.request.texts()
    return h.request.texts(chat_id)[0]


async def test_rectify_with_days_sets_the_deadline_that_many_days_ahead(harness) -> None:
    await setup_orders(harness)
    made = await issue(harness, deadline="15d")
    assert (made.number, made.deadline, made.state) == (f"ZG-{today().year}-0001",
                                                        in_days(15), "open")
    assert made.text == "管线迁改滞后"
    assert made.number in harness.last(EXAMINER.id)


async def test_rectify_with_a_date_takes_that_date(harness) -> None:
    await setup_orders(harness)
    made = await issue(harness, deadline=in_days(30).isoformat())
    assert made.deadline == in_days(30)


async def test_rectify_without_a_deadline_gives_sixty_days(harness) -> None:
    await setup_orders(harness)
    made = await issue(harness)
    assert made.deadline == in_days(60)


@pytest.mark.parametrize(("deadline", "says"), [
    ("past", "不在今天"),
    ("today", "不在今天"),
    ("0d", "天数至少为 1"),
    ("0天", "天数至少为 1"),
    ("999d", "太远：最多 366 天"),
    ("99999d", "太远：最多 366 天"),
    ("400天", "太远：最多 366 天"),
    ("2026-02-30", "不是存在的日期"),
    ("2027/02/29", "不是存在的日期"),
    ("2999-01-01", "太远：最多 366 天"),
])
async def test_a_bad_deadline_gets_one_line_and_creates_nothing(harness, deadline, says) -> None:
    await setup_orders(harness)
    value = {"past": in_days(-1).isoformat(), "today": today().isoformat()}.get(deadline,
                                                                               deadline)
    await harness.feed(say(private(EXAMINER), EXAMINER, f"/rectify 张三 {value} 管线迁改滞后"))
    assert says in only_line(harness, EXAMINER.id)
    assert orders_count(harness) == 0


@pytest.mark.parametrize(("who", "says"), [("赵六", "找不到"), ("@nobody", "找不到"),
                                           ("4002", "不是您负责的项目的干部")])
async def test_an_unknown_person_or_no_cadre_gets_one_line(harness, who, says) -> None:
    await setup_orders(harness)
    await harness.feed(say(private(EXAMINER), EXAMINER, f"/rectify {who} 管线迁改滞后"))
    assert says in only_line(harness, EXAMINER.id)
    assert orders_count(harness) == 0


async def test_an_examiner_cannot_order_a_cadre_of_a_project_they_do_not_see(harness) -> None:
    await setup_orders(harness)
    await harness.feed(say(private(FOREIGN), FOREIGN, "/rectify 张三 管线迁改滞后"))
    assert "不是您负责的项目的干部" in only_line(harness, FOREIGN.id)
    assert orders_count(harness) == 0


async def test_rectify_without_text_gets_the_usage_line(harness) -> None:
    await setup_orders(harness)
    await harness.feed(say(private(EXAMINER), EXAMINER, "/rectify 张三 15d"))
    assert "用法：/rectify" in only_line(harness, EXAMINER.id)
    assert orders_count(harness) == 0


async def test_rectify_replying_to_a_report_takes_its_problem_lines_and_links_it(harness) -> None:
    await setup_orders(harness)
    report = make_message(GROUP, CADRE, "#日报\n完成：签约3户\n问题：管线迁改滞后\n问题：资金未到位")
    await harness.feed(message_update(report))
    await harness.feed(say(GROUP, EXAMINER, "/rectify 20d", reply_to=report))
    made = order(harness)
    with harness.db.session(write=False) as s:
        stored = s.exec(select(DailyReport)).one()
    assert (made.text, made.report_id, made.deadline) == ("管线迁改滞后；资金未到位", stored.id,
                                                          in_days(20))
    harness.request.clear()
    await harness.feed(say(private(EXAMINER), EXAMINER, f"/order {made.number}"))
    assert "来源动态" in harness.last(EXAMINER.id) and "签约3户" in harness.last(EXAMINER.id)


async def test_rectify_replying_to_a_report_without_problems_takes_its_text(harness) -> None:
    await setup_orders(harness)
    report = make_message(GROUP, CADRE, "#日报 今天巡查工地，围挡破损")
    await harness.feed(message_update(report))
    await harness.feed(say(GROUP, EXAMINER, "/rectify", reply_to=report))
    assert order(harness).text == "#日报 今天巡查工地，围挡破损"


async def test_a_new_order_is_posted_in_the_group_and_sent_to_the_cadre_with_buttons(
        harness) -> None:
    await setup_orders(harness)
    made = await issue(harness)
    [card] = harness.request.sent(chat_id=GROUP.id)
    [dm] = harness.request.sent(chat_id=CADRE.id)
    for call in (card, dm):
        assert made.number in call.text and "管线迁改滞后" in call.text
        assert [label for label, _ in buttons(call)] == ["汇报进展", "申请销号"]
    assert "已私信通知本人" in harness.last(EXAMINER.id)


async def test_an_unreachable_cadre_is_told_in_the_group_only(harness) -> None:
    await setup_orders(harness, reachable=(EXAMINER,))
    made = await issue(harness)
    assert harness.request.sent(chat_id=CADRE.id) == []
    assert made.number in harness.request.texts(GROUP.id)[0]
    assert "已在项目群通知" in harness.last(EXAMINER.id)


async def test_order_shows_state_deadline_people_and_one_line_per_event(harness) -> None:
    await setup_orders(harness)
    made = await issue(harness, deadline="15d")
    await harness.feed(say(private(CADRE), CADRE, f"/progress {made.number} 已出方案"))
    await harness.feed(say(private(CADRE), CADRE, f"/progress {made.number} 已开工"))
    harness.request.clear()
    await harness.feed(say(private(EXAMINER), EXAMINER, f"/order {made.number}"))
    text = only_line(harness, EXAMINER.id)
    assert f"问题交办单 {made.number}</b> · 整改中" in text and "已逾期" not in text
    assert f"整改期限：{in_days(15).isoformat()}" in text
    assert "责任干部：张三" in text and "交办人：考察员甲" in text
    events = [line for line in text.splitlines() if line.startswith("· ")]
    assert len(events) == 3
    assert "下发" in events[0] and "已出方案" in events[1] and "已开工" in events[2]


async def test_order_past_its_deadline_says_overdue(harness) -> None:
    await setup_orders(harness)
    made = await issue(harness)
    set_deadline(harness, made.number, in_days(-1))
    harness.request.clear()
    await harness.feed(say(private(CADRE), CADRE, f"/order {made.number.lower()}"))
    assert "待整改 · ⚠️已逾期" in only_line(harness, CADRE.id)


async def test_order_with_an_unknown_number_gets_one_line(harness) -> None:
    await setup_orders(harness)
    await harness.feed(say(private(EXAMINER), EXAMINER, "/order ZG-2026-0099"))
    assert "没有编号为「ZG-2026-0099」的交办单" in only_line(harness, EXAMINER.id)


async def three_orders(h):  # type: ignore[no-untyped-def]
    """One open, one overdue, one closed (through the cadre's and the examiner's commands)."""
    live = await issue(h, "围挡破损")
    late = await issue(h, "扬尘超标")
    set_deadline(h, late.number, in_days(-3))
    shut = await issue(h, "夜间施工扰民")
    await h.feed(say(private(CADRE), CADRE, f"/done {shut.number} 已调整施工时间"))
    await h.feed(say(private(EXAMINER), EXAMINER, f"/verify {shut.number} pass 属实"))
    assert order(h, shut.number).state == "closed"
    h.request.clear()
    return live.number, late.number, shut.number


@pytest.mark.parametrize(("which", "shown"), [("", (0, 1)), ("open", (0, 1)),
                                              ("overdue", (1,)), ("closed", (2,))])
async def test_orders_lists_open_overdue_or_closed(harness, which, shown) -> None:
    await setup_orders(harness)
    numbers = await three_orders(harness)
    await harness.feed(say(private(EXAMINER), EXAMINER, f"/orders {which}".strip()))
    text = only_line(harness, EXAMINER.id)
    assert [n for n in numbers if n in text] == [numbers[i] for i in shown]
    assert f"（{len(shown)} 件）" in text


async def test_my_lists_the_cadres_open_orders_only(harness) -> None:
    await setup_orders(harness)
    live, late, shut = await three_orders(harness)
    await harness.feed(say(private(CADRE), CADRE, "/my"))
    text = only_line(harness, CADRE.id)
    assert live in text and late in text and shut not in text
    due = in_days(-3)
    assert f"{late}（待整改，期限 {due.month}月{due.day}日，⚠️已逾期）" in text


async def test_summary_shows_each_cadres_open_and_overdue_orders(harness) -> None:
    await setup_orders(harness)
    live, late, shut = await three_orders(harness)
    await harness.feed(say(private(EXAMINER), EXAMINER, "/summary 城南快速路"))
    text = "\n".join(harness.request.texts(EXAMINER.id))
    line = next(x for x in text.splitlines() if "📌 交办单" in x)
    assert live in line and f"{late}（待整改" in line and "⚠️已逾期" in line
    assert shut not in text


async def test_every_change_is_an_event_with_who_and_comment(harness) -> None:
    await setup_orders(harness)
    made = await issue(harness)
    await harness.feed(say(private(CADRE), CADRE, f"/done {made.number} 已整改"))
    await harness.feed(say(private(EXAMINER), EXAMINER, f"/verify {made.number} fail 照片不清"))
    with harness.db.session(write=False) as s:
        events = s.exec(select(RectificationEvent).order_by(RectificationEvent.id)).all()
    assert [(e.action, e.from_state, e.to_state, e.comment) for e in events] == [
        ("issue", None, "open", "管线迁改滞后"), ("done", "open", "submitted", "已整改"),
        ("fail", "submitted", "progress", "照片不清")]
    assert all(e.at is not None and e.actor_id for e in events)
    assert events[-1].at - events[0].at < timedelta(minutes=1)
