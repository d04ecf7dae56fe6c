"""Schedule rules on the real 2026 calendar, /schedule parsing, and the command in a group."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from sqlmodel import select

from core.common.errors import UsageError
from core.review import schedule
from core.review.schedule import Change, next_run, parse, previous_slot, relevant, slot
from storage.tables import Chat
from tests.auxil.cast import ADMIN, CADRE, GROUP, setup_project
from tests.auxil.factories import make_group, make_message, make_user, message_update, private

SHANGHAI = ZoneInfo("Asia/Shanghai")
URUMQI = ZoneInfo("Asia/Urumqi")
EXAMINER = make_user(4001, "考察员甲", "kaocha")


def chat(**fields: object) -> Chat:
    return Chat(id=-100200300, **fields)


def local(y: int, m: int, d: int, hh: int = 12, mm: int = 0, tz: ZoneInfo = SHANGHAI) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=tz)


@pytest.fixture
def calendar_knows_2026_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the package's ignorance of 2027 explicit, so a data update cannot change the test."""
    known = chinese_calendar.is_workday

    def is_workday(day: date) -> bool:
        if day.year > 2026:
            raise NotImplementedError(f"no available data for year {day.year}")
        return known(day)

    monkeypatch.setattr(chinese_calendar, "is_workday", is_workday)


# --- daily nudge ------------------------------------------------------------------------------

def test_national_day_has_no_daily_slot() -> None:
    assert slot(chat(), "daily-nudge", local(2026, 10, 1)) is None


def test_makeup_saturday_has_a_daily_slot_at_the_nudge_time() -> None:
    saturday = date(2026, 10, 10)
    assert saturday.weekday() == 5 and chinese_calendar.is_workday(saturday)
    found = slot(chat(), "daily-nudge", local(2026, 10, 10))
    assert found == schedule.Slot("daily-nudge", -100200300, "2026-10-10", saturday, saturday,
                                  saturday, datetime(2026, 10, 10, 10, 0, tzinfo=UTC))


def test_ordinary_sunday_has_no_daily_slot() -> None:
    assert slot(chat(), "daily-nudge", local(2026, 11, 22)) is None


# --- weekly prompt ----------------------------------------------------------------------------

def test_weekly_default_falls_on_friday_in_an_ordinary_week() -> None:
    found = slot(chat(), "weekly-prompt", local(2026, 11, 17))
    assert (found.period_key, found.start, found.end) == ("2026-W47", date(2026, 11, 16),
                                                          date(2026, 11, 22))
    assert found.day == date(2026, 11, 20)
    assert found.at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def test_weekly_default_falls_on_the_makeup_saturday() -> None:
    assert slot(chat(), "weekly-prompt", local(2026, 10, 8)).day == date(2026, 10, 10)


def test_weekly_default_falls_on_the_day_before_national_day() -> None:
    assert slot(chat(), "weekly-prompt", local(2026, 9, 28)).day == date(2026, 9, 30)


def test_week_without_a_working_day_has_no_weekly_slot() -> None:
    assert slot(chat(), "weekly-prompt", local(2026, 2, 18)) is None  # 春节 week


def test_previous_slot_skips_a_week_without_working_days() -> None:
    found = previous_slot(chat(), "weekly-prompt", local(2026, 2, 25))
    assert (found.period_key, found.day) == ("2026-W07", date(2026, 2, 14))


def test_explicit_weekday_on_a_holiday_moves_to_the_working_day_before() -> None:
    found = slot(chat(weekly_day=3), "weekly-prompt", local(2026, 9, 28))  # Thursday = Oct 1
    assert found.day == date(2026, 9, 30)


def test_explicit_weekday_with_no_working_day_before_moves_to_the_first_after() -> None:
    found = slot(chat(weekly_day=0), "weekly-prompt", local(2026, 10, 6))  # Monday = Oct 5
    assert found.day == date(2026, 10, 8)


def test_year_end_week_uses_the_weekday_fallback_for_2027(calendar_knows_2026_only) -> None:
    found = slot(chat(), "weekly-prompt", local(2026, 12, 29))
    assert (found.period_key, found.start, found.end) == ("2026-W53", date(2026, 12, 28),
                                                          date(2027, 1, 3))
    assert found.day == date(2027, 1, 1)  # a Friday, unknown to the package: Mon–Fri counts
    assert slot(chat(), "daily-nudge", local(2027, 1, 2)) is None


# --- monthly prompt ---------------------------------------------------------------------------

