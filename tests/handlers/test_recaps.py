"""周/月梳理 answers through the real Application and the inbox: #周报, #月报, /weekly, /monthly."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from core.reporting.recaps import period_key, tagged_kind
from storage.tables import DailyReport, Recap
from tests.auxil.cast import ADMIN, CADRE, GROUP, setup_project
from tests.auxil.factories import (
    button_press,
    edit_of,
    make_group,
    make_message,
    make_user,
    message_update,
    private,
)

# Sunday 15 November 2026, 17:00 UTC, is already Monday the 16th (ISO week 47) in Shanghai.
MONDAY_IN_SHANGHAI = datetime(2026, 11, 15, 17, 0, tzinfo=UTC)
# Saturday 31 October 2026, 16:30 UTC, is already 1 November in Shanghai.
NOVEMBER_IN_SHANGHAI = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)


def summaries(h) -> list[Recap]:
    with h.db.session(write=False) as s:
        return list(s.exec(select(Recap).order_by(Recap.id)))


def say(chat, user, text, **kw):
    return message_update(make_message(chat, user, text, **kw))


# --- pure rules -----------------------------------------------------------------------------


def test_period_key_is_the_iso_week_or_the_month() -> None:
    assert period_key("weekly", datetime(2027, 1, 2).date()) == "2026-W53"
    assert period_key("monthly", datetime(2027, 1, 2).date()) == "2027-01"


def test_tagged_kind_follows_the_first_tag() -> None:
    assert tagged_kind("本月 #月报，附 #周报") == "monthly"
    assert tagged_kind("#周报 本周") == "weekly"
    assert tagged_kind("#日报 今天") is None


# --- recording ------------------------------------------------------------------------------


async def test_weekly_hashtag_is_stored_under_the_local_iso_week(harness) -> None:
    await setup_project(harness)
    msg = make_message(GROUP, CADRE, "#周报\n本周完成征迁签约5户", date=MONDAY_IN_SHANGHAI)
    await harness.feed(message_update(msg))
    [row] = summaries(harness)
    assert (row.kind, row.period_key, row.chat_id, row.message_id) == (
        "weekly", "2026-W47", GROUP.id, msg.message_id)
    assert row.text == "#周报\n本周完成征迁签约5户"


async def test_monthly_hashtag_is_stored_under_the_local_month(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, CADRE, "#月报 十月小结", date=NOVEMBER_IN_SHANGHAI))
    [row] = summaries(harness)
    assert (row.kind, row.period_key) == ("monthly", "2026-11")


async def test_weekly_command_in_the_group_stores_the_text_after_it(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, CADRE, "/weekly 本周小结\n下周计划：收尾"))
    [row] = summaries(harness)
    assert (row.kind, row.text) == ("weekly", "本周小结\n下周计划：收尾")


async def test_summary_is_acknowledged_with_a_reaction(harness) -> None:
    await setup_project(harness)
    msg = make_message(GROUP, CADRE, "#周报 本周小结")
    await harness.feed(message_update(msg))
    [reaction] = harness.request.sent("setMessageReaction")
    assert reaction.params["message_id"] == msg.message_id
    assert harness.texts() == []


async def test_replayed_message_is_stored_once(harness) -> None:
    await setup_project(harness)
    msg = make_message(GROUP, CADRE, "#周报 本周小结")
    await harness.feed(message_update(msg))
    await harness.feed(message_update(msg))  # the same message under a new update id
    assert len(summaries(harness)) == 1
    assert len(harness.request.sent("setMessageReaction")) == 1


async def test_message_with_a_daily_tag_is_a_daily_report_not_a_summary(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, CADRE, "#日报 今天整理了 #周报 材料"))
    assert summaries(harness) == []
    with harness.db.session(write=False) as s:
        assert len(list(s.exec(select(DailyReport)))) == 1


async def test_weekly_without_text_gets_the_usage_line(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, CADRE, "/weekly"))
    assert "/weekly" in harness.last() and summaries(harness) == []


# --- edits ----------------------------------------------------------------------------------


async def test_edit_updates_the_summary_text_and_keeps_its_period(harness) -> None:
    await setup_project(harness)
    msg = make_message(GROUP, CADRE, "#周报 初稿", date=MONDAY_IN_SHANGHAI)
    await harness.feed(message_update(msg))
    await harness.feed(edit_of(msg, "#周报 定稿"))
    [row] = summaries(harness)
    assert (row.text, row.period_key) == ("#周报 定稿", "2026-W47")
    assert row.edited_at is not None


async def test_edit_of_a_weekly_command_updates_the_text(harness) -> None:
    await setup_project(harness)
    msg = make_message(GROUP, CADRE, "/weekly 初稿")
    await harness.feed(message_update(msg))
    await harness.feed(edit_of(msg, "/weekly 定稿"))
    [row] = summaries(harness)
    assert row.text == "定稿"


async def test_edit_switching_the_tag_moves_the_answer_to_the_month(harness) -> None:
    await setup_project(harness)
    msg = make_message(GROUP, CADRE, "#周报 其实是月报", date=NOVEMBER_IN_SHANGHAI)
    await harness.feed(message_update(msg))
    await harness.feed(edit_of(msg, "#月报 其实是月报"))
    [row] = summaries(harness)
    assert (row.kind, row.period_key) == ("monthly", "2026-11")


async def test_edit_dropping_the_tag_withdraws_the_summary(harness) -> None:
    await setup_project(harness)
    msg = make_message(GROUP, CADRE, "#周报 发错了")
    await harness.feed(message_update(msg))
    await harness.feed(edit_of(msg, "发错了"))
    assert summaries(harness) == []


async def test_edit_adding_the_tag_records_the_summary(harness) -> None:
    await setup_project(harness)
    msg = make_message(GROUP, CADRE, "本周小结")
    await harness.feed(message_update(msg))
    await harness.feed(edit_of(msg, "#周报 本周小结"))
    [row] = summaries(harness)
    assert row.message_id == msg.message_id
    assert len(harness.request.sent("setMessageReaction")) == 1


async def test_daily_report_edits_still_work(harness) -> None:
    await setup_project(harness)
    msg = make_message(GROUP, CADRE, "#日报\n进度：10%")
    await harness.feed(message_update(msg))
    await harness.feed(edit_of(msg, "#日报\n进度：30%"))
    with harness.db.session(write=False) as s:
        [report] = s.exec(select(DailyReport))
    assert report.progress == 30 and summaries(harness) == []


# --- who may answer -------------------------------------------------------------------------


async def test_unregistered_poster_gets_one_register_hint_a_day(harness) -> None:
    await setup_project(harness, cadres=())
    stranger = make_user(3001, "李四")
    await harness.feed(say(GROUP, stranger, "#周报 本周小结"))
    await harness.feed(say(GROUP, stranger, "#月报 本月小结"))
    texts = harness.texts(GROUP.id)
    assert len(texts) == 1 and "/register" in texts[0]
    assert summaries(harness) == []


async def test_unbound_group_gets_the_bind_hint(harness) -> None:
    await setup_project(harness)
    other = make_group(-100555, "闲聊群")
    await harness.feed(say(other, CADRE, "#周报 本周小结"))
    assert "/bind" in harness.last(other.id) and summaries(harness) == []


# --- private chats --------------------------------------------------------------------------


async def test_monthly_in_private_is_filed_to_the_only_project(harness) -> None:
    await setup_project(harness)
    msg = make_message(private(CADRE), CADRE, "/monthly 本月小结", date=NOVEMBER_IN_SHANGHAI)
    await harness.feed(message_update(msg))
    [row] = summaries(harness)
    assert (row.kind, row.period_key, row.chat_id, row.text) == (
        "monthly", "2026-11", CADRE.id, "本月小结")
    [reaction] = harness.request.sent("setMessageReaction")
    assert reaction.params["message_id"] == msg.message_id


async def test_weekly_in_private_for_two_projects_asks_which(harness) -> None:
    await setup_project(harness)
    other = make_group(-100999, "北区学校群")
    await harness.feed(say(private(ADMIN), ADMIN, "/project add 项目建设 北区学校"))
    await harness.feed(say(other, ADMIN, "/bind 北区学校"))
    await harness.feed(say(other, CADRE, "/register 张三 职务0"))
    harness.request.clear()
    question = make_message(private(CADRE), CADRE, "/weekly 两个项目的小结")
    await harness.feed(message_update(question))
    [ask] = harness.request.sent()
    buttons = ask.params["reply_markup"]["inline_keyboard"]
    assert [b[0]["text"] for b in buttons] == ["北区学校", "城南快速路"]
    assert summaries(harness) == []
    await harness.feed(button_press(CADRE, question, buttons[0][0]["callback_data"]))
    [row] = summaries(harness)
    assert row.text == "两个项目的小结" and row.chat_id == CADRE.id
    [edited] = harness.request.sent("editMessageText")
    assert "北区学校" in edited.params["text"]


async def test_weekly_in_private_from_a_stranger_is_refused(harness) -> None:
    await setup_project(harness)
    stranger = make_user(3005, "路人")
    await harness.feed(say(private(stranger), stranger, "/weekly 本周小结"))
    assert harness.texts(stranger.id) and summaries(harness) == []
