"""One record of a cadre's working days, the same in every view (core.reporting.attendance).

October 2025: 国庆 and 中秋 off from the 1st to the 8th, Saturday the 11th a 调休 working day
(18 working days). Five cadres with on-time, late, back-filled, leave and missing days; one
registered today who back-filled four days. /summary, /scores, /ranking, /cadre, /dossier,
/export, the chart's days and the examiners' digest print the same numbers for each, and /my
and /summary agree on this month."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from core.common.calendar import workdays
from core.reporting import attendance
from scheduler.limits import Limits
from storage.tables import Membership, Person, Project
from tests.auxil.cast import ADMIN, setup_project
from tests.auxil.factories import make_group, make_message, make_user, message_update, private

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite and PostgreSQL

TZ = ZoneInfo("Asia/Shanghai")
GROUP = make_group(-100555, "一线项目群")
JIA, YI, BING, DING, WU = (make_user(7001 + i, name) for i, name in
                           enumerate(("甲", "乙", "丙", "丁", "戊")))
OCT = workdays(date(2025, 10, 1), date(2025, 10, 31))
LATE_OCT = [date(2025, 10, d) for d in (27, 28, 29, 30)]
# (on time, late, missing, leave) over October 2025
TRUTH = {"甲": (18, 0, 0, 0), "乙": (4, 3, 7, 4), "丙": (0, 0, 0, 18), "丁": (0, 4, 0, 0),
         "戊": (0, 0, 18, 0)}


def say(chat, user, text: str, at: datetime | None = None):  # type: ignore[no-untyped-def]
    return message_update(make_message(chat, user, text, date=at) if at else
                          make_message(chat, user, text))


def posted(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), TZ).astimezone(UTC)


async def october(h) -> None:  # type: ignore[no-untyped-def]
    await setup_project(h, group=GROUP, cadres=(JIA, YI, BING, DING, WU))
    with h.db.session() as s:  # all but 丁 (registered today) joined in September
        for member, person in s.exec(select(Membership, Person)
                                     .join(Person, Person.id == Membership.person_id)):
            if person.name != "丁":
                member.joined_at = datetime(2025, 9, 1, 1, tzinfo=UTC)
                s.add(member)
    admin = private(ADMIN)
    await h.feed(say(admin, ADMIN, "/period open 国庆月 2025-10-01 2025-10-31 城南快速路"))
    await h.feed(say(admin, ADMIN, "/leave 乙 2025-10-20 2025-10-24 出差"),
                 say(admin, ADMIN, "/leave 丙 2025-10-01 2025-10-31 借调"))
    updates = [say(GROUP, JIA, f"#日报 完成：第{d.day}天的事", posted(d, 10)) for d in OCT]
    updates.append(say(GROUP, JIA, "#日报 假期值班", posted(date(2025, 10, 3), 10)))  # holiday
    updates += [say(GROUP, YI, "#日报 完成：按时", posted(date(2025, 10, d), 9))
                for d in (9, 10, 11, 22)]  # the 22nd while away: it counts
    updates += [say(GROUP, YI, "#日报 完成：晚了", posted(date(2025, 10, d), 21)) for d in (13, 14)]
    updates.append(say(GROUP, YI, "/daily 2025-10-15 完成：补报"))  # back-filled: late
    updates += [say(GROUP, DING, f"/daily {d} 完成：补报") for d in LATE_OCT]
    await h.feed(*updates)
    h.request.clear()
    h.runtime.sender.limits = Limits(chat_gap=0.0)  # October's 👌 spent the group's minute


async def ask(h, text: str) -> str:  # type: ignore[no-untyped-def]
    h.request.clear()
    await h.feed(say(private(ADMIN), ADMIN, text))
    return "\n".join(h.request.texts(ADMIN.id))


def blocks(text: str) -> dict[str, str]:
    """Each cadre's part of an answer, by name."""
    found = {}
    for name in TRUTH:
        match = re.search(rf"<b>{name}</b>(.*?)(?=<b>[甲乙丙丁戊]</b>|\Z)", text, re.S)
        assert match, (name, text)
        found[name] = match[1]
    return found


def rate(on_time: int, late: int, missing: int) -> str:
    """The reporting-rate line the review screens print."""
    due = on_time + late + missing
    if not due:
        return "报送率 —（没有应报的工作日）"
    return (f"报送率 {round((on_time + late) * 100 / due)}%（按时 {on_time} · 迟报 {late} · "
            f"未报 {missing}，共 {due} 个工作日）")


def reported(name: str) -> tuple[int, int]:
    on_time, late, missing, _leave = TRUTH[name]
    return on_time + late, on_time + late + missing


