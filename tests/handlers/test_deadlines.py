"""A word that looks like a deadline but cannot be one is refused in one line, never taken as
text, and nothing is created (SPEC §11): orders, milestones and /period open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from storage.tables.assessment import Period
from storage.tables.org import Milestone
from tests.auxil.factories import private
from tests.auxil.order_world import (
    ADMIN,
    EXAMINER,
    in_days,
    order,
    orders_count,
    say,
    setup_orders,
    today,
)

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite and PostgreSQL

IMPOSSIBLE = [("0d", "天数至少为 1"), ("0天", "天数至少为 1"), ("99999d", "太远"),
              ("99999天", "太远"), ("2026-02-30", "不是存在的日期"),
              ("2026-13-01", "不是存在的日期"), ("2023-06-01", "不在今天")]


def count(h, table) -> int:  # type: ignore[no-untyped-def]
    with h.db.session(write=False) as s:
        return s.exec(select(func.count()).select_from(table)).one()


async def one_line(h, user, text: str) -> str:  # type: ignore[no-untyped-def]
    h.request.clear()
    await h.feed(say(private(user), user, text))
    [line] = h.request.texts()
    return line


@pytest.mark.parametrize(("word", "says"), [*IMPOSSIBLE, ("367d", "太远：最多 366 天")])
async def test_an_order_deadline_that_cannot_be_is_refused_not_taken_as_text(harness, word, says
                                                                            ) -> None:
    await setup_orders(harness)
    line = await one_line(harness, EXAMINER, f"/rectify 张三 {word} 荒唐的期限")
    assert says in line and "15d" in line and "\n" not in line
    assert orders_count(harness) == 0


async def test_a_far_date_for_an_order_is_refused_and_the_forms_that_work_are_taken(harness
                                                                                   ) -> None:
    await setup_orders(harness)
    far = in_days(367).isoformat()
    assert "太远" in await one_line(harness, EXAMINER, f"/rectify 张三 {far} 期限太远")
    assert orders_count(harness) == 0
    await harness.feed(say(private(EXAMINER), EXAMINER, "/rectify 张三 15天 管线迁改滞后"))
    assert order(harness).deadline == in_days(15) and order(harness).text == "管线迁改滞后"
    await harness.feed(say(private(EXAMINER), EXAMINER,
                           f"/rectify 张三 {in_days(366).isoformat()} 一年整改"))
    assert order(harness).deadline == in_days(366) and order(harness).text == "一年整改"


@pytest.mark.parametrize(("word", "says"), IMPOSSIBLE)
async def test_a_milestone_date_that_cannot_be_is_refused(harness, word, says) -> None:
    await setup_orders(harness)
    line = await one_line(harness, ADMIN, f"/milestone add 城南快速路 {word} 主线贯通")
    assert says in line and "\n" not in line
    assert count(harness, Milestone) == 0


async def test_a_milestone_takes_a_date_or_days(harness) -> None:
    await setup_orders(harness)
    await harness.feed(say(private(ADMIN), ADMIN, "/milestone add 城南快速路 30天 主线贯通"))
    await harness.feed(say(private(ADMIN), ADMIN,
                           f"/milestone add 城南快速路 {today().isoformat()} 今日节点"))
    with harness.db.session(write=False) as s:
        assert sorted(m.due for m in s.exec(select(Milestone))) == [today(), in_days(30)]


@pytest.mark.parametrize(("dates", "says"), [
    ("2026-02-30 2026-03-31", "不是存在的日期"), ("2026-11-01 2026-11-31", "不是存在的日期"),
    ("2026-11-01 0d", "太长"), ("2026-11-01 99999d", "太长"), ("2026-11-01 2028-11-01", "太长"),
    ("15d 2026-12-31", "开始日期 结束日期"), ("2026-11-01 下月", "开始日期 结束日期"),
    ("far 2026-12-31", "开始日期 结束日期")])
async def test_period_open_with_dates_that_cannot_be_is_refused(harness, dates, says) -> None:
    await setup_orders(harness)
    if dates.startswith("far"):
        start = today() + timedelta(days=400)
        dates = f"{start} {start + timedelta(days=30)}"
        says = "太远"
    line = await one_line(harness, ADMIN, f"/period open 攻坚季 {dates}")
    assert says in line and "\n" not in line
    assert count(harness, Period) == 0


async def test_period_open_takes_an_end_date_or_a_number_of_days(harness) -> None:
    await setup_orders(harness)
    await harness.feed(say(private(ADMIN), ADMIN, "/period open 攻坚季 2026-11-02 30d"))
    with harness.db.session(write=False) as s:
        [period] = s.exec(select(Period)).all()
    assert (period.start.isoformat(), period.end.isoformat()) == ("2026-11-02", "2026-12-01")
