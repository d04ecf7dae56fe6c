"""core.common.calendar against the real chinese-calendar data (holidays off, 调休 make-up days on)."""

from __future__ import annotations

import logging
from datetime import date

import chinese_calendar
import pytest

from core.common import calendar
from core.common.calendar import is_workday, last_workday, month_bounds, week_bounds, workdays

# A year chinese-calendar will never know; 2027 is unknown to 1.11 today but will gain data.
UNKNOWN_YEAR = 2099


def _makeup_weekend_days_2026() -> list[date]:
    """2026 weekend days the package itself reports as working days (调休)."""
    days = chinese_calendar.get_workdays(date(2026, 1, 1), date(2026, 12, 31))
    return [d for d in days if d.weekday() >= 5]


def test_package_knows_2026_makeup_days() -> None:
    # The fixtures below rely on it: 2026-10-10 (Saturday) is a 调休 working day.
    assert date(2026, 10, 10) in _makeup_weekend_days_2026()


def test_national_day_is_not_a_working_day() -> None:
    assert date(2026, 10, 1).weekday() == 3  # a Thursday
    assert is_workday(date(2026, 10, 1)) is False


def test_every_day_of_the_national_day_holiday_is_off() -> None:
    assert workdays(date(2026, 10, 1), date(2026, 10, 7)) == []


def test_spring_festival_weekday_is_not_a_working_day() -> None:
    assert is_workday(date(2026, 2, 17)) is False  # Tuesday, 春节


def test_makeup_saturday_is_a_working_day() -> None:
    day = date(2026, 10, 10)
    assert day.weekday() == 5  # Saturday
    assert is_workday(day) is True


def test_every_makeup_weekend_day_of_2026_is_a_working_day() -> None:
    days = _makeup_weekend_days_2026()
    assert days  # 2026 has make-up days
    assert all(is_workday(d) for d in days)


def test_plain_weekday_is_a_working_day() -> None:
    assert is_workday(date(2026, 11, 18)) is True  # Wednesday


def test_plain_saturday_and_sunday_are_not_working_days() -> None:
    assert is_workday(date(2026, 11, 21)) is False
    assert is_workday(date(2026, 11, 22)) is False


def test_is_workday_returns_a_real_bool() -> None:
    assert type(is_workday(date(2026, 11, 18))) is bool


def test_workdays_includes_both_ends() -> None:
    assert workdays(date(2026, 11, 16), date(2026, 11, 20)) == [
        date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19),
        date(2026, 11, 20)]


def test_workdays_of_a_single_day() -> None:
    assert workdays(date(2026, 11, 18), date(2026, 11, 18)) == [date(2026, 11, 18)]


def test_workdays_skips_holidays_and_keeps_makeup_days() -> None:
    # The week after National Day: Mon-Wed are holiday, Sat 10 is a make-up day.
    assert workdays(date(2026, 10, 5), date(2026, 10, 11)) == [
        date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10)]


def test_workdays_of_an_empty_range_is_empty() -> None:
    assert workdays(date(2026, 11, 20), date(2026, 11, 16)) == []


def test_week_bounds_of_a_wednesday() -> None:
    assert week_bounds(date(2026, 11, 18)) == (date(2026, 11, 16), date(2026, 11, 22))


def test_week_bounds_of_a_monday_and_a_sunday_is_the_same_iso_week() -> None:
    assert week_bounds(date(2026, 11, 16)) == week_bounds(date(2026, 11, 22))
    assert week_bounds(date(2026, 11, 23))[0] == date(2026, 11, 23)


def test_week_bounds_crosses_the_year_end() -> None:
    assert week_bounds(date(2026, 12, 31)) == (date(2026, 12, 28), date(2027, 1, 3))
    assert week_bounds(date(2027, 1, 3)) == (date(2026, 12, 28), date(2027, 1, 3))


def test_month_bounds_of_february_in_a_common_year() -> None:
    assert month_bounds(date(2026, 2, 14)) == (date(2026, 2, 1), date(2026, 2, 28))


def test_month_bounds_of_february_in_a_leap_year() -> None:
    assert month_bounds(date(2028, 2, 1)) == (date(2028, 2, 1), date(2028, 2, 29))


def test_month_bounds_of_december() -> None:
    assert month_bounds(date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))


def test_month_bounds_of_a_31_day_month_from_its_last_day() -> None:
    assert month_bounds(date(2026, 1, 31)) == (date(2026, 1, 1), date(2026, 1, 31))


def test_last_workday_when_the_month_ends_on_a_weekend() -> None:
    # October 2026 ends on Saturday the 31st; Friday the 30th is the last working day.
    assert date(2026, 10, 31).weekday() == 5
    assert last_workday(*month_bounds(date(2026, 10, 1))) == date(2026, 10, 30)


def test_last_workday_when_the_month_ends_in_a_holiday() -> None:
    # January 2025 ends inside the Spring Festival holiday (Jan 28 - Feb 4): Friday the 31st
    # is off, and the last working day is Monday the 27th.
    assert date(2025, 1, 31).weekday() == 4
    assert is_workday(date(2025, 1, 31)) is False
    assert last_workday(*month_bounds(date(2025, 1, 1))) == date(2025, 1, 27)


