"""What /summary, /my and the digests show of what cadres wrote (SPEC §4; issue: summaries)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.render import size
from core.common.calendar import week_bounds
from storage.tables import Chat, DailyReport, Membership, Person, Project, ReportItem
from tests.auxil.cast import ADMIN, CADRE, GROUP, setup_project
from tests.auxil.factories import make_group, make_message, make_user, message_update, private
from tests.auxil.statements import statements

LISI = make_user(2002, "李四", "lisi")


def say(chat, user, text, **kw):
    return message_update(make_message(chat, user, text, **kw))


async def summary(h, args: str = "城南快速路") -> list[str]:
    h.request.clear()
    await h.feed(say(private(ADMIN), ADMIN, f"/summary {args}"))
    return h.texts(ADMIN.id)


async def test_today_shows_a_free_text_report_as_written(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, CADRE, "#每日动态 上午到城南片区走访企业三家\n下午协调<供电>用地"))
    [text] = await summary(harness, "城南快速路 today")
    assert "上午到城南片区走访企业三家\n下午协调&lt;供电&gt;用地" in text


async def test_today_shows_structured_lines_instead_of_the_text(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, CADRE, "#日报 今天很忙\n进度：60%\n完成：签约3户\n计划：明天清表"))
    [text] = await summary(harness, "城南快速路 today")
    assert "完成：签约3户" in text and "计划：明天清表" in text and "进度 60%" in text
    assert "今天很忙" not in text


async def test_today_cuts_a_very_long_report_but_keeps_it(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, CADRE, "#日报 " + "征迁" * 3000))
    texts = await summary(harness, "城南快速路 today")
    assert any("征迁征迁…" in t for t in texts)
    assert all(size(t) <= 4096 for t in texts)


async def test_a_week_shows_the_date_and_first_line_of_free_text_reports(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, CADRE, "#每日动态\n\n  召开征迁推进会  \n第二行不显示"))
    [text] = await summary(harness, "城南快速路 week")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert f"{today.month}月{today.day}日 召开征迁推进会" in text
    assert "第二行不显示" not in text and "#每日动态" not in text


async def test_a_first_line_over_80_characters_is_cut(harness) -> None:
    await setup_project(harness)
    line = "".join(str(n % 10) for n in range(120))
    await harness.feed(say(GROUP, CADRE, f"#日报 {line}"))
    [text] = await summary(harness, "城南快速路 month")
    assert line[:80] + "…" in text and line[:81] not in text


async def test_a_structured_line_after_the_hashtag_is_an_achievement(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, CADRE, "#日报 完成：走访企业3家"))
    await harness.feed(say(private(CADRE), CADRE, "/daily #日报 问题：用地指标未落实"))
    [text] = await summary(harness, "城南快速路 week")
    assert "完成：" in text and "走访企业3家" in text
    assert "问题：" in text and "用地指标未落实" in text
    with harness.db.session(write=False) as s:
        kinds = sorted(i.kind for i in s.exec(select(ReportItem)))
    assert kinds == ["done", "problem"]


async def test_an_edit_to_a_one_line_structured_report_is_parsed(harness) -> None:
    await setup_project(harness)
    from tests.auxil.factories import edit_of
    msg = make_message(GROUP, CADRE, "#日报 走访")
    await harness.feed(message_update(msg))
    await harness.feed(edit_of(msg, "#日报 完成：走访企业5家"))
    [text] = await summary(harness, "城南快速路 week")
    assert "走访企业5家" in text


async def test_a_burst_in_one_second_shows_the_last_progress(harness) -> None:
    await setup_project(harness)
    second = datetime.now(UTC).replace(microsecond=0)
    for n in range(1, 61):
        await harness.feed(say(GROUP, CADRE, f"#日报\n进度：{n}%", date=second))
    [text] = await summary(harness, "城南快速路 today")
    assert re.search(r"张三</b>（职务0） 进度 60%", text)
    harness.request.clear()
    await harness.feed(say(private(CADRE), CADRE, "/my"))
    assert "最新进度 60%" in harness.last(CADRE.id)


async def test_a_long_summary_is_split_with_no_heading_left_alone(harness) -> None:
    await setup_project(harness, cadres=(CADRE, LISI))
    await harness.feed(say(GROUP, CADRE, "#日报 " + "甲" * 1400))
    await harness.feed(say(GROUP, LISI, "#日报\n" + "\n".join(f"完成：事项{n}" + "乙" * 60
                                                              for n in range(70))))
    parts = await summary(harness, "城南快速路 today")
    assert len(parts) > 1
    assert all(size(part) <= 4096 for part in parts)
    for part in parts[:-1]:  # a part never ends on a heading (a cadre's name)
        assert not part.rstrip().splitlines()[-1].startswith("<b>")
    for n in range(70):
        assert sum(f"事项{n}乙" in p for p in parts) == 1


async def test_a_5000_character_line_is_cut_between_characters(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, CADRE, "#日报\n完成：" + "&<" * 2500))
    parts = await summary(harness, "城南快速路 week")
    assert len(parts) >= 2 and all(size(p) <= 4096 for p in parts)
    joined = "".join(parts)
    assert joined.count("&amp;&lt;") == 2500  # no entity cut in two
    assert all(not re.search(r"&[a-z]*$", p) for p in parts)


async def test_private_summary_uses_the_project_timezone(harness) -> None:
    await setup_project(harness)
    now = datetime.now(UTC)
    shanghai = now.astimezone(ZoneInfo("Asia/Shanghai")).date()
    zone = next(z for z in ("Pacific/Kiritimati", "Pacific/Pago_Pago")
                if now.astimezone(ZoneInfo(z)).date() != shanghai)
    with harness.db.session() as s:
        chat = s.get(Chat, GROUP.id)
        chat.tz = zone
        s.add(chat)
    await harness.feed(say(GROUP, CADRE, "#日报 时区测试"))
    [text] = await summary(harness, "城南快速路 today")
    local = now.astimezone(ZoneInfo(zone)).date()
    assert f"今日 {local.isoformat()}" in text and "时区测试" in text


def _district(h, project: str, cadres: int, base_tg: int) -> None:
    """A project with its group and `cadres` cadres who reported every day of the month."""
    tz = ZoneInfo("Asia/Shanghai")
    today = datetime.now(tz).date()
    with h.db.session() as s:
        first = s.exec(select(Project)).first()
        item = Project(domain_id=first.domain_id, name=project, join_token=project)
        s.add(item)
        s.flush()
        s.add(Chat(id=-base_tg, title=project, project_id=item.id, tz=tz.key))
        message_id = 1
        for n in range(cadres):
            person = Person(tg_id=base_tg + n, name=f"{project}{n}", post="科员")
            s.add(person)
            s.flush()
            s.add(Membership(person_id=person.id, project_id=item.id,
                             joined_at=datetime(2026, 1, 1, tzinfo=UTC)))
            day = today.replace(day=1)
            while day <= today:
                report = DailyReport(
                    person_id=person.id, project_id=item.id, chat_id=-base_tg,
                    message_id=message_id, local_date=day, text="#日报 进展",
                    posted_at=datetime.combine(day, datetime.min.time(), tz) + timedelta(hours=9),
                    progress=n % 100 if n % 2 else None)
                s.add(report)
                s.flush()
                s.add(ReportItem(report_id=report.id, kind="done", text=f"事项{n}"))
                message_id += 1
                day += timedelta(days=1)




async def test_summary_month_costs_the_same_statements_for_5_and_50_cadres(harness) -> None:
    await setup_project(harness)
    _district(harness, "小项目", 5, 7_000_000)
    _district(harness, "大项目", 50, 8_000_000)
    small = await statements(harness, "/summary 小项目 month")
    big = await statements(harness, "/summary 大项目 month")
    assert small == big
    assert "大项目49" in harness.texts(ADMIN.id)[-1] or any(
        "大项目49" in t for t in harness.texts(ADMIN.id))


async def test_missing_and_my_cost_the_same_statements_for_5_and_50_cadres(harness) -> None:
    await setup_project(harness)
    _district(harness, "小项目", 5, 7_000_000)
    _district(harness, "大项目", 50, 8_000_000)
    assert await statements(harness, "/missing 小项目") == await statements(
        harness, "/missing 大项目")
    assert await statements(harness, "/summary 小项目 week") == await statements(
        harness, "/summary 大项目 week")


def test_week_bounds_sanity() -> None:
    monday, sunday = week_bounds(datetime(2026, 11, 18).date())
    assert (monday.day, sunday.day) == (16, 22)


_ = make_group  # the factory module's group helper is used by the imported setup
