"""core.review.prompts: who the daily nudge is for, and the weekly/monthly prompts' content (SPEC §5).

The dataset sits in November 2026 (Asia/Shanghai, no holidays): ISO week 47 runs Monday 16
to Sunday 22; the weekly window is Monday 16 to Friday 20, last week is 9-15.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from bot.render import Renderer
from core.reporting.posts import Clock, ReportMessage
from core.reporting.recaps import record as record_recap
from core.reporting.reports import record
from core.review.prompts import monthly_prompt, nudge_targets, weekly_prompt
from storage.db import Database
from storage.tables import Chat, DailyReport, Domain, Leave, Membership, Milestone, Person, Project

TZ = ZoneInfo("Asia/Shanghai")
ENV_ADMIN_TG = 9001
ADMINS = frozenset({ENV_ADMIN_TG})
CHAT_ID = -100
NOV = {d: date(2026, 11, d) for d in range(1, 31)}
OCT = {d: date(2026, 10, d) for d in range(1, 32)}
FRIDAY = NOV[20]


def local(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


_message_ids = iter(range(1, 100_000))


def _report(s: Session, person: Person, project: Project, day: date, text: str
            ) -> DailyReport:
    msg = ReportMessage(chat_id=CHAT_ID, message_id=next(_message_ids), posted_at=local(day),
                        text=text)
    recorded = record(s, person=person, project=project, msg=msg, tz=TZ, nudge_time="18:00")
    return s.get(DailyReport, recorded.post.id)


def _answer(s: Session, person: Person, project: Project, day: date, kind: str) -> None:
    msg = ReportMessage(chat_id=CHAT_ID, message_id=next(_message_ids), posted_at=local(day),
                        text=f"#{'周报' if kind == 'weekly' else '月报'} 小结")
    record_recap(s, person, project, msg, Clock(TZ, "18:00"), kind=kind)


@dataclass
class World:
    chat_id: int
    ids: dict[str, int]


@pytest.fixture
def world(db: Database) -> World:
    long_ago = datetime(2026, 9, 1, tzinfo=UTC)
    with db.session() as s:
        domain = Domain(name="项目建设")
        s.add(domain)
        s.flush()
        project = Project(domain_id=domain.id, name="城南快速路", join_token="tok-a")
        other = Project(domain_id=domain.id, name="北区安置房", join_token="tok-b")
        s.add_all([project, other])
        s.flush()
        s.add(Chat(id=CHAT_ID, title="城南快速路工作群", project_id=project.id, tz=str(TZ)))
        people = {}
        for tg, key, name, kw in [
                (1, "a", "张三", {"reachable": True}), (2, "b", "李四", {"reachable": True}),
                (3, "c", "王五", {}), (4, "d", "赵六", {"reachable": True}),
                (5, "e", "钱七", {"reachable": True}), (6, "f", "孙八", {"reachable": True}),
                (7, "examiner", "周考察", {"reachable": True, "is_examiner": True}),
                (8, "admin", "吴管理", {"reachable": True, "is_admin": True}),
                (ENV_ADMIN_TG, "env_admin", "郑组织", {"reachable": True}),
                (10, "gone", "冯离开", {"reachable": True}),
                (11, "late", "陈新来", {"reachable": True})]:
            people[key] = Person(tg_id=tg, name=name, post="科员", **kw)
            s.add(people[key])
        s.flush()
        for key, person in people.items():
            joined = local(NOV[21]) if key == "late" else long_ago
            s.add(Membership(person_id=person.id, project_id=project.id, joined_at=joined,
                             active=key != "gone"))
        s.add(Membership(person_id=people["d"].id, project_id=other.id, joined_at=long_ago))
        p = people
        # A: plans last week, two reports this week; older and current plans are not "last week's".
        _report(s, p["a"], project, NOV[5], "#日报\n计划：两周前的计划")
        _report(s, p["a"], project, NOV[12], "#日报\n计划：完成征迁签约\n计划：管线迁改对接")
        _report(s, p["a"], project, NOV[17], "#日报\n进度：40%\n完成：签约3户\n问题：管线迁改滞后")
        _report(s, p["a"], project, NOV[20], "#日报\n进度：55%\n完成：签约5户\n计划：下周收尾")
        _report(s, p["a"], project, OCT[30], "#日报\n计划：十一月开工")
        # D reports today, but to the other project; F's report today was withdrawn.
        _report(s, p["d"], other, FRIDAY, "#日报 北区")
        _report(s, p["f"], project, FRIDAY, "#日报 撤回").withdrawn = True
        _report(s, p["b"], project, NOV[18], "#日报\n完成：路灯验收")
        s.add(Leave(person_id=p["e"].id, start=NOV[19], end=NOV[23], kind="出差"))
        # Examiners, admins and former members who report are not reporters.
        for key in ("examiner", "admin", "env_admin", "gone"):
            _report(s, p[key], project, NOV[17], "#日报\n完成：不该出现")
        _answer(s, p["a"], project, NOV[20], "weekly")
        _answer(s, p["b"], project, NOV[13], "weekly")  # last week's answer
        _answer(s, p["c"], project, NOV[20], "monthly")
        _answer(s, p["d"], other, NOV[20], "weekly")  # the other project's answer
        for due, text, owner, done in [
                (NOV[10], "桩基完成", "a", True), (NOV[20], "路基完成", "b", False),
                (NOV[30], "主线通车", None, False), (OCT[20], "征迁清零", "a", False),
                (OCT[15], "立项批复", None, True), (date(2026, 12, 5), "绿化", None, False)]:
            s.add(Milestone(project_id=project.id, due=due, text=text,
                            person_id=p[owner].id if owner else None,
                            done_at=local(due) if done else None))
        s.add(Milestone(project_id=other.id, due=NOV[18], text="别的项目节点"))
        return World(chat_id=CHAT_ID, ids={k: v.id for k, v in people.items()})


def _nudge(db: Database, world: World, day: date = FRIDAY):
    with db.session(write=False) as s:
        targets = nudge_targets(s, chat=s.get(Chat, world.chat_id), day=day, admins=ADMINS)
    return {p.id for p in targets.reachable}, {p.id for p in targets.unreachable}


def _weekly(db: Database, world: World, start: date = NOV[16], end: date = FRIDAY):
    with db.session(write=False) as s:
        return weekly_prompt(s, chat=s.get(Chat, world.chat_id), start=start, end=end,
                             admins=ADMINS)


def _monthly(db: Database, world: World):
    with db.session(write=False) as s:
        return monthly_prompt(s, chat=s.get(Chat, world.chat_id), start=NOV[1], end=NOV[30],
                              admins=ADMINS, today=NOV[27])


def _line(view, world: World, key: str):
    [line] = [c for c in view.cadres if c.person.id == world.ids[key]]
    return line


# --- nudge targets --------------------------------------------------------------------------


def test_nudge_splits_reachable_and_unreachable(db: Database, world: World) -> None:
    reachable, unreachable = _nudge(db, world)
    assert reachable == {world.ids["b"], world.ids["f"]}
    assert unreachable == {world.ids["c"]}


def test_nudge_skips_who_reported_that_day(db: Database, world: World) -> None:
    assert world.ids["a"] not in set().union(*_nudge(db, world))


def test_nudge_counts_a_report_to_another_project(db: Database, world: World) -> None:
    assert world.ids["d"] not in set().union(*_nudge(db, world))


def test_nudge_ignores_a_withdrawn_report(db: Database, world: World) -> None:
    assert world.ids["f"] in _nudge(db, world)[0]


def test_nudge_skips_cadres_on_leave(db: Database, world: World) -> None:
    assert world.ids["e"] not in set().union(*_nudge(db, world))
    assert world.ids["e"] in _nudge(db, world, NOV[18])[0]  # the day before the trip


def test_nudge_never_targets_examiners_or_admins(db: Database, world: World) -> None:
    targeted = set().union(*_nudge(db, world, NOV[16]))  # Monday: nobody has reported
    assert not targeted & {world.ids[k] for k in ("examiner", "admin", "env_admin")}


def test_nudge_skips_former_members_and_those_not_yet_joined(db: Database, world: World) -> None:
    targeted = set().union(*_nudge(db, world, NOV[16]))
    assert world.ids["gone"] not in targeted and world.ids["late"] not in targeted


# --- weekly digest --------------------------------------------------------------------------


def test_weekly_digest_names_the_period(db: Database, world: World) -> None:
    view = _weekly(db, world)
    assert (view.project.name, view.kind, view.period_key, view.year, view.number) == (
        "城南快速路", "weekly", "2026-W47", 2026, 47)


def test_weekly_digest_lists_cadres_but_not_examiners_admins_or_former_members(
        db: Database, world: World) -> None:
    listed = {c.person.id for c in _weekly(db, world).cadres}
    assert listed == {world.ids[k] for k in ("a", "b", "c", "d", "e", "f")}  # "late" joined after


def test_weekly_digest_keeps_every_done_and_problem_line(db: Database, world: World) -> None:
    line = _line(_weekly(db, world), world, "a")
    assert line.done == [(NOV[17], "签约3户"), (NOV[20], "签约5户")]
    assert line.problems == [(NOV[17], "管线迁改滞后")]


def test_weekly_digest_shows_the_latest_progress(db: Database, world: World) -> None:
    assert _line(_weekly(db, world), world, "a").progress == 55


def test_weekly_digest_puts_last_weeks_plans_beside_this_weeks_results(
        db: Database, world: World) -> None:
    line = _line(_weekly(db, world), world, "a")
    assert line.plans == [(NOV[12], "完成征迁签约"), (NOV[12], "管线迁改对接")]


def test_weekly_digest_counts_reports_in_the_window_only(db: Database, world: World) -> None:
    view = _weekly(db, world)
    assert _line(view, world, "a").reports == 2
    assert _line(view, world, "f").reports == 0  # withdrawn
    assert _line(view, world, "d").reports == 0  # reported to the other project
    assert view.reports == 3


def test_weekly_digest_flags_who_answered_this_week(db: Database, world: World) -> None:
    view = _weekly(db, world)
    assert {c.person.id for c in view.cadres if c.answered} == {world.ids["a"]}
    assert view.answered == 1


def test_weekly_digest_of_a_quiet_week_still_lists_everyone(db: Database, world: World) -> None:
    view = _weekly(db, world, NOV[23], NOV[27])
    assert view.reports == 0 and len(view.cadres) == 7
    assert _line(view, world, "a").plans == [(NOV[20], "下周收尾")]


# --- monthly digest -------------------------------------------------------------------------


def test_monthly_digest_reconciles_milestones(db: Database, world: World) -> None:
    view = _monthly(db, world)
    assert [(m.due, m.text, m.owner, m.status) for m in view.milestones] == [
        (OCT[20], "征迁清零", "张三", "overdue"),  # an earlier one still open
        (NOV[10], "桩基完成", "张三", "done"),
        (NOV[20], "路基完成", "李四", "overdue"),
        (NOV[30], "主线通车", None, "open"),
    ]


def test_monthly_digest_puts_last_months_plans_beside_this_months_results(
        db: Database, world: World) -> None:
    line = _line(_monthly(db, world), world, "a")
    assert line.plans == [(OCT[30], "十一月开工")]
    assert [text for _d, text in line.done] == ["签约3户", "签约5户"]


def test_monthly_digest_flags_who_answered_this_month(db: Database, world: World) -> None:
    view = _monthly(db, world)
    assert (view.period_key, view.number) == ("2026-11", 11)
    assert {c.person.id for c in view.cadres if c.answered} == {world.ids["c"]}


# --- the prompt templates -------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", ["weekly", "monthly"])
def test_prompt_carries_the_request_only_when_asked(db: Database, world: World, lang: str,
                                                    kind: str) -> None:
    view = _weekly(db, world) if kind == "weekly" else _monthly(db, world)
    renderer = Renderer(lang)
    request = renderer.text(f"prompts.{kind}_request")
    body = renderer.text(f"prompts.{kind}", view=view)
    asked = renderer.text(f"prompts.{kind}", view=view, request=True)
    assert ("#周报" if kind == "weekly" else "#月报") in request
    assert request not in body
    assert asked == f"{body}\n\n{request}"
    plan = "完成征迁签约" if kind == "weekly" else "十一月开工"
    assert "签约5户" in body and plan in body and "管线迁改滞后" in body


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_quiet_week_prompt_says_nobody_reported(db: Database, world: World, lang: str) -> None:
    body = Renderer(lang).text("prompts.weekly", view=_weekly(db, world, NOV[23], NOV[27]))
    assert ("还没有收到每日动态" if lang == "zh" else "No daily updates this week") in body


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_monthly_prompt_shows_milestone_status(db: Database, world: World, lang: str) -> None:
    body = Renderer(lang).text("prompts.monthly", view=_monthly(db, world))
    for word in (("已完成", "已逾期", "进行中") if lang == "zh" else ("done", "overdue", "in progress")):
        assert word in body


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_group_nudge_mentions_each_unreachable_cadre(lang: str) -> None:
    people = [Person(tg_id=3, name="王五"), Person(tg_id=12, name="<b>")]
    text = Renderer(lang).text("prompts.nudge_group", people=people, day=FRIDAY)
    assert 'href="tg://user?id=3">王五</a>' in text
    assert 'href="tg://user?id=12">&lt;b&gt;</a>' in text
    assert "/start" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dm_nudge_names_the_person_and_how_to_report(lang: str) -> None:
    text = Renderer(lang).text("prompts.nudge_dm", person=Person(tg_id=1, name="张三"), day=FRIDAY)
    assert "张三" in text and "/daily" in text and "#每日动态" in text
