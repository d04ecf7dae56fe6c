"""考察期: one theme over dates and projects, one open at a time, "3+1", frozen grades, 三期管理."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from core.assessment import boards, judgement, scores
from core.common.calendar import workdays
from core.common.errors import UsageError
from core.org import periods
from storage.db import Database
from storage.tables import (
    Period,
    PeriodProject,
    ScoreSnapshot,
    StageEntry,
)
from tests.auxil.cast import ADMIN, CADRE, GROUP, setup_project
from tests.auxil.district import (
    GRADING,
    NOV,
    QUARTERS,
    TODAY,
    TZ,
    District,
    close,
    fill_reports,
    grade,
    open_,
    seed,
)
from tests.auxil.factories import button_press, make_message, message_update, private


def rows(db: Database, model, *where) -> list:  # type: ignore[no-untyped-def]
    with db.session(write=False) as s:
        return list(s.exec(select(model).where(*where)))


def refused(db: Database, call) -> str:  # type: ignore[no-untyped-def]
    """The key of the UsageError a call raises inside a session that is then rolled back."""
    with pytest.raises(UsageError) as caught, db.session() as s:
        call(s)
    return caught.value.key


# --- opening -----------------------------------------------------------------------------

def test_open_without_projects_covers_every_project(db: Database) -> None:
    d = seed(db)
    period_id = open_(db, d, "攻坚季", NOV)
    covered = {r.project_id for r in rows(db, PeriodProject, PeriodProject.period_id == period_id)}
    assert covered == {p.id for p in d.projects}


def test_open_with_named_projects_covers_only_those(db: Database) -> None:
    d = seed(db)
    period_id = open_(db, d, "攻坚季", NOV, "北区学校")
    assert [r.project_id for r in rows(db, PeriodProject)] == [d.projects[1].id]
    assert rows(db, Period)[0].id == period_id


def test_a_project_named_twice_is_covered_once(db: Database) -> None:
    d = seed(db)
    open_(db, d, "攻坚季", NOV, "北区学校", "北区学校")
    assert [r.project_id for r in rows(db, PeriodProject)] == [d.projects[1].id]


def test_an_overlapping_period_for_the_same_project_is_refused(db: Database) -> None:
    d = seed(db)
    open_(db, d, "攻坚季", NOV)
    key = refused(db, lambda s: periods.open_(s, d.admin, "冲刺", date(2026, 11, 20),
                                              date(2026, 12, 20), ["城南快速路"]))
    assert key == "periods.overlap"
    assert [p.theme for p in rows(db, Period)] == ["攻坚季"] and len(rows(db, PeriodProject)) == 2


def test_overlapping_dates_with_a_closed_period_are_refused(db: Database) -> None:
    d = seed(db)
    open_(db, d, "攻坚季", NOV)
    close(db, d)
    key = refused(db, lambda s: periods.open_(s, d.admin, "补考", date(2026, 11, 27),
                                              date(2026, 12, 10), []))
    assert key == "periods.overlap" and len(rows(db, Period)) == 1


def test_the_same_dates_over_other_projects_are_allowed(db: Database) -> None:
    d = seed(db)
    open_(db, d, "攻坚季", NOV, "城南快速路")
    open_(db, d, "学校建设", NOV, "北区学校")
    assert sorted(p.theme for p in rows(db, Period, Period.status == "open")) == ["学校建设", "攻坚季"]


def test_a_second_open_period_for_a_project_is_refused_even_without_overlap(db: Database
                                                                            ) -> None:
    d = seed(db)
    open_(db, d, "攻坚季", NOV)
    key = refused(db, lambda s: periods.open_(s, d.admin, "冬季", date(2026, 12, 1),
                                              date(2026, 12, 31), ["北区学校"]))
    assert key == "periods.still_open" and len(rows(db, Period)) == 1


def test_end_before_start_is_refused(db: Database) -> None:
    d = seed(db)
    key = refused(db, lambda s: periods.open_(s, d.admin, "倒置", date(2026, 12, 31),
                                              date(2026, 12, 1), []))
    assert key == "errors.date_order" and rows(db, Period) == []


def test_only_an_admin_opens_a_period(db: Database) -> None:
    from core.common.errors import Refused

    d = seed(db)
    with pytest.raises(Refused), db.session() as s:
        periods.open_(s, d.examiner, "越权", *NOV, [])
    assert rows(db, Period) == []


# --- listing and closing -------------------------------------------------------------------

def test_list_shows_newest_first_with_projects_and_status(db: Database) -> None:
    d = seed(db)
    open_(db, d, "第一期", QUARTERS[0])
    close(db, d)
    open_(db, d, "第二期", QUARTERS[1], "北区学校")
    with db.session(write=False) as s:
        found = periods.listing(s, d.examiner)
    assert [(v.period.theme, v.period.status, sorted(p.name for p in v.projects))
            for v in found] == [("第二期", "open", ["北区学校"]),
                                ("第一期", "closed", ["北区学校", "城南快速路"])]


def test_close_without_a_theme_closes_the_only_open_period(db: Database) -> None:
    d = seed(db)
    open_(db, d, "攻坚季", NOV)
    closed = close(db, d)
    assert closed.period.theme == "攻坚季"
    [period] = rows(db, Period)
    assert period.status == "closed" and period.closed_at is not None


def test_close_without_a_theme_with_several_open_asks_which_and_closes_none(db: Database
                                                                         ) -> None:
    d = seed(db)
    open_(db, d, "攻坚季", NOV, "城南快速路")
    open_(db, d, "学校建设", NOV, "北区学校")
    key = refused(db, lambda s: boards.close(s, d.admin, None, today=TODAY,
                                                  grading=GRADING, tz=TZ))
    assert key == "periods.which"
    assert {p.status for p in rows(db, Period)} == {"open"} and rows(db, ScoreSnapshot) == []


def test_close_by_theme_with_several_open_closes_that_one(db: Database) -> None:
    d = seed(db)
    open_(db, d, "攻坚季", NOV, "城南快速路")
    open_(db, d, "学校建设", NOV, "北区学校")
    close(db, d, "学校建设")
    assert {p.theme: p.status for p in rows(db, Period)} == {"攻坚季": "open",
                                                             "学校建设": "closed"}


def test_closing_a_closed_period_again_is_refused(db: Database) -> None:
    d = seed(db)
    open_(db, d, "攻坚季", NOV)
    close(db, d)
    entries = len(rows(db, StageEntry))
    key = refused(db, lambda s: boards.close(s, d.admin, "攻坚季", today=TODAY,
                                                  grading=GRADING, tz=TZ))
    assert key == "periods.already_closed" and len(rows(db, StageEntry)) == entries


# --- "3+1" ---------------------------------------------------------------------------------

def three_regular(db: Database, d: District) -> list[bool]:
    proposals = []
    for n, dates in enumerate(QUARTERS[:3]):
        open_(db, d, f"第{n + 1}期", dates)
        proposals.append(close(db, d).propose_review)
    return proposals


def test_closing_the_third_regular_period_proposes_a_review(db: Database) -> None:
    d = seed(db)
    assert three_regular(db, d) == [False, False, True]


def test_the_review_opens_over_the_same_projects_from_tomorrow_for_30_days(db: Database
                                                                         ) -> None:
    d = seed(db)
    open_(db, d, "一", QUARTERS[0], "北区学校")
    close(db, d)
    open_(db, d, "二", QUARTERS[1], "北区学校")
    close(db, d)
    open_(db, d, "三", QUARTERS[2], "北区学校")
    closed = close(db, d)
    assert closed.propose_review
    with db.session() as s:
        opened = periods.open_review(s, d.admin, closed.period.id, "回头看", today=TODAY)
    assert (opened.period.kind, opened.period.start, opened.period.end) == (
        "review", date(2026, 12, 2), date(2026, 12, 31))
    assert [p.name for p in opened.projects] == ["北区学校"]


def test_after_a_held_review_the_next_regular_close_does_not_propose(db: Database) -> None:
    d = seed(db)
    three_regular(db, d)
    open_(db, d, "回头看", QUARTERS[3], kind="review")
    assert close(db, d).propose_review is False  # closing the review proposes nothing
    proposals = []
    for n, dates in enumerate(QUARTERS[4:]):
        open_(db, d, f"新{n}", dates)
        proposals.append(close(db, d).propose_review)
    assert proposals == [False, False]


def test_an_ignored_proposal_comes_back_after_three_more_regular_periods(db: Database) -> None:
    d = seed(db)
    three_regular(db, d)
    proposals = []
    for n, dates in enumerate(QUARTERS[3:]):
        open_(db, d, f"第{n + 4}期", dates)
        proposals.append(close(db, d).propose_review)
    assert proposals == [False, False, True]  # the 4th and 5th do not ask again; the 6th does


# --- frozen grades --------------------------------------------------------------------------

def test_data_added_after_close_does_not_change_the_period_scores(db: Database) -> None:
    d = seed(db)
    cadre, project = d.cadres[0], d.projects[0]
    days = workdays(*NOV)
    with db.session() as s:
        fill_reports(s, cadre, project, days[:10])
    open_(db, d, "攻坚季", NOV, "城南快速路")
    grade(db, d, cadre, 70)
    close(db, d)
    with db.session() as s:  # back-filled reports inside the period arrive after it closed
        fill_reports(s, cadre, project, days[10:18], items=1)
    with db.session(write=False) as s:
        view = boards.view(s, d.examiner, "城南快速路", "攻坚季", group_project=None,
                                today=TODAY, grading=GRADING, tz=TZ)
        period = s.exec(select(Period)).one()
        live = scores.compute(s, [project], period, today=TODAY, grading=GRADING, tz=TZ)
    [frozen_row] = [r for r in view.rows if r.person.id == cadre.id]
    [live_row] = [r for r in live if r.person.id == cadre.id]
    assert view.frozen
    assert (frozen_row.score.figures.reported, frozen_row.score.figures.workdays) == (10, 20)
    assert live_row.score.figures.reported == 18  # what the data would say now …
    assert frozen_row.score.composite != live_row.score.composite  # … is not what is shown


def test_grading_after_the_period_closed_is_refused(db: Database) -> None:
    d = seed(db)
    open_(db, d, "攻坚季", NOV)
    close(db, d)
    key = refused(db, lambda s: judgement.grade(s, d.examiner, d.cadres[0], 90, ""))
    assert key == "assessment.no_open_period"


# --- 三期管理 -------------------------------------------------------------------------------

def test_three_fair_periods_then_a_good_one_move_a_cadre_through_the_stages(db: Database
                                                                          ) -> None:
    d = seed(db, cadres=1)
    cadre, project = d.cadres[0], d.projects[0]
    stages = []
    for n, dates in enumerate(QUARTERS[:4]):
        open_(db, d, f"第{n + 1}期", dates, "城南快速路")
        if n == 3:  # reported every working day with an achievement each: 良好
            with db.session() as s:
                fill_reports(s, cadre, project, workdays(*dates), items=1)
        grade(db, d, cadre, 40 if n < 3 else 70)
        closed = close(db, d)
        [row] = closed.rows
        stages.append((row.grade, closed.moved.get(cadre.id)))
    assert stages == [("一般", "screening"), ("一般", "warning"), ("一般", "watching"),
                      ("良好", "out")]
    assert [e.stage for e in rows(db, StageEntry, StageEntry.person_id == cadre.id)] == [
        "screening", "warning", "watching", "out"]


def test_a_good_cadre_never_enters_the_stages(db: Database) -> None:
    d = seed(db, cadres=1)
    open_(db, d, "第一期", QUARTERS[0], "城南快速路")
    with db.session() as s:
        fill_reports(s, d.cadres[0], d.projects[0], workdays(*QUARTERS[0]), items=1)
    grade(db, d, d.cadres[0], 80)
    assert close(db, d).moved == {} and rows(db, StageEntry) == []


# --- through the bot -------------------------------------------------------------------------

def say(chat, user, text):
    return message_update(make_message(chat, user, text))


async def test_refused_openings_answer_one_line_and_create_nothing(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(private(ADMIN), ADMIN, f"/period open 攻坚季 {NOV[0]} {NOV[1]}"))
    harness.request.clear()
    for text in ("/period open 冲刺 2026-11-20 2026-12-20 城南快速路",
                 "/period open 冬季 2026-12-01 2026-12-31",
                 "/period open 倒置 2026-12-31 2026-12-01"):
        await harness.feed(say(private(ADMIN), ADMIN, text))
    overlap, still_open, order = harness.texts(ADMIN.id)
    assert "不能重叠" in overlap and "攻坚季" in still_open and "早于" in order
    assert "\n" not in overlap + still_open + order
    assert [p.theme for p in rows(harness.db, Period)] == ["攻坚季"]


async def test_the_third_close_offers_a_button_that_opens_the_review(harness) -> None:
    await setup_project(harness)
    for n, (start, end) in enumerate(QUARTERS[:3]):
        await harness.feed(say(private(ADMIN), ADMIN, f"/period open 第{n + 1}期 {start} {end}"))
        await harness.feed(say(private(ADMIN), ADMIN, "/period close"))
    offers = [c for c in harness.request.sent(chat_id=ADMIN.id) if c.params.get("reply_markup")]
    [offer] = offers  # only the third close asks
    assert "3+1" in offer.text
    [[button]] = offer.params["reply_markup"]["inline_keyboard"]
    asked = make_message(private(ADMIN), harness.runtime.app.bot.bot, offer.text)
    await harness.feed(button_press(ADMIN, asked, button["callback_data"]))
    assert "已开启回头看考察期「回头看·第3期」" in harness.last(ADMIN.id)
    [review] = rows(harness.db, Period, Period.kind == "review")
    assert review.status == "open" and review.end - review.start == timedelta(days=29)
    assert harness.request.sent("editMessageReplyMarkup")  # the button is gone


async def test_cadre_record_shows_the_stage_after_each_closed_period(harness) -> None:
    await setup_project(harness)  # 张三 registered today: the past periods count his grade only
    await harness.feed(say(private(ADMIN), ADMIN, "/grant examiner 4001"))
    from tests.auxil.cast import EXAMINER
    shown = []
    for n, (start, end) in enumerate(QUARTERS[:4]):
        await harness.feed(say(private(ADMIN), ADMIN, f"/period open 第{n + 1}期 {start} {end}"))
        await harness.feed(say(private(EXAMINER), EXAMINER, f"/grade 张三 {50 if n < 3 else 75}"))
        await harness.feed(say(private(ADMIN), ADMIN, "/period close"))
        await harness.feed(say(private(CADRE), CADRE, "/cadre 张三"))
        record = harness.last(CADRE.id)
        shown.append(next((line for line in record.splitlines() if "三期管理" in line), None))
    assert shown == ["⚠️ 三期管理：摸底排查期", "⚠️ 三期管理：预警考察期",
                     "⚠️ 三期管理：跟踪观察期", None]


_ = GROUP
