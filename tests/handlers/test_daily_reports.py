"""Daily reports through the real Application and the inbox (handler tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.tables import DailyReport, ReportItem
from tests.auxil.cast import CADRE, GROUP, setup_project
from tests.auxil.factories import (
    edit_of,
    make_message,
    make_user,
    message_update,
)


def reports(h) -> list[DailyReport]:
    with h.db.session(write=False) as s:
        return list(s.exec(select(DailyReport).order_by(DailyReport.id)))


async def test_hashtag_message_is_stored_and_acknowledged(harness) -> None:
    await setup_project(harness)
    msg = make_message(GROUP, CADRE, "#每日动态\n进度：60%\n完成：完成征迁协议签订3户\n问题：管线迁改滞后")
    await harness.feed(message_update(msg))
    [report] = reports(harness)
    assert (report.chat_id, report.message_id, report.progress) == (GROUP.id, msg.message_id, 60)
    with harness.db.session(write=False) as s:
        items = [(i.kind, i.text) for i in s.exec(select(ReportItem))]
    assert items == [("done", "完成征迁协议签订3户"), ("problem", "管线迁改滞后")]
    [reaction] = harness.request.sent("setMessageReaction")
    assert reaction.params["message_id"] == msg.message_id
    assert harness.texts() == []


async def test_same_update_twice_makes_one_report(harness) -> None:
    await setup_project(harness)
    update = message_update(make_message(GROUP, CADRE, "今天 #日报 推进拆迁"))
    await harness.feed(update)
    await harness.feed(update)
    assert len(reports(harness)) == 1
    assert len(harness.request.sent("setMessageReaction")) == 1


async def test_edit_updates_the_report_and_keeps_its_date(harness) -> None:
    await setup_project(harness)
    posted = datetime.now(UTC) - timedelta(days=1)
    msg = make_message(GROUP, CADRE, "#日报 进度：10%", date=posted)
    await harness.feed(message_update(msg))
    first_date = reports(harness)[0].local_date
    await harness.feed(edit_of(msg, "#日报\n进度：30%\n完成：桩基完成"))
    [report] = reports(harness)
    assert report.local_date == first_date and report.progress == 30
    assert report.edited_at is not None


async def test_unregistered_poster_gets_one_hint_a_day(harness) -> None:
    await setup_project(harness, cadres=())
    stranger = make_user(3001, "李四")
    await harness.feed(message_update(make_message(GROUP, stranger, "#日报 今天巡查")))
    await harness.feed(message_update(make_message(GROUP, stranger, "#日报 再发一次")))
    texts = harness.texts(GROUP.id)
    assert len(texts) == 1 and "/register" in texts[0]
    assert reports(harness) == []


async def test_chatter_is_never_answered(harness) -> None:
    await setup_project(harness)
    await harness.feed(message_update(make_message(GROUP, make_user(3002, "王五"), "大家好")))
    assert harness.request.calls == []
