"""core.review.screens: the /summary window and the reporting rate, and /missing (SPEC §4 Examiner).

The dataset sits in the week after National Day 2026 (Asia/Shanghai, nudge at 18:00):
Mon 5 - Wed 7 October are holidays, Thu 8 and Fri 9 are working days, Saturday 10 is a
调休 make-up working day, Sunday 11 is off. So the week has exactly three working days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from core.common.errors import Refused, UsageError
from core.org.people import Actor, UserInfo
from core.reporting.posts import ReportMessage
from core.reporting.reports import record
from core.review.screens import missing, summary
from core.review.windows import Window, parse_window
from storage.db import Database
from storage.tables import Chat, DailyReport, Domain, Leave, Membership, Person, Project

TZ = ZoneInfo("Asia/Shanghai")
NUDGE = "18:00"
ENV_ADMIN_TG = 9001
ADMINS = frozenset({ENV_ADMIN_TG})

OCT = {d: date(2026, 10, d) for d in range(1, 32)}
SUNDAY = OCT[11]
TODAY = SUNDAY


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


# --- parse_window ---------------------------------------------------------------------------


def test_window_defaults_to_today() -> None:
    assert parse_window(None, OCT[9]) == Window("today", OCT[9], OCT[9])


def test_window_today_token_is_case_insensitive() -> None:
    assert parse_window("TODAY", OCT[9]) == Window("today", OCT[9], OCT[9])


def test_window_today_on_a_non_working_day_is_still_that_calendar_day() -> None:
    assert parse_window("today", SUNDAY) == Window("today", SUNDAY, SUNDAY)


def test_window_week_is_iso_week_to_date() -> None:
    assert parse_window("week", OCT[9]) == Window("week", OCT[5], OCT[9])


def test_window_week_on_a_monday_is_that_day_only() -> None:
    assert parse_window("week", OCT[12]) == Window("week", OCT[12], OCT[12])


def test_window_week_crossing_the_year_starts_in_the_old_year() -> None:
    assert parse_window("week", date(2027, 1, 2)) == Window(
        "week", date(2026, 12, 28), date(2027, 1, 2))


def test_window_month_is_calendar_month_to_date() -> None:
    assert parse_window("month", OCT[11]) == Window("month", OCT[1], OCT[11])


def test_window_past_month_covers_the_whole_month() -> None:
    assert parse_window("2026-09", OCT[11]) == Window(
        "2026-09", date(2026, 9, 1), date(2026, 9, 30))


def test_window_past_february_ends_on_its_last_day() -> None:
    assert parse_window("2024-02", OCT[11]).end == date(2024, 2, 29)


def test_window_current_month_never_passes_today() -> None:
    assert parse_window("2026-10", OCT[11]) == Window("2026-10", OCT[1], OCT[11])


def test_window_future_month_is_refused() -> None:
    with pytest.raises(UsageError) as err:
        parse_window("2026-11", OCT[11])
    assert err.value.key == "errors.future_date"


@pytest.mark.parametrize("token", ["yesterday", "2026-13", "2026-00", "2026-9", "10/2026", "w"])
def test_window_bad_token_is_refused(token: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_window(token, OCT[11])
    assert err.value.key == "errors.bad_window"
    assert err.value.params == {"value": token}


# --- the dataset ----------------------------------------------------------------------------


@dataclass
class World:
    project: int
    other: int
    ids: dict[str, int]


def _person(s: Session, tg: int, name: str, **kw: object) -> Person:
    person = Person(tg_id=tg, name=name, post="科员", **kw)
    s.add(person)
    s.flush()
    return person


def _member(s: Session, person: Person, project: Project, joined: datetime,
            active: bool = True) -> None:
    s.add(Membership(person_id=person.id, project_id=project.id, joined_at=joined, active=active))


_next_message = iter(range(1, 100_000))


def _report(s: Session, person: Person, project: Project, posted: datetime, text: str,
            *, backfill: date | None = None) -> DailyReport:
    msg = ReportMessage(chat_id=-100, message_id=next(_next_message), posted_at=posted,
                        text=text)
    recorded = record(s, person=person, project=project, msg=msg, tz=TZ, nudge_time=NUDGE,
                      backfill=backfill, today=posted.astimezone(TZ).date())
    assert recorded.created
    return s.get(DailyReport, recorded.post.id)


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
        s.add(Chat(id=-100, title="城南快速路工作群", project_id=project.id, tz=str(TZ),
                   daily_time=NUDGE))

        a = _person(s, 1, "张三")
        b = _person(s, 2, "李四")
        c = _person(s, 3, "王五")
        d = _person(s, 4, "赵六")
        examiner = _person(s, 5, "孙考察", is_examiner=True)
        admin = _person(s, 6, "周管理", is_admin=True)
        env_admin = _person(s, ENV_ADMIN_TG, "吴组织")
        gone = _person(s, 8, "郑离开")
        for p in (a, b, d, examiner, admin, env_admin):
            _member(s, p, project, long_ago)
        _member(s, gone, project, long_ago, active=False)
        _member(s, c, project, datetime(2026, 10, 10, 4, 0, tzinfo=UTC))  # 12:00 local on 10th

        # A: on time on the 8th, late on the 9th, nothing on the 10th; a holiday report too.
        _report(s, a, project, local(OCT[7], 10), "#日报\n进度：10%")
        _report(s, a, project, local(OCT[8], 9), "#日报\n进度：30%\n完成：签约3户")
        _report(s, a, project, local(OCT[9], 20), "#日报\n进度：40%\n问题：管线迁改滞后")
        # B: late then on time on the 8th (counts on time); on leave 9th-12th.
        _report(s, b, project, local(OCT[8], 19), "#日报 晚")
        _report(s, b, project, local(OCT[8], 8), "#日报 早")
        s.add(Leave(person_id=b.id, start=OCT[9], end=OCT[12], kind="出差"))
        # D: back-fills the 8th on the 9th (late), on time on the 9th, withdraws the 10th.
        _report(s, d, project, local(OCT[9], 10), "#日报 补", backfill=OCT[8])
        _report(s, d, project, local(OCT[9], 11), "#日报 今天")
        _report(s, d, project, local(OCT[10], 9), "#日报 撤回").withdrawn = True
        # Examiners and admins who post reports are still not reporters.
        for p in (examiner, admin, env_admin, gone):
            _report(s, p, project, local(OCT[8], 9), "#日报")
        # C reports in another project only: does not count for this one.
        _report(s, c, other, local(OCT[10], 9), "#日报 别的项目")
        ids = {"a": a.id, "b": b.id, "c": c.id, "d": d.id, "examiner": examiner.id,
               "admin": admin.id, "env_admin": env_admin.id, "gone": gone.id}
        return World(project=project.id, other=other.id, ids=ids)


def _examiner(s: Session, world: World, projects: list[int] | None = None) -> Actor:
    person = s.get(Person, world.ids["examiner"])
    return Actor(user=UserInfo(id=person.tg_id), person=person, is_examiner=True,
                 examiner_projects=projects or [])


def _summary(db: Database, world: World, token: str = "week", today: date = TODAY):
    with db.session(write=False) as s:
        project = s.get(Project, world.project)
        return summary(s, _examiner(s, world), project, token, now=local(today, 12),
                       default_tz="Asia/Shanghai", admins=ADMINS)


def _by_id(view) -> dict[int, tuple[int, int, int, int]]:
    return {c.person.id: (c.on_time, c.late, c.missing, c.leave) for c in view.cadres}


# --- summary --------------------------------------------------------------------------------


def test_summary_counts_only_working_days(db: Database, world: World) -> None:
    assert _summary(db, world).workdays == 3  # 8th, 9th and the make-up Saturday 10th


def test_summary_lists_cadres_but_not_examiners_admins_or_former_members(
        db: Database, world: World) -> None:
    listed = {c.person.id for c in _summary(db, world).cadres}
    assert listed == {world.ids[k] for k in ("a", "b", "c", "d")}


def test_summary_on_time_late_and_missing_for_a_plain_cadre(db: Database, world: World) -> None:
    # On time on the 8th, late on the 9th, missing on the make-up Saturday; the holiday
    # report on the 7th counts for nothing.
    assert _by_id(_summary(db, world))[world.ids["a"]] == (1, 1, 1, 0)


def test_summary_day_with_an_on_time_and_a_late_report_is_on_time(
        db: Database, world: World) -> None:
    assert _by_id(_summary(db, world))[world.ids["b"]][:2] == (1, 0)


def test_summary_excludes_leave_days(db: Database, world: World) -> None:
    # B was away on the 9th and 10th: counted as leave, not missing.
    assert _by_id(_summary(db, world))[world.ids["b"]] == (1, 0, 0, 2)


def test_summary_does_not_count_days_before_a_cadre_joined(db: Database, world: World) -> None:
    # C joined on the 10th and reported only to another project: one missing day, not three.
    assert _by_id(_summary(db, world))[world.ids["c"]] == (0, 0, 1, 0)


def test_summary_backfill_is_late_and_withdrawn_report_is_missing(
        db: Database, world: World) -> None:
    assert _by_id(_summary(db, world))[world.ids["d"]] == (1, 1, 1, 0)


def test_summary_totals(db: Database, world: World) -> None:
    assert _summary(db, world).totals == (3, 2, 3)


def test_summary_shows_latest_progress_and_every_done_and_problem_line(
        db: Database, world: World) -> None:
    [line] = [c for c in _summary(db, world).cadres if c.person.id == world.ids["a"]]
    assert line.progress == 40
    assert line.done == [(OCT[8], "签约3户")]
    assert line.problems == [(OCT[9], "管线迁改滞后")]


def test_summary_of_a_non_working_day_counts_nothing(db: Database, world: World) -> None:
    view = _summary(db, world, "today", SUNDAY)
    assert view.workdays == 0
    assert view.totals == (0, 0, 0)


def test_summary_of_one_working_day(db: Database, world: World) -> None:
    view = _summary(db, world, "today", OCT[9])
    counts = _by_id(view)
    assert view.workdays == 1
    assert counts[world.ids["a"]] == (0, 1, 0, 0)
    assert counts[world.ids["b"]] == (0, 0, 0, 1)
    assert counts[world.ids["c"]] == (0, 0, 0, 0)  # not yet a member that day
    assert counts[world.ids["d"]] == (1, 0, 0, 0)


def test_summary_is_refused_to_a_cadre(db: Database, world: World) -> None:
    with db.session(write=False) as s:
        person = s.get(Person, world.ids["a"])
        actor = Actor(user=UserInfo(id=person.tg_id), person=person,
                      cadre_projects=[world.project])
        with pytest.raises(Refused) as err:
            summary(s, actor, s.get(Project, world.project), "week", now=local(TODAY, 12),
                    default_tz="Asia/Shanghai", admins=ADMINS)
    assert err.value.key == "errors.examiner_only"


def test_summary_is_refused_to_an_examiner_of_another_project(db: Database, world: World) -> None:
    with db.session(write=False) as s:
        actor = _examiner(s, world, projects=[world.other])
        with pytest.raises(Refused) as err:
            summary(s, actor, s.get(Project, world.project), "week", now=local(TODAY, 12),
                    default_tz="Asia/Shanghai", admins=ADMINS)
    assert err.value.key == "errors.not_your_project"


def test_summary_join_day_is_the_local_date_in_the_project_timezone(db: Database,
                                                                     world: World) -> None:
    with db.session() as s:
        late_joiner = _person(s, 20, "钱新来")
        _member(s, late_joiner, s.get(Project, world.project), local(OCT[9], 7, 30))
        late_id = late_joiner.id
    counts = _by_id(_summary(db, world, "week", OCT[9]))
    assert counts[late_id] == (0, 0, 1, 0)  # only the 9th, the day they joined


# --- missing --------------------------------------------------------------------------------


def _missing(db: Database, world: World, today: date):
    with db.session(write=False) as s:
        return missing(s, _examiner(s, world), s.get(Project, world.project), admins=ADMINS,
                       now=local(today, 12), default_tz="Asia/Shanghai")


def test_missing_on_a_makeup_saturday_lists_who_has_not_reported(
        db: Database, world: World) -> None:
    view = _missing(db, world, OCT[10])
    assert view.workday is True
    # A posted nothing, D withdrew the report, C reported to another project only: like
    # /summary, /missing counts reports to this project.
    assert {p.id for p in view.missing} == {world.ids["a"], world.ids["c"], world.ids["d"]}
    assert [p.id for p in view.on_leave] == [world.ids["b"]]
    assert view.total == 4


def test_missing_on_a_working_day_skips_those_who_reported_late(
        db: Database, world: World) -> None:
    view = _missing(db, world, OCT[9])
    listed = {p.id for p in view.missing}
    assert view.workday is True
    assert world.ids["a"] not in listed  # reported after the nudge time: late, not missing
    assert world.ids["d"] not in listed
    assert world.ids["b"] not in listed  # on leave


def test_missing_on_a_sunday_lists_nobody(db: Database, world: World) -> None:
    view = _missing(db, world, SUNDAY)
    assert view.workday is False
    assert view.missing == [] and view.on_leave == [] and view.total == 0


def test_missing_on_a_public_holiday_lists_nobody(db: Database, world: World) -> None:
    view = _missing(db, world, OCT[1])  # National Day, a Thursday
    assert view.workday is False
    assert view.missing == []


def test_missing_never_lists_examiners_or_admins(db: Database, world: World) -> None:
    view = _missing(db, world, OCT[12])  # Monday: nobody has reported
    assert {p.id for p in view.missing} == {world.ids[k] for k in ("a", "c", "d")}
