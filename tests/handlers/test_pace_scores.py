"""实绩 means the same over a week and a quarter (SPEC §8): 完成 lines count per working day
against the scope's median pace, so a diligent, well-graded cadre is not 一般 in a short
period nor in a long one; and 三期管理 follows the grade /scores shows for the closed period."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from core.common.calendar import workdays
from storage.tables import Membership, Person, Project, StageEntry
from tests.auxil.cast import ADMIN, setup_project
from tests.auxil.district import fill_reports
from tests.auxil.factories import make_group, make_user, private
from tests.auxil.order_world import say

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite and PostgreSQL

GROUP = make_group(-100556, "攻坚项目群")
CADRES = [make_user(7101 + i, name) for i, name in enumerate(("甲", "乙", "丙", "丁"))]
SPANS = {"week": (date(2025, 10, 13), date(2025, 10, 17)),
         "quarter": (date(2025, 7, 1), date(2025, 9, 30))}
GRADES = {"甲": 95, "乙": 70, "丙": 60, "丁": 40}
ROW = re.compile(r"<b>(\S+)</b>（城南快速路） 综合 ([\d.]+) / 100 · (\S+)")


async def a_period(h, start: date, end: date) -> None:  # type: ignore[no-untyped-def]
    """甲 reports every working day with one 完成 line; 乙 every day without one; 丙 every
    other day with one; 丁 never."""
    await setup_project(h, group=GROUP, cadres=CADRES)
    with h.db.session() as s:
        for member in s.exec(select(Membership)):
            member.joined_at = datetime(2025, 6, 1, tzinfo=UTC)
            s.add(member)
        project = s.exec(select(Project)).one()
        people = {p.name: p for p in s.exec(select(Person))}
        days = workdays(start, end)
        fill_reports(s, people["甲"], project, days, items=1, chat_id=GROUP.id)
        fill_reports(s, people["乙"], project, days, items=0, chat_id=GROUP.id)
        fill_reports(s, people["丙"], project, days[::2], items=1, chat_id=GROUP.id)
    await h.feed(say(private(ADMIN), ADMIN, f"/period open 攻坚 {start} {end} 城南快速路"))
    for name, value in GRADES.items():
        await h.feed(say(private(ADMIN), ADMIN, f"/grade {name} {value}"))


async def graded(h, text: str) -> dict[str, tuple[float, str]]:  # type: ignore[no-untyped-def]
    h.request.clear()
    await h.feed(say(private(ADMIN), ADMIN, text))
    found = {name: (float(value), grade)
             for name, value, grade in ROW.findall("\n".join(h.request.texts(ADMIN.id)))}
    assert sorted(found) == sorted(GRADES), h.request.texts(ADMIN.id)
    return found


@pytest.mark.parametrize("span", SPANS)
async def test_a_diligent_well_graded_cadre_is_not_fair_in_a_short_or_a_long_period(
        harness, span) -> None:
    await a_period(harness, *SPANS[span])
    live = await graded(harness, "/scores 城南快速路")
    assert live["甲"][1] != "一般" and live["甲"][0] >= 85, live
    assert live["甲"][0] > live["丙"][0] > live["丁"][0]
    h = harness
    await h.feed(say(private(ADMIN), ADMIN, "/period close 攻坚"))
    frozen = await graded(h, "/scores 城南快速路 攻坚")
    assert frozen == live  # nothing changed in between: the close froze what /scores showed
    with h.db.session(write=False) as s:
        staged = {p.name for _e, p in s.exec(select(StageEntry, Person).join(
            Person, Person.id == StageEntry.person_id))}
    assert staged == {name for name, (_v, grade) in frozen.items() if grade == "一般"}
    assert "甲" not in staged


async def test_the_same_pace_scores_the_same_over_a_week_and_a_quarter(harness) -> None:
    """甲's 实绩 is full at one 完成 line a working day in either period length."""

    async def achievement() -> str:
        harness.request.clear()
        await harness.feed(say(private(ADMIN), ADMIN, "/scores 城南快速路"))
        text = "\n".join(harness.request.texts(ADMIN.id))
        return re.search(r"<b>甲</b>.*?实绩 ([\d.]+)", text, re.S)[1]

    await a_period(harness, *SPANS["week"])
    week = await achievement()
    await harness.feed(say(private(ADMIN), ADMIN, "/period close 攻坚"))
    start, end = SPANS["quarter"]
    with harness.db.session() as s:
        project = s.exec(select(Project)).one()
        jia = s.exec(select(Person).where(Person.name == "甲")).one()
        fill_reports(s, jia, project, workdays(start, end), items=1, chat_id=GROUP.id)
    await harness.feed(say(private(ADMIN), ADMIN, f"/period open 攻坚二 {start} {end} 城南快速路"))
    assert (week, await achievement()) == ("100.0", "100.0")
