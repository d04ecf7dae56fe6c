"""The calendar strip: each day of the window by the official calendar (holidays, 调休), its
working days read from the one working-day record (core.reporting.attendance)."""

from __future__ import annotations

from datetime import date

from core.documents.cadre_page import strip
from core.reporting.attendance import DayRecord

ON_TIME, LATE, MISSING, LEAVE = (DayRecord(on_time=1), DayRecord(late=1), DayRecord(missing=1),
                                 DayRecord(leave=1))


def test_days_are_on_time_late_missing_leave_or_off() -> None:
    # 2026-09-28 Mon … 2026-10-11 Sun: National Day holidays, Saturday 10-10 a 调休 workday
    record = {date(2026, 9, 28): ON_TIME, date(2026, 9, 29): LATE, date(2026, 9, 30): LEAVE,
              date(2026, 10, 9): MISSING}
    days = {d.day: d for d in strip(record, date(2026, 9, 28), date(2026, 10, 11),
                                    today=date(2026, 10, 9))}
    assert days[date(2026, 9, 28)].status == "on_time"
    assert days[date(2026, 9, 29)].status == "late"
    assert days[date(2026, 9, 30)].status == "leave"
    assert days[date(2026, 10, 1)].status == "holiday" and days[date(2026, 10, 1)].holiday
    assert days[date(2026, 10, 9)].status == "missing"  # today, not reported yet
    assert days[date(2026, 10, 10)].status == "future" and days[date(2026, 10, 10)].makeup
    assert days[date(2026, 10, 11)].status in ("weekend", "holiday")
    assert len(days) == 14


def test_a_working_day_before_joining_is_not_yet_theirs() -> None:
    # the record counts nothing on a day before the cadre joined (an all-zero DayRecord)
    days = strip({date(2026, 11, 17): DayRecord(), date(2026, 11, 18): LATE},
                 date(2026, 11, 17), date(2026, 11, 18), today=date(2026, 11, 20))
    assert [d.status for d in days] == ["not_yet", "late"]
