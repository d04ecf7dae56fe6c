"""Commands through the real Application and the inbox: roles, projects, people, review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.tables import Chat, DailyReport, Leave, Membership, Person
from tests.auxil.cast import ADMIN, CADRE, EXAMINER, GROUP, setup_project
from tests.auxil.factories import (
    button_press,
    make_group,
    make_message,
    make_user,
    member_left,
    message_update,
    private,
)
from tests.conftest import ADMIN_ID


def say(chat, user, text, **kw):
    return message_update(make_message(chat, user, text, **kw))


def rows(h, model, *where):
    with h.db.session(write=False) as s:
        return list(s.exec(select(model).where(*where)))


async def test_cadre_cannot_use_admin_commands(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(private(CADRE), CADRE, "/domain add 乡村振兴"))
    assert "仅限管理员" in harness.last()


async def test_grant_examiner_by_id_creates_the_person(harness) -> None:
    await harness.feed(say(private(ADMIN), ADMIN, "/grant examiner 4001"))
    assert "考察员" in harness.last()
    [person] = rows(harness, Person, Person.tg_id == 4001)
    assert person.is_examiner


async def test_examiner_limited_to_a_project_cannot_see_another(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(private(ADMIN), ADMIN, "/project add 项目建设 北区学校"))
    await harness.feed(say(private(ADMIN), ADMIN, "/grant examiner 4001 北区学校"))
    await harness.feed(say(private(EXAMINER), EXAMINER, "/summary 城南快速路"))
    assert "无权查看" in harness.last()


async def test_revoke_refuses_an_admin_from_settings(harness) -> None:
    await harness.feed(say(private(ADMIN), ADMIN, f"/revoke admin {ADMIN_ID}"))
    assert "FRONTLINE_ADMINS" in harness.last()


async def test_project_show_gives_the_join_link(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(private(ADMIN), ADMIN, "/project show 城南快速路"))
    text = harness.last()
    assert "https://t.me/frontline_bot?start=j_" in text and "张三" in text


async def test_join_link_then_name_and_post_registers_the_cadre(harness) -> None:
    await setup_project(harness, cadres=())
    await harness.feed(say(private(ADMIN), ADMIN, "/project show 城南快速路"))
    token = harness.last().split("start=j_")[1].split()[0]
    newcomer = make_user(5001, "赵六")
    await harness.feed(say(private(newcomer), newcomer, f"/start j_{token}"))
    assert "姓名 职务" in harness.last()
    await harness.feed(say(private(newcomer), newcomer, "赵六 县发改委主任科员"))
    assert "已登记" in harness.last()
    [person] = rows(harness, Person, Person.tg_id == 5001)
    assert (person.name, person.post, person.reachable) == ("赵六", "县发改委主任科员", True)


async def test_bad_join_token_gets_one_line(harness) -> None:
    await harness.feed(say(private(CADRE), CADRE, "/start j_nope"))
    assert "链接无效" in harness.last()
    await harness.feed(say(private(CADRE), CADRE, "/start j_<script>"))
    assert "链接无效" in harness.last()


async def test_bind_warns_when_the_bot_cannot_read_the_group(harness) -> None:
    harness.request.bot["can_read_all_group_messages"] = False
    await harness.runtime.app.bot.initialize()  # getMe again
    harness.runtime.app.bot._bot_user = None
    await harness.runtime.app.bot.get_me()
    await setup_project(harness, cadres=())
    await harness.feed(say(GROUP, ADMIN, "/bind 城南快速路"))
    assert "隐私模式" in harness.last()


async def test_daily_in_private_for_two_projects_asks_which(harness) -> None:
    await setup_project(harness)
    other = make_group(-100999, "北区学校群")
    await harness.feed(say(private(ADMIN), ADMIN, "/project add 项目建设 北区学校"))
    await harness.feed(say(other, ADMIN, "/bind 北区学校"))
    await harness.feed(say(other, CADRE, "/register 张三 职务0"))
    harness.request.clear()
    question = make_message(private(CADRE), CADRE, "/daily 完成：两个项目都跑了\n计划：明天开会")
    await harness.feed(message_update(question))
    [ask] = harness.request.sent()
    buttons = ask.params["reply_markup"]["inline_keyboard"]
    assert [b[0]["text"] for b in buttons] == ["北区学校", "城南快速路"]
    assert rows(harness, DailyReport) == []
    await harness.feed(button_press(CADRE, question, buttons[1][0]["callback_data"]))
    [report] = rows(harness, DailyReport)
    assert report.chat_id == CADRE.id and report.text.endswith("计划：明天开会")


async def test_forged_button_is_refused(harness) -> None:
    await setup_project(harness)
    msg = make_message(private(CADRE), CADRE, "/daily x")
    await harness.feed(button_press(CADRE, msg, "d:1:1:0000000000"))
    [answer] = harness.request.sent("answerCallbackQuery")
    assert "失效" in answer.params["text"]


async def test_backfill_is_counted_late(harness) -> None:
    await setup_project(harness)
    day = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()
    await harness.feed(say(GROUP, CADRE, f"/daily {day} 完成：补报的工作"))
    [report] = rows(harness, DailyReport)
    assert report.local_date.isoformat() == day and not report.on_time and report.backfilled
    assert "补记" in harness.last()


async def test_future_backfill_changes_nothing(harness) -> None:
    await setup_project(harness)
    day = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    await harness.feed(say(GROUP, CADRE, f"/daily {day} 完成：未来"))
    assert rows(harness, DailyReport) == [] and "未来" in harness.last()


async def test_undo_withdraws_only_ones_own_report(harness) -> None:
    await setup_project(harness, cadres=(CADRE, make_user(2002, "李四")))
    report_msg = make_message(GROUP, CADRE, "#日报 巡查")
    await harness.feed(message_update(report_msg))
    await harness.feed(say(GROUP, make_user(2002, "李四"), "/undo", reply_to=report_msg))
    assert "只能撤回自己的" in harness.last()
    await harness.feed(say(GROUP, CADRE, "/undo", reply_to=report_msg))
    [report] = rows(harness, DailyReport)
    assert report.withdrawn and "已撤回" in harness.last()


async def test_summary_lists_every_done_and_problem_line(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, CADRE, "#日报\n进度：40%\n完成：签约3户\n完成：清表2亩\n问题：资金未到位"))
    await harness.feed(say(private(ADMIN), ADMIN, "/summary 城南快速路 today"))
    text = harness.last()
    for part in ("张三", "进度 40%", "签约3户", "清表2亩", "资金未到位"):
        assert part in text


async def test_summary_in_a_bound_group_defaults_to_its_project(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, ADMIN, "/summary week"))
    assert "城南快速路" in harness.last() and "本周" in harness.last()


async def test_summary_with_a_bad_window_gets_usage(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(private(ADMIN), ADMIN, "/summary 城南快速路 2026-13"))
    assert "时间范围" in harness.last()


async def test_cadre_cannot_read_summaries(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(private(CADRE), CADRE, "/summary"))
    assert "仅限考察员" in harness.last()


async def test_leave_for_oneself_and_for_others(harness) -> None:
    await setup_project(harness, cadres=(CADRE, make_user(2002, "李四", "lisi")))
    await harness.feed(say(GROUP, CADRE, "/leave 2026-11-23 2026-11-25 出差 省厅培训"))
    assert "出差" in harness.last()
    await harness.feed(say(GROUP, CADRE, "/leave @lisi 2026-11-23 2026-11-25"))
    assert "只有考察员和管理员" in harness.last()
    await harness.feed(say(private(ADMIN), ADMIN, "/leave 张三 2026-12-01 2026-11-25"))
    assert "早于" in harness.last()
    assert len(rows(harness, Leave)) == 1


async def test_my_shows_recent_reports(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, CADRE, "#日报 进度：20% 今天跑手续"))
    await harness.feed(say(private(CADRE), CADRE, "/my"))
    assert "近期动态" in harness.last() and "跑手续" in harness.last()


async def test_migration_to_supergroup_keeps_binding_and_reports(harness) -> None:
    old = make_group(-4242, "老群", type_="group")
    await setup_project(harness, group=old)
    await harness.feed(say(old, CADRE, "#日报 迁移前"))
    new = make_group(-1004242, "老群")
    await harness.feed(message_update(make_message(old, ADMIN, None, migrate_to_chat_id=new.id)))
    await harness.feed(say(new, CADRE, "#日报 迁移后"))
    chats = {c.id: c for c in rows(harness, Chat)}
    assert chats[new.id].project_id is not None and chats[old.id].project_id is None
    assert chats[old.id].migrated_to == new.id and chats[new.id].migrated_from == old.id
    assert sorted(r.chat_id for r in rows(harness, DailyReport)) == [new.id, old.id]


async def test_member_leaving_stops_counting_them(harness) -> None:
    await setup_project(harness)
    await harness.feed(member_left(GROUP, CADRE))
    [membership] = rows(harness, Membership)
    assert not membership.active


async def test_bot_removed_from_group_is_recorded(harness) -> None:
    await setup_project(harness)
    await harness.feed(member_left(GROUP, ADMIN, bot=True))
    [chat] = rows(harness, Chat)
    assert chat.bot_status == "left"


async def test_unknown_command_in_private_gets_one_line(harness) -> None:
    await harness.feed(say(private(CADRE), CADRE, "/frobnicate"))
    assert "/help" in harness.last()


async def test_unknown_command_in_a_group_for_another_bot_is_ignored(harness) -> None:
    await harness.feed(say(GROUP, CADRE, "/frobnicate"))
    assert harness.texts() == []


async def test_help_depends_on_role(harness) -> None:
    await harness.feed(say(private(CADRE), CADRE, "/help"))
    assert "/grant" not in harness.last()
    await harness.feed(say(private(ADMIN), ADMIN, "/help"))
    assert "/grant" in harness.last()


async def test_a_refused_command_writes_nothing(harness) -> None:
    await harness.feed(say(private(ADMIN), ADMIN, "/grant examiner 4999 不存在的项目"))
    assert "不存在的项目" in harness.last()
    assert rows(harness, Person, Person.tg_id == 4999) == []


async def test_oversized_name_gets_one_line(harness) -> None:
    await setup_project(harness, cadres=())
    await harness.feed(say(GROUP, CADRE, "/register " + "长" * 40 + " 职务"))
    assert "太长" in harness.last()
    assert rows(harness, Person, Person.tg_id == CADRE.id) == []


async def test_a_stranger_gets_at_most_one_answer_a_day(harness) -> None:
    stranger = make_user(3003, "路人")
    for text in ("/foo", "/summary", "/my"):
        await harness.feed(say(private(stranger), stranger, text))
    assert len(harness.texts(stranger.id)) == 1


async def test_odd_digits_and_huge_ids_get_one_line(harness) -> None:
    await setup_project(harness)
    for text in ("/milestone done ²", "/grant examiner ²", "/grant examiner 99999999999999999999999"):
        await harness.feed(say(private(ADMIN), ADMIN, text))
    assert len(harness.texts(ADMIN.id)) == 3
    assert not any("出错" in t for t in harness.texts(ADMIN.id))


async def test_a_long_argument_is_cut_in_the_error_line(harness) -> None:
    await harness.feed(say(private(ADMIN), ADMIN, "/project show " + "项" * 3000))
    assert len(harness.last()) < 200


async def test_non_ascii_forged_button_is_refused(harness) -> None:
    await setup_project(harness)
    msg = make_message(private(CADRE), CADRE, "/daily x")
    await harness.feed(button_press(CADRE, msg, "d:1:中"))
    [answer] = harness.request.sent("answerCallbackQuery")
    assert "失效" in answer.params["text"]


async def test_undone_report_stays_withdrawn_after_an_edit(harness) -> None:
    from tests.auxil.factories import edit_of

    await setup_project(harness)
    report_msg = make_message(GROUP, CADRE, "#日报 巡查")
    await harness.feed(message_update(report_msg))
    await harness.feed(say(GROUP, CADRE, "/undo", reply_to=report_msg))
    await harness.feed(edit_of(report_msg, "#日报 巡查（改错字）"))
    [report] = rows(harness, DailyReport)
    assert report.withdrawn


async def test_full_width_digits_in_a_schedule_time_are_refused(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, ADMIN, "/schedule daily １９:００"))
    assert "HH:MM" in harness.last()
    [chat] = rows(harness, Chat, Chat.id == GROUP.id)
    assert chat.daily_time == "18:00"
    await harness.feed(say(GROUP, CADRE, "#日报 之后的动态"))
    assert len(rows(harness, DailyReport)) == 1


async def test_two_people_with_one_name_get_a_choice_that_reruns_the_command(harness) -> None:
    other = make_group(-100777, "北区学校群")
    namesake = make_user(2009, "张三")
    await setup_project(harness)
    await harness.feed(say(private(ADMIN), ADMIN, "/project add 项目建设 北区学校"))
    await harness.feed(say(other, ADMIN, "/bind 北区学校"))
    await harness.feed(say(other, namesake, "/register 张三 校长"))
    harness.request.clear()
    command = make_message(private(ADMIN), ADMIN, "/grant examiner 张三")
    await harness.feed(message_update(command))
    [question] = harness.request.sent()
    assert "有 2 位「张三」" in question.text
    assert "张三（校长 · 北区学校）" in question.text
    assert str(namesake.id) not in question.text and str(CADRE.id) not in question.text
    buttons = [b[0] for b in question.params["reply_markup"]["inline_keyboard"]]
    assert [b["text"] for b in buttons] == ["张三 · 职务0 · 城南快速路", "张三 · 校长 · 北区学校"]
    asked = make_message(private(ADMIN), harness.runtime.app.bot.bot, question.text,
                         reply_to=command)
    await harness.feed(button_press(ADMIN, asked, buttons[1]["callback_data"]))
    assert "考察员" in harness.last()
    [chosen] = rows(harness, Person, Person.tg_id == namesake.id)
    assert chosen.is_examiner
    assert not rows(harness, Person, Person.tg_id == CADRE.id)[0].is_examiner
    assert harness.request.sent("editMessageReplyMarkup")  # the buttons are gone
    await harness.feed(button_press(ADMIN, asked, buttons[0]["callback_data"]))  # pressed again
    assert "失效" in harness.request.sent("answerCallbackQuery")[-1].params["text"]
    assert not rows(harness, Person, Person.tg_id == CADRE.id)[0].is_examiner


async def test_only_the_asker_may_answer_which_person(harness) -> None:
    await setup_project(harness)
    command = make_message(private(ADMIN), ADMIN, "/grant examiner 张三")
    asked = make_message(private(ADMIN), harness.runtime.app.bot.bot, "?", reply_to=command)
    from core.common.buttons import sign
    data = sign(harness.runtime.settings.frontline_secret, "who", CADRE.id)
    await harness.feed(button_press(CADRE, asked, data))
    [answer] = harness.request.sent("answerCallbackQuery")
    assert "失效" in answer.params["text"]


async def test_bind_without_a_project_asks_with_buttons_and_the_press_binds(harness) -> None:
    await setup_project(harness, cadres=())
    new_group = make_group(-100555, "新群")
    command = make_message(new_group, ADMIN, "/bind")
    await harness.feed(message_update(command))
    [question] = harness.request.sent(chat_id=new_group.id)
    [[button]] = question.params["reply_markup"]["inline_keyboard"]
    assert button["text"] == "城南快速路"
    asked = make_message(new_group, harness.runtime.app.bot.bot, question.text, reply_to=command)
    await harness.feed(button_press(ADMIN, asked, button["callback_data"]))
    assert "已绑定" in harness.last(new_group.id)
    [chat] = rows(harness, Chat, Chat.id == new_group.id)
    assert chat.project_id is not None


async def test_milestone_done_without_an_id_lists_open_milestones(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(private(ADMIN), ADMIN, "/milestone add 城南快速路 300d 主线贯通"))
    harness.request.clear()
    command = make_message(private(ADMIN), ADMIN, "/milestone done")
    await harness.feed(message_update(command))
    [question] = harness.request.sent()
    [[button]] = question.params["reply_markup"]["inline_keyboard"]
    assert "主线贯通" in button["text"]
    asked = make_message(private(ADMIN), harness.runtime.app.bot.bot, question.text,
                         reply_to=command)
    await harness.feed(button_press(ADMIN, asked, button["callback_data"]))
    assert "已标记完成" in harness.last()