def test_last_workday_of_february_2026_is_its_makeup_saturday() -> None:
    assert last_workday(*month_bounds(date(2026, 2, 1))) == date(2026, 2, 28)


def test_last_workday_of_the_national_day_week_is_none() -> None:
    assert last_workday(date(2026, 10, 1), date(2026, 10, 7)) is None


# --- a year the package does not know --------------------------------------------------------


@pytest.fixture
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calendar, "_warned", set())


def test_package_does_not_know_the_unknown_year() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(UNKNOWN_YEAR, 1, 5))


@pytest.mark.usefixtures("fresh_warnings")
def test_unknown_year_falls_back_to_monday_to_friday() -> None:
    monday = date(UNKNOWN_YEAR, 1, 5)
    assert monday.weekday() == 0
    assert [is_workday(date(UNKNOWN_YEAR, 1, d)) for d in range(5, 12)] == [
        True, True, True, True, True, False, False]


@pytest.mark.usefixtures("fresh_warnings")
def test_unknown_year_falls_back_for_the_real_2027() -> None:
    day = date(2027, 1, 1)  # a Friday; New Year's Day, but 1.11 has no 2027 data
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        assert is_workday(day) is True
        assert is_workday(date(2027, 1, 2)) is False
    else:
        pytest.skip("this chinese-calendar already knows 2027")


@pytest.mark.usefixtures("fresh_warnings")
def test_unknown_year_logs_one_warning_per_day(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="core.common.calendar"):
        workdays(date(UNKNOWN_YEAR, 1, 1), date(UNKNOWN_YEAR, 1, 31))
        is_workday(date(UNKNOWN_YEAR, 6, 1))
    warnings = [r for r in caplog.records if r.name == "core.common.calendar"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert str(UNKNOWN_YEAR) in warnings[0].getMessage()


@pytest.mark.usefixtures("fresh_warnings")
def test_unknown_year_warns_again_on_the_next_day(caplog: pytest.LogCaptureFixture,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    class Clock(date):
        current = date(2026, 11, 20)

        @classmethod
        def today(cls) -> date:
            return cls.current

    monkeypatch.setattr(calendar, "date", Clock)
    with caplog.at_level(logging.WARNING, logger="core.common.calendar"):
        is_workday(date(UNKNOWN_YEAR, 1, 5))
        is_workday(date(UNKNOWN_YEAR, 1, 6))
        Clock.current = date(2026, 11, 21)
        is_workday(date(UNKNOWN_YEAR, 1, 7))
    assert len([r for r in caplog.records if r.name == "core.common.calendar"]) == 2


@pytest.mark.usefixtures("fresh_warnings")
def test_known_year_logs_no_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="core.common.calendar"):
        workdays(date(2026, 1, 1), date(2026, 12, 31))
    assert [r for r in caplog.records if r.name == "core.common.calendar"] == []


@pytest.fixture
def given_days():  # type: ignore[no-untyped-def]
    """FRONTLINE_CALENDAR's days are module state: none again after the test."""
    yield calendar.use_days
    calendar.use_days({})


def test_listed_days_parse_with_ranges_comments_and_either_word() -> None:
    days = calendar.parse_days("# 2099 的安排\n2099-01-01 休\n\n2099-01-29..2099-01-31 holiday\n"
                               "2099-01-25, 班  # a Sunday worked\n")
    assert days == {date(2099, 1, 1): False, date(2099, 1, 29): False,
                    date(2099, 1, 30): False, date(2099, 1, 31): False,
                    date(2099, 1, 25): True}


@pytest.mark.parametrize("line", ["2099-13-01 休", "2099-01-01", "2099-01-01 放假",
                                  "2099-01-05..2099-01-01 休", "明天 休"])
def test_a_line_that_is_no_day_is_named(line: str) -> None:
    with pytest.raises(ValueError, match="line 2:"):
        calendar.parse_days(f"2099-01-02 休\n{line}\n")


@pytest.mark.usefixtures("fresh_warnings")
def test_listed_days_come_before_the_package_and_cover_their_year(
        given_days, caplog: pytest.LogCaptureFixture) -> None:
    given_days({date(UNKNOWN_YEAR, 1, 1): False, date(UNKNOWN_YEAR, 1, 3): True,
                date(2026, 10, 10): False})  # a late change to a year the package knows
    with caplog.at_level(logging.WARNING, logger="core.common.calendar"):
        assert not is_workday(date(UNKNOWN_YEAR, 1, 1))  # a Thursday, a holiday
        assert is_workday(date(UNKNOWN_YEAR, 1, 3))  # a Saturday worked
        assert is_workday(date(UNKNOWN_YEAR, 1, 2)) and not is_workday(date(UNKNOWN_YEAR, 1, 4))
        assert not is_workday(date(2026, 10, 10))
    assert [r for r in caplog.records if r.name == "core.common.calendar"] == []
