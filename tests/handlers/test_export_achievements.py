"""The 业绩采集表 of /export collects the achievements themselves: one row per 完成 line (with
its date, 先进典型 marked) and per milestone met (with its date), cadre columns repeated,
the counts in their own columns on the cadre's first row; cadre text always text."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from storage.tables import Milestone
from tests.auxil.cast import ADMIN, CADRE, GROUP, setup_project
from tests.auxil.factories import make_message, make_user, message_update, private

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite and PostgreSQL

TZ = ZoneInfo("Asia/Shanghai")
OTHER = make_user(2002, "李四", "lisi")


def say(chat, user, text: str, **kw):  # type: ignore[no-untyped-def]
    return message_update(make_message(chat, user, text, **kw))


async def test_the_achievement_sheet_lists_each_achievement_with_its_date(harness) -> None:
    h = harness
    today = datetime.now(TZ).date()
    await setup_project(h, cadres=(CADRE, OTHER))
    admin = private(ADMIN)
    await h.feed(say(admin, ADMIN, f"/period open 攻坚季 {today - timedelta(days=20)} "
                                   f"{today + timedelta(days=20)} 城南快速路"))
    first, second = today - timedelta(days=9), today - timedelta(days=3)
    early = make_message(GROUP, CADRE, "#日报 完成：签约3户\n完成：=SUM(A1:A9)",
                         date=datetime.combine(first, time(10), TZ).astimezone(UTC))
    late = make_message(GROUP, CADRE, "#日报 完成：+86 热线回访 12 户",
                        date=datetime.combine(second, time(10), TZ).astimezone(UTC))
    await h.feed(message_update(early), message_update(late))
    await h.feed(say(GROUP, ADMIN, "/star", reply_to=late))
    await h.feed(say(admin, ADMIN, f"/milestone add 城南快速路 {today + timedelta(days=5)} "
                                   "@主线贯通 张三"))
    with h.db.session(write=False) as s:
        milestone = s.exec(select(Milestone)).one()
    await h.feed(say(admin, ADMIN, f"/milestone done {milestone.id}"))
    h.request.clear()
    await h.feed(say(admin, ADMIN, "/export 城南快速路 攻坚季"))
    [(_name, data)] = h.request.documents(chat_id=ADMIN.id)
    sheet = load_workbook(io.BytesIO(data))["业绩采集表"]
    header = [c.value for c in sheet[2]]
    assert header[:8] == ["姓名", "职务", "项目", "日期", "类别", "业绩内容", "计划完成日期",
                          "先进典型"]
    body = list(sheet.iter_rows(min_row=3))
    rows = [[c.value for c in row] for row in body]
    counts = header.index("完成事项")
    zhang = [r for r in rows if r[0] == "张三"]
    assert [(r[3].date(), r[4], r[5], r[6] and r[6].date(), r[7]) for r in zhang] == [
        (first, "完成", "签约3户", None, None),
        (first, "完成", "=SUM(A1:A9)", None, None),
        (second, "完成", "+86 热线回访 12 户", None, "是"),
        (today, "节点", "@主线贯通", today + timedelta(days=5), None)]
    assert [r[counts] for r in zhang] == [3, None, None, None]  # counts once, on the first row
    assert rows[[r[0] for r in rows].index("张三")][header.index("先进典型数")] == 1
    [li] = [r for r in rows if r[0] == "李四"]
    assert li[3:8] == [None] * 5 and li[counts] == 0
    for row in body:  # a leading = + - @ stays text, never a formula
        cell = row[5]
        if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
            assert cell.data_type == "s" and cell.quotePrefix, cell.value
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$2"