async def test_every_view_prints_the_same_working_days_for_each_cadre(harness) -> None:
    h = harness
    await october(h)
    summary = blocks(await ask(h, "/summary 城南快速路 period"))
    for name, (on_time, late, missing, leave) in TRUTH.items():
        assert rate(on_time, late, missing) + (f" · 请假 {leave} 天" if leave else "") \
            in summary[name], name
    scores = blocks(await ask(h, "/scores 城南快速路"))
    ranking = await ask(h, "/ranking 城南快速路")
    for name in TRUTH:
        done, due = reported(name)
        assert f"报送 {done}/{due} 个工作日" in scores[name], name
        share = f"{100 * done / due:.0f}%" if due else "—%"
        assert f"{name} " in ranking and f"· 报送率 {share}（{done}/{due} 天）" in ranking.split(
            f"{name} ", 1)[1].split("\n", 1)[0], (name, ranking)
        assert f"报送率 {share}（报了 {done} / {due} 个工作日）" in await ask(h, f"/cadre {name}")
    assert "丁" in scores and "报送 0/0" not in scores["丁"]
    await h.feed(say(private(ADMIN), ADMIN, "/export 城南快速路 国庆月"))
    [(_name, data)] = h.request.documents(chat_id=ADMIN.id)
    sheet = load_workbook(io.BytesIO(data))["辛苦指数量化评估表"]
    header, *rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    columns = [header.index(c) for c in ("应报工作日", "已报工作日", "按时", "迟报", "未报", "请假")]
    printed = {row[0]: tuple(row[i] for i in columns) for row in rows}
    assert printed == {name: (on + late + miss, on + late, on, late, miss, leave)
                       for name, (on, late, miss, leave) in TRUTH.items()}
    for name in TRUTH:
        h.request.clear()
        await h.feed(say(private(ADMIN), ADMIN, f"/dossier {name}"))
        html = dict(h.request.documents(chat_id=ADMIN.id))[f"{name}-履职档案.html"].decode()
        done, due = reported(name)
        assert f"<b>2025-10</b>：报送 {done}/{due} 个工作日" in html, name


async def test_the_chart_and_the_digest_count_the_same_days(harness) -> None:
    h = harness
    await october(h)
    with h.db.session(write=False) as s:
        project = s.exec(select(Project)).one()
        cadres = {p.id: (m.joined_at.astimezone(TZ).date(), p.name) for m, p in s.exec(
            select(Membership, Person).join(Person, Person.id == Membership.person_id))}
        joined = {pid: day for pid, (day, _n) in cadres.items()}
        per_day = attendance.daily(s, joined, project_ids=[project.id], start=OCT[0],
                                   end=OCT[-1])
        per_cadre = attendance.records(s, joined, project_ids=[project.id], start=OCT[0],
                                       end=OCT[-1])
    assert sorted(per_day) == OCT  # the chart's columns: working days only, 调休 Saturday in
    assert sum(per_day.values(), attendance.DayRecord()) == sum(per_cadre.values(),
                                                                attendance.DayRecord())
    assert {cadres[pid][1]: (r.on_time, r.late, r.missing, r.leave)
            for pid, r in per_cadre.items()} == TRUTH
    # the examiners' digest of the week of 6–12 October: 9, 10 and the 调休 11th worked;
    # 甲 and 乙 reported all three, 丙 away, 丁 not yet there, 戊 none: 6 of 9
    await h.runtime.runner.run(datetime(2025, 10, 13, 9, 30, tzinfo=TZ),
                               jobs=("examiner-digest",), live=False)
    await h.runtime.settle()
    digest = "\n".join(h.request.texts(ADMIN.id))
    assert "（干部 5 人）报送 6/9" in digest, digest


async def test_my_and_the_month_summary_agree_for_a_cadre_registered_today(harness) -> None:
    h = harness
    await october(h)
    today = datetime.now(TZ).date()
    earlier = [d for d in workdays(today.replace(day=1), today) if d < today][:2]
    await h.feed(*[say(GROUP, DING, f"/daily {d} 完成：本月补报") for d in earlier])
    h.request.clear()
    await h.feed(say(private(DING), DING, "/my"))
    mine = h.request.texts(DING.id)[-1]
    month = blocks(await ask(h, "/summary 城南快速路 month"))["丁"]
    # the days before joining count only where reported; today counts from joining (missing
    # until reported, if a working day), in both
    n, due = len(earlier), len(workdays(today, today))
    if n + due:
        assert f"本月{rate(0, n, due)}" in mine and rate(0, n, due) in month
    else:
        assert "本月报送率" not in mine