def test_month_ending_on_a_weekend_prompts_on_its_last_working_day() -> None:
    assert not chinese_calendar.is_workday(date(2026, 10, 31))
    found = slot(chat(), "monthly-prompt", local(2026, 10, 12))
    assert (found.period_key, found.start, found.end) == ("2026-10", date(2026, 10, 1),
                                                          date(2026, 10, 31))
    assert found.day == date(2026, 10, 30)


def test_monthly_default_can_fall_on_a_makeup_saturday() -> None:
    assert slot(chat(), "monthly-prompt", local(2026, 2, 3)).day == date(2026, 2, 28)


def test_monthly_day_on_a_holiday_moves_to_the_next_working_day() -> None:
    assert slot(chat(monthly_day=1), "monthly-prompt", local(2026, 10, 20)).day == date(2026, 10, 8)


def test_monthly_day_with_no_working_day_after_it_moves_to_the_last_before() -> None:
    found = slot(chat(monthly_day=28), "monthly-prompt", local(2025, 1, 3))  # 春节 from Jan 28
    assert found.day == date(2025, 1, 27)


# --- time zones -------------------------------------------------------------------------------

def test_same_wall_time_is_a_different_utc_moment_in_urumqi() -> None:
    moment = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
    shanghai = slot(chat(), "daily-nudge", moment)
    urumqi = slot(chat(tz="Asia/Urumqi"), "daily-nudge", moment)
    assert shanghai.at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert urumqi.at == datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_the_period_is_the_local_day_of_the_chats_timezone() -> None:
    moment = datetime(2026, 11, 19, 17, 0, tzinfo=UTC)  # Fri 01:00 in Shanghai, Thu 23:00 in Urumqi
    assert slot(chat(), "daily-nudge", moment).day == date(2026, 11, 20)
    assert slot(chat(tz="Asia/Urumqi"), "daily-nudge", moment).day == date(2026, 11, 19)


# --- relevance of a missed slot ---------------------------------------------------------------

def test_missed_daily_nudge_is_relevant_only_on_its_local_day() -> None:
    missed = slot(chat(), "daily-nudge", local(2026, 11, 20))
    assert relevant(missed, local(2026, 11, 20, 23, 59), SHANGHAI)
    assert not relevant(missed, local(2026, 11, 21, 0, 1), SHANGHAI)


def test_relevance_is_judged_in_the_given_timezone() -> None:
    missed = slot(chat(tz="Asia/Urumqi"), "daily-nudge", local(2026, 11, 20, tz=URUMQI))
    moment = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # Nov 21 in Shanghai, Nov 20 in Urumqi
    assert relevant(missed, moment, "Asia/Urumqi")
    assert not relevant(missed, moment, SHANGHAI)


def test_missed_weekly_prompt_is_relevant_until_the_iso_week_ends() -> None:
    missed = slot(chat(), "weekly-prompt", local(2026, 11, 20))
    assert relevant(missed, local(2026, 11, 22, 23, 59), SHANGHAI)
    assert not relevant(missed, local(2026, 11, 23, 0, 0), SHANGHAI)


def test_missed_monthly_prompt_is_relevant_until_the_month_ends() -> None:
    missed = slot(chat(), "monthly-prompt", local(2026, 10, 30))
    assert relevant(missed, local(2026, 10, 31, 23, 0), SHANGHAI)
    assert not relevant(missed, local(2026, 11, 1, 8, 0), SHANGHAI)


# --- next run ---------------------------------------------------------------------------------

def test_next_run_later_the_same_working_day() -> None:
    assert next_run(chat(), "daily-nudge", local(2026, 11, 20, 9)) == local(2026, 11, 20, 18)


def test_next_run_skips_the_national_day_holiday() -> None:
    after = local(2026, 9, 30, 18)  # exactly the slot: strictly after means the next one
    assert next_run(chat(), "daily-nudge", after) == local(2026, 10, 8, 18)


def test_next_weekly_run_after_this_weeks_prompt_is_next_week() -> None:
    assert next_run(chat(), "weekly-prompt", local(2026, 11, 20, 17)) == local(2026, 11, 27, 16)


def test_next_run_is_none_when_the_schedule_is_off() -> None:
    assert next_run(chat(schedule_on=False), "daily-nudge", local(2026, 11, 20, 9)) is None


