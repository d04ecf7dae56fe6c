"""/note, /grade, /weights, /star, /scores, /ranking, /cadre, /period through the bot: who may
use them, what they answer, the 工作纪实 trail, the figures behind a score, the examiner digest."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from core.assessment import chunked
from core.common.calendar import workdays
from storage.tables import (
    DomainWeights,
    Grade,
    Membership,
    Milestone,
    Observation,
    Period,
    PeriodProject,
    Person,
    Project,
    ScoreSnapshot,
    StageEntry,
    Star,
    Trail,
)
from tests.auxil.cast import ADMIN, CADRE, EXAMINER, GROUP, setup_project
from tests.auxil.district import NOV, fill_reports
from tests.auxil.factories import make_group, make_message, make_user, message_update, private
from tests.auxil.statements import statements

WANGWU = make_user(2003, "王五", "wangwu")  # another cadre of 城南快速路
LISI = make_user(2002, "李四", "lisi")  # a cadre of 北区学校
OTHER_EXAMINER = make_user(4002, "考察员乙")  # assigned to 北区学校 only
STRANGER = make_user(3001, "路人")
NORTH = make_group(-100200301, "北区学校群")
ROLES = {"stranger": STRANGER, "cadre": CADRE, "other cadre": WANGWU,
         "examiner of another project": OTHER_EXAMINER, "examiner": EXAMINER, "admin": ADMIN}
TABLES = (Observation, Grade, DomainWeights, Star, Period, PeriodProject, Trail, ScoreSnapshot,
          StageEntry)
REFUSALS = ("仅限", "无权", "还没有登记", "只能查看自己")
TZ = ZoneInfo("Asia/Shanghai")


def say(chat, user, text, **kw):
    return message_update(make_message(chat, user, text, **kw))


async def district(h, *, period: str | None = "城南快速路") -> None:
    """Two projects, an examiner for all and one for 北区学校; a period over `period`."""
    await setup_project(h, cadres=(CADRE, WANGWU))
    for text in ("/project add 项目建设 北区学校", "/grant examiner 4001",
                 "/grant examiner 4002 北区学校"):
        await h.feed(say(private(ADMIN), ADMIN, text))
    await h.feed(say(NORTH, ADMIN, "/bind 北区学校"))
    await h.feed(say(NORTH, LISI, "/register 李四 科员"))
    if period is not None:
        await h.feed(say(private(ADMIN), ADMIN, f"/period open 攻坚季 {NOV[0]} {NOV[1]} {period}"))
    h.request.clear()


def snapshot(h) -> dict[str, list[str]]:
    with h.db.session(write=False) as s:
        return {m.__name__: sorted(repr(r) for r in s.exec(select(m))) for m in TABLES}


def rows(h, model, *where) -> list:
    with h.db.session(write=False) as s:
        return list(s.exec(select(model).where(*where)))


def with_history(h, reported: int = 18) -> None:
    """张三 joined in October, reported `reported` working days of November with one 完成
    each, and has two milestones due in November, one done on time."""
    with h.db.session() as s:
        person = s.exec(select(Person).where(Person.tg_id == CADRE.id)).one()
        project = s.exec(select(Project).where(Project.name == "城南快速路")).one()
        for member in s.exec(select(Membership)):
            member.joined_at = datetime(2026, 10, 1, tzinfo=UTC)
            s.add(member)
        fill_reports(s, person, project, workdays(*NOV)[:reported], items=1)
        s.add(Milestone(project_id=project.id, due=date(2026, 11, 10), text="征迁完成",
                        person_id=person.id, done_at=datetime(2026, 11, 9, tzinfo=UTC)))
        s.add(Milestone(project_id=project.id, due=date(2026, 11, 20), text="管线迁改",
                        person_id=person.id))


# --- permissions (SPEC §2) --------------------------------------------------------------------

# (command, sent as a reply to 张三's report in the group, writes, the roles that may use it)
MATRIX = [
    ("/note 张三 +3 主动协调用地", False, True, {"examiner", "admin"}),
    ("/grade 张三 88 实绩突出", False, True, {"examiner", "admin"}),
    ("/weights 项目建设", False, False, {"examiner", "examiner of another project", "admin"}),
    ("/weights 项目建设 实绩 40 状态 20 评价 20 考核组 20", False, True, {"admin"}),
    ("/star", True, True, {"examiner", "admin"}),
    ("/scores 城南快速路", False, False, {"examiner", "admin"}),
    ("/ranking 城南快速路", False, False, {"examiner", "admin"}),
    ("/cadre 张三", False, False, {"cadre", "examiner", "admin"}),
    ("/period list", False, False, {"examiner", "examiner of another project", "admin"}),
    ("/period open 学校季 2026-11-02 2026-11-27 北区学校", False, True, {"admin"}),
    ("/period close 攻坚季", False, True, {"admin"}),
]


@pytest.mark.parametrize("role", list(ROLES))
async def test_each_role_may_use_exactly_the_commands_spec_allows(harness, role: str) -> None:
    await district(harness)
    report = make_message(GROUP, CADRE, "#日报 完成：签约3户")
    await harness.feed(message_update(report))
    user = ROLES[role]
    for text, in_group, writes, allowed in MATRIX:
        before, said = snapshot(harness), len(harness.texts())
        chat = GROUP if in_group else private(user)
        await harness.feed(say(chat, user, text, reply_to=report if in_group else None))
        answers = harness.texts()[said:]
        if role in allowed:
            assert answers and not any(w in answers[0] for w in REFUSALS), (text, answers)
            assert (snapshot(harness) != before) == writes, text
        else:
            assert snapshot(harness) == before, text
            if role != "stranger":
                assert len(answers) == 1 and any(w in answers[0] for w in REFUSALS), (
                    text, answers)
    if role == "stranger":  # SPEC §11: one answer a day, whatever they try
        assert len(harness.texts()) == 1


async def test_a_cadre_sees_only_their_own_record(harness) -> None:
    await district(harness)
    await harness.feed(say(private(CADRE), CADRE, "/cadre 张三"))
    assert "履职档案 · 张三" in harness.last(CADRE.id)
    await harness.feed(say(private(CADRE), CADRE, "/cadre 王五"))
    assert "只能查看自己的履职档案" in harness.last(CADRE.id)
    assert "王五" not in harness.last(CADRE.id)


async def test_an_examiner_limited_to_a_project_sees_only_its_cadres(harness) -> None:
    await district(harness, period=None)
    await harness.feed(say(private(ADMIN), ADMIN, f"/period open 攻坚季 {NOV[0]} {NOV[1]}"))
    for text in ("/scores", "/scores 项目建设", "/ranking 项目建设"):
        await harness.feed(say(private(OTHER_EXAMINER), OTHER_EXAMINER, text))
        answer = harness.texts(OTHER_EXAMINER.id)[-2]  # the chart offer follows
        assert "李四" in answer and "张三" not in answer and "王五" not in answer, text
    await harness.feed(say(private(OTHER_EXAMINER), OTHER_EXAMINER, "/scores 城南快速路"))
    assert "无权查看" in harness.last(OTHER_EXAMINER.id)


# --- /grade, /note, /weights, /star ---------------------------------------------------------

async def test_grade_without_an_open_period_gets_one_line(harness) -> None:
    await district(harness, period=None)
    await harness.feed(say(private(EXAMINER), EXAMINER, "/grade 张三 80"))
    assert harness.texts(EXAMINER.id) == [
        "项目「城南快速路」现在没有进行中的考察期：请管理员先用 /period open 开启。"]
    assert rows(harness, Grade) == [] and rows(harness, Trail) == []


async def test_a_new_grade_by_the_same_examiner_replaces_the_old_one(harness) -> None:
    await district(harness)
    await harness.feed(say(private(EXAMINER), EXAMINER, "/grade 张三 60"))
    await harness.feed(say(private(EXAMINER), EXAMINER, "/grade 张三 90 后来居上"))
    assert "替换了您此前的评定" in harness.last(EXAMINER.id)
    [grade] = rows(harness, Grade)
    assert (grade.score, grade.comment) == (90, "后来居上")


async def test_grades_of_several_examiners_are_averaged(harness) -> None:
    await district(harness)
    await harness.feed(say(private(EXAMINER), EXAMINER, "/grade 张三 80"))
    await harness.feed(say(private(ADMIN), ADMIN, "/grade 张三 91"))
    await harness.feed(say(private(ADMIN), ADMIN, "/scores 城南快速路"))
    assert "评定均分 85.5（2 位考察员）" in harness.texts(ADMIN.id)[-2]


async def test_points_beyond_ten_are_refused_and_nothing_is_noted(harness) -> None:
    await district(harness)
    for text in ("/note 张三 +11 太多", "/note 张三 -11 太少"):
        await harness.feed(say(private(EXAMINER), EXAMINER, text))
    assert len(harness.texts(EXAMINER.id)) == 2
    assert all("-10 到 +10" in t for t in harness.texts(EXAMINER.id))
    assert rows(harness, Observation) == []


async def test_weights_not_summing_to_100_are_refused(harness) -> None:
    await district(harness)
    await harness.feed(say(private(ADMIN), ADMIN, "/weights 项目建设 实绩 40 状态 20 评价 20 考核组 25"))
    assert "现在是 105" in harness.last(ADMIN.id) and rows(harness, DomainWeights) == []


async def test_domain_weights_are_used_by_scores(harness) -> None:
    await district(harness)
    with_history(harness)
    await harness.feed(say(private(EXAMINER), EXAMINER, "/grade 张三 77"))
    await harness.feed(say(private(ADMIN), ADMIN, "/weights 项目建设 实绩 0 状态 0 评价 0 考核组 100"))
    await harness.feed(say(private(ADMIN), ADMIN, "/weights 项目建设"))
    assert "实绩 0 · 状态 0 · 评价 0 · 考核组 100" in harness.last(ADMIN.id)
    await harness.feed(say(private(ADMIN), ADMIN, "/scores 城南快速路"))
    assert "张三</b>（城南快速路） 综合 77.0" in harness.texts(ADMIN.id)[-2]


async def test_star_marks_a_report_and_star_again_removes_the_mark(harness) -> None:
    await district(harness)
    report = make_message(GROUP, CADRE, "#日报 完成：签约3户")
    await harness.feed(message_update(report))
    await harness.feed(say(GROUP, EXAMINER, "/star", reply_to=report))
    assert "先进典型" in harness.last(GROUP.id) and len(rows(harness, Star)) == 1
    await harness.feed(say(GROUP, EXAMINER, "/star", reply_to=report))
    assert "已取消" in harness.last(GROUP.id) and rows(harness, Star) == []


# --- the 工作纪实 trail and the figures behind a score --------------------------------------

async def test_the_trail_lists_each_examiner_action_with_who_and_when(harness) -> None:
    await district(harness)
    report = make_message(GROUP, CADRE, "#日报 完成：签约3户")
    await harness.feed(message_update(report))
    for chat, text in ((private(EXAMINER), "/note 张三 +2 现场协调"),
                       (private(EXAMINER), "/grade 张三 85"),
                       (private(EXAMINER), "/rectify 张三 15d 台账不全"),
                       (private(EXAMINER), "/ratelink 张三")):
        await harness.feed(say(chat, EXAMINER, text))
    await harness.feed(say(GROUP, EXAMINER, "/star", reply_to=report))
    await harness.feed(say(private(ADMIN), ADMIN, "/cadre 张三"))
    trail = harness.last(ADMIN.id).split("<b>工作纪实</b>")[1]
    when = r"· \d{4}-\d{2}-\d{2} \d{2}:\d{2} 考察员甲 "
    for what in ("考察纪实 \\+2 现场协调", "评定 攻坚季 85", "下发交办单", "生成评价链接",
                 "标记先进典型"):
        assert re.search(when + what, trail), (what, trail)


async def test_scores_show_every_part_with_the_figures_it_came_from(harness) -> None:
    await district(harness)
    with_history(harness)
    await harness.feed(say(private(EXAMINER), EXAMINER, "/grade 张三 80"))
    await harness.feed(say(private(EXAMINER), EXAMINER, "/note 张三 +3 主动协调"))
    with harness.db.session() as s:  # the note was written during the period
        note = s.exec(select(Observation)).one()
        note.at = datetime(2026, 11, 20, 3, tzinfo=UTC)
        s.add(note)
    await harness.feed(say(private(ADMIN), ADMIN, "/scores 城南快速路"))
    text = harness.texts(ADMIN.id)[-2]
    # 实绩 0.6×50 + 0.4×100 = 70 (18 items over 20 days: 0.9 a day, above the scope's median
    # pace 0.45 of 张三 0.9 and 王五 0); 状态 0.8×90 + 0.2×0 = 72; 考核组 80 + 3 = 83; 评价 none:
    # (30×70 + 20×72 + 25×83) / 75 = 74.9
    for line in ("张三</b>（城南快速路） 综合 74.9 / 100 · 良好",
                 "实绩 70.0（权重 40%）：节点按期 1/2，完成事项 18 条（每工作日 0.90 条，参照 0.45 条）",
                 "状态 72.0（权重 27%）：报送 18/20 个工作日，周/月梳理 0/4",
                 "评价 无数据：评价不足，暂不计入",
                 "考核组 83.0（权重 33%）：评定均分 80.0（1 位考察员），纪实积分 +3",
                 "王五</b>（城南快速路） 综合 0.0 / 100 · 一般",
                 # each part's rule, with the board's own figures (from its foot)
                 "· 状态 = 报送率 × 80% + 周/月梳理回复率 × 20%",
                 "实绩 = 节点按期完成率 × 60% + 完成事项 × 40%：完成事项按每个应报工作日的条数计",
                 "例：张三 节点 1/2，完成事项 18 条（每工作日 0.90 条，参照 0.45 条）→ 70.0",
                 "例：张三 80.0 +3 → 83.0"):
        assert line in text, line




def _cadres(h, project: str, count: int, base_tg: int) -> None:
    """A project of `count` cadres who reported most of November, with a milestone and a note."""
    with h.db.session() as s:
        domain_id = s.exec(select(Project)).first().domain_id
        item = Project(domain_id=domain_id, name=project, join_token=project)
        s.add(item)
        s.flush()
        examiner = s.exec(select(Person).where(Person.tg_id == EXAMINER.id)).one()
        for n in range(count):
            person = Person(tg_id=base_tg + n, name=f"{project}{n}", post="科员")
            s.add(person)
            s.flush()
            s.add(Membership(person_id=person.id, project_id=item.id,
                             joined_at=datetime(2026, 10, 1, tzinfo=UTC)))
            fill_reports(s, person, item, workdays(*NOV)[n % 5:], items=n % 3,
                         chat_id=-base_tg)
            s.add(Milestone(project_id=item.id, due=date(2026, 11, 16), text="节点",
                            person_id=person.id))
            s.add(Observation(person_id=person.id, examiner_id=examiner.id, points=n % 5,
                              text="纪实", at=datetime(2026, 11, 18, 2, tzinfo=UTC)))


async def test_scores_cost_the_same_statements_for_5_and_50_cadres(harness) -> None:
    await district(harness, period=None)
    _cadres(harness, "小项目", 5, 7_000_000)
    _cadres(harness, "大项目", 50, 8_000_000)
    await harness.feed(say(private(ADMIN), ADMIN, f"/period open 攻坚季 {NOV[0]} {NOV[1]}"))
    with harness.db.session() as s:
        period = s.exec(select(Period)).one()
        examiner = s.exec(select(Person).where(Person.tg_id == EXAMINER.id)).one()
        s.add_all(Grade(period_id=period.id, person_id=p.id, examiner_id=examiner.id,
                        score=60 + p.id % 40)
                  for p in s.exec(select(Person).where(Person.tg_id >= 7_000_000)))
    small = await statements(harness, "/scores 小项目")
    big = await statements(harness, "/scores 大项目")
    assert small == big
    assert "大项目49" in "".join(harness.texts(ADMIN.id)[-3:])


async def test_every_view_of_the_record_costs_the_same_statements_for_5_and_50_cadres(
        harness) -> None:
    """The working-day record is SQL aggregates: /ranking, /cadre, /export and /my cost a
    fixed number of statements, whatever the number of cadres."""
    await district(harness, period=None)
    _cadres(harness, "小项目", 5, 7_000_000)
    _cadres(harness, "大项目", 50, 8_000_000)
    await harness.feed(say(private(ADMIN), ADMIN, f"/period open 攻坚季 {NOV[0]} {NOV[1]}"))
    for small, big in (("/ranking 小项目", "/ranking 大项目"), ("/cadre 小项目0", "/cadre 大项目0"),
                       ("/export 小项目", "/export 大项目")):
        assert await statements(harness, small) == await statements(harness, big), small
    assert await statements(harness, "/my", make_user(7_000_000, "小项目0")) == await statements(
        harness, "/my", make_user(8_000_000, "大项目0"))


# --- grades within the scope asked ----------------------------------------------------------

def graded_cadres(h, project: str, grades: dict[str, int]) -> None:
    """Cadres created in this order, who joined after the period: the grade is the composite."""
    with h.db.session() as s:
        item = s.exec(select(Project).where(Project.name == project)).one()
        period = s.exec(select(Period)).one()
        examiner = s.exec(select(Person).where(Person.tg_id == EXAMINER.id)).one()
        for name, score in grades.items():
            person = Person(tg_id=None, name=name, post="科员")
            s.add(person)
            s.flush()
            s.add(Membership(person_id=person.id, project_id=item.id))
            s.add(Grade(period_id=period.id, person_id=person.id, examiner_id=examiner.id,
                        score=score))


def grade_of(text: str, name: str) -> str:
    found = re.search(rf"{name}</b>（[^）]*） 综合 [\d.]+ / 100 · (\S+)", text)
    assert found, (name, text)
    return found[1]


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
async def test_a_complete_tie_at_the_cut_goes_to_the_earlier_registered(harness, db_url
                                                                        ) -> None:
    await setup_project(harness, cadres=())
    await harness.feed(say(private(ADMIN), ADMIN, "/grant examiner 4001"))
    await harness.feed(say(private(ADMIN), ADMIN, f"/period open 攻坚季 {NOV[0]} {NOV[1]}"))
    # 赵一 registered first; 安二's name sorts first: the stated rule is registration
    graded_cadres(harness, "城南快速路", {"赵一": 90, "安二": 90, "丙": 70, "丁": 70, "戊": 70})
    await harness.feed(say(private(ADMIN), ADMIN, "/scores 城南快速路"))
    text = harness.texts(ADMIN.id)[-2]
    assert (grade_of(text, "赵一"), grade_of(text, "安二")) == ("优秀", "良好")


async def test_grades_are_given_within_the_scope_asked(harness) -> None:
    await district(harness, period=None)
    await harness.feed(say(private(ADMIN), ADMIN, f"/period open 攻坚季 {NOV[0]} {NOV[1]}"))
    with harness.db.session() as s:  # only the cadres below are in the projects
        for member in s.exec(select(Membership)):
            member.active = False
            s.add(member)
    graded_cadres(harness, "城南快速路", {"南一": 95, "南二": 70, "南三": 70, "南四": 70,
                                         "南五": 70})
    graded_cadres(harness, "北区学校", {"北一": 97, "北二": 96, "北三": 70, "北四": 70,
                                       "北五": 70})
    await harness.feed(say(private(ADMIN), ADMIN, "/scores 城南快速路"))
    assert grade_of(harness.texts(ADMIN.id)[-2], "南一") == "优秀"  # 5 × 20 % = 1 place
    await harness.feed(say(private(ADMIN), ADMIN, "/scores 项目建设"))
    domain = harness.texts(ADMIN.id)[-2]  # 10 × 20 % = 2 places, both in 北区学校
    assert [grade_of(domain, n) for n in ("北一", "北二", "南一")] == ["优秀", "优秀", "良好"]


# --- the Monday examiner digest ---------------------------------------------------------------

MONDAY = datetime(2026, 11, 30, 9, 5, tzinfo=TZ)  # digest of the week of 23–27 November


def digest_district(db) -> None:
    """干部0 reports daily, 干部1 stopped on 20 November and is in 预警考察期, 干部2 (北区学校)
    never reported; one overdue order, one due later, one closed; examiners 4001 (all) and
    4002 (北区学校) can be reached."""
    from storage.tables import ExaminerProject, Rectification
    from tests.auxil.district import seed

    d = seed(db)
    with db.session() as s:
        zero, one, _two = d.cadres
        south, north = d.projects
        fill_reports(s, zero, south, workdays(*NOV))
        fill_reports(s, one, south, workdays(NOV[0], date(2026, 11, 20)))
        examiner = s.get(Person, d.examiner.person.id)
        limited = Person(tg_id=4002, name="考察员乙", is_examiner=True, reachable=True)
        examiner.reachable = True
        s.add_all([examiner, limited])
        s.flush()
        s.add(ExaminerProject(person_id=limited.id, project_id=north.id))
        for n, (deadline, state) in enumerate(((date(2026, 11, 20), "progress"),
                                               (date(2026, 12, 31), "open"),
                                               (date(2026, 11, 1), "closed")), start=1):
            s.add(Rectification(number=f"ZG-2026-{n:04d}", project_id=south.id,
                                person_id=zero.id, issuer_id=examiner.id, text="台账不全",
                                deadline=deadline, state=state))
        period = Period(theme="上一期", start=date(2026, 1, 5), end=date(2026, 3, 31),
                        status="closed")
        s.add(period)
        s.flush()
        s.add(StageEntry(person_id=one.id, period_id=period.id, stage="warning"))


async def test_the_examiner_digest_goes_once_through_the_ledger(db) -> None:
    from tests.auxil.offline import OfflineRequest
    from tests.auxil.runners import make_runner

    digest_district(db)
    request = OfflineRequest()
    runner = await make_runner(db, request)
    first = await runner.run(MONDAY, jobs=("examiner-digest",), live=False)
    second = await runner.run(MONDAY, jobs=("examiner-digest",), live=False)
    assert first.counts["sent"] == 2 and second.counts["sent"] == 0
    assert [len(request.texts(tg)) for tg in (4001, 4002, ADMIN.id)] == [1, 1, 0]


async def test_the_digest_lists_silent_cadres_overdue_orders_and_staged_cadres(db) -> None:
    from tests.auxil.offline import OfflineRequest
    from tests.auxil.runners import make_runner

    digest_district(db)
    request = OfflineRequest()
    await (await make_runner(db, request)).run(MONDAY, jobs=("examiner-digest",), live=False)
    [text] = request.texts(4001)
    south, north = (re.search(rf"<b>{name}</b>[^<]*", text)[0] for name in ("城南快速路",
                                                                          "北区学校"))
    assert "<b>城南快速路</b>（干部 2 人）报送 5/10（50%）" in south
    assert "连续 3 个工作日以上未报送：干部1（5 天）\n" in south  # 21–29 November: 5 days
    assert "逾期交办单：ZG-2026-0001（干部0）\n" in south  # not the later nor the closed one
    assert "三期管理：干部1（预警考察期）" in south
    assert "连续 3 个工作日以上未报送：干部2（从未报送）" in north
    [limited] = request.texts(4002)
    assert "北区学校" in limited and "城南快速路" not in limited


# --- /export in chunks ----------------------------------------------------------------------

async def _export_rows(h) -> dict[str, list[list[object]]]:  # type: ignore[no-untyped-def]
    h.request.clear()
    await h.feed(say(private(ADMIN), ADMIN, "/export 大项目"))
    [(_name, data)] = h.request.documents(chat_id=ADMIN.id)
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


async def test_the_export_reads_chunk_by_chunk_and_writes_the_same_sheets(harness,
                                                                          monkeypatch) -> None:
    """Ranked and read a few cadres at a time, /export writes what it writes in one chunk:
    the cadres in rank order across chunks, each with their own lines and figures."""
    await district(harness, period=None)
    _cadres(harness, "大项目", 9, 8_000_000)
    await harness.feed(say(private(ADMIN), ADMIN, f"/period open 攻坚季 {NOV[0]} {NOV[1]}"))
    whole = await _export_rows(harness)
    monkeypatch.setattr(chunked, "CHUNK", 2)
    assert await _export_rows(harness) == whole
    assert len(whole["辛苦指数量化评估表"]) == 2 + 9


async def test_the_exports_statements_grow_with_its_chunks_not_its_cadres(harness,
                                                                         monkeypatch) -> None:
    await district(harness, period=None)
    monkeypatch.setattr(chunked, "CHUNK", 4)
    _cadres(harness, "小项目", 5, 7_000_000)  # two chunks
    _cadres(harness, "大项目", 8, 8_000_000)  # two chunks
    _cadres(harness, "三项目", 9, 9_000_000)  # three
    await harness.feed(say(private(ADMIN), ADMIN, f"/period open 攻坚季 {NOV[0]} {NOV[1]}"))
    small = await statements(harness, "/export 小项目")
    big = await statements(harness, "/export 大项目")
    assert small == big < await statements(harness, "/export 三项目")