# --- parsing ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    ([], Change("show")),
    (["daily", "8:30"], Change("daily", {"daily_time": "08:30"})),
    (["daily", "18：05"], Change("daily", {"daily_time": "18:05"})),
    (["weekly", "Fri", "16:00"], Change("weekly", {"weekly_day": 4, "weekly_time": "16:00"})),
    (["weekly", "last", "15:30"], Change("weekly", {"weekly_day": -1, "weekly_time": "15:30"})),
    (["weekly", "sun", "09:00"], Change("weekly", {"weekly_day": 6, "weekly_time": "09:00"})),
    (["monthly", "last", "16:00"], Change("monthly", {"monthly_day": 0, "monthly_time": "16:00"})),
    (["monthly", "28", "00:00"], Change("monthly", {"monthly_day": 28, "monthly_time": "00:00"})),
    (["tz", "asia/urumqi"], Change("tz", {"tz": "Asia/Urumqi"})),
    (["off"], Change("off", {"schedule_on": False})),
    (["on"], Change("on", {"schedule_on": True})),
])
def test_parse_accepts_every_spec_form(args: list[str], expected: Change) -> None:
    assert parse(args) == expected


@pytest.mark.parametrize(("args", "key"), [
    (["daily", "25:00"], "schedule.bad_time"),
    (["daily", "7:5"], "schedule.bad_time"),
    (["daily", "18:60"], "schedule.bad_time"),
    (["daily", "six"], "schedule.bad_time"),
    (["weekly", "fri", "24:00"], "schedule.bad_time"),
    (["weekly", "friday", "16:00"], "schedule.bad_weekday"),
    (["monthly", "29", "16:00"], "schedule.bad_monthday"),
    (["monthly", "31", "16:00"], "schedule.bad_monthday"),
    (["monthly", "0", "16:00"], "schedule.bad_monthday"),
    (["tz", "Mars/Olympus"], "schedule.bad_zone"),
    (["tz", "../etc/passwd"], "schedule.bad_zone"),
    (["daily", "18:00", "please"], "schedule.extra_words"),
    (["off", "now"], "schedule.extra_words"),
    (["weekly", "16:00"], "schedule.usage"),
    (["hourly", "10:00"], "schedule.usage"),
])
def test_parse_refuses_bad_values_with_a_specific_key(args: list[str], key: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(args)
    assert caught.value.key == key


# --- /schedule in a group ---------------------------------------------------------------------

def say(group, user, text):
    return message_update(make_message(group, user, text))


def stored_chat(h) -> Chat:
    with h.db.session(write=False) as s:
        return s.exec(select(Chat).where(Chat.id == GROUP.id)).one()


async def test_admin_changes_the_daily_time_and_show_lists_it(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, ADMIN, "/schedule daily 8:30"))
    assert "每日提醒" in harness.last() and "08:30" in harness.last()
    assert stored_chat(harness).daily_time == "08:30"
    await harness.feed(say(GROUP, ADMIN, "/schedule"))
    shown = harness.last()
    assert "每个工作日 08:30；下次运行：20" in shown  # a date, then the new time
    assert "周报提示" in shown and "月报提示" in shown


async def test_examiner_can_show_the_schedule(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(private(ADMIN), ADMIN, "/grant examiner 4001"))
    await harness.feed(say(GROUP, EXAMINER, "/schedule"))
    assert "下次运行" in harness.last()


async def test_cadre_cannot_change_the_schedule(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, CADRE, "/schedule daily 08:30"))
    assert "仅限管理员" in harness.last()
    assert stored_chat(harness).daily_time == "18:00"


async def test_bad_value_gets_one_line_and_changes_nothing(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, ADMIN, "/schedule monthly 30 16:00"))
    [answer] = harness.texts(GROUP.id)
    assert "1–28" in answer and "\n" not in answer
    assert stored_chat(harness).monthly_day == 0


async def test_turning_the_schedule_off_shows_it_paused(harness) -> None:
    await setup_project(harness)
    await harness.feed(say(GROUP, ADMIN, "/schedule off"))
    assert stored_chat(harness).schedule_on is False
    await harness.feed(say(GROUP, ADMIN, "/schedule"))
    lines = {line.split("：")[0]: line for line in harness.last().splitlines()}
    for job in ("· 每日提醒", "· 周报提示", "· 月报提示"):
        assert lines[job].endswith("下次运行：已暂停")
    assert "下次运行：20" in lines["· 交办单提醒"]  # orders keep their deadlines


async def test_schedule_in_private_says_it_belongs_in_a_group(harness) -> None:
    await harness.feed(say(private(ADMIN), ADMIN, "/schedule"))
    assert "工作群" in harness.last()


async def test_schedule_in_an_unbound_group_names_bind(harness) -> None:
    await harness.feed(say(make_group(-100777, "新群"), ADMIN, "/schedule"))
    assert "/bind" in harness.last()
