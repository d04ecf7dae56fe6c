"""The calendar strip: each day of the window by the official calendar (holidays, 调休)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.documents.cadre_page import strip
from storage.tables import DailyReport


def _report(day: date, on_time: bool) -> DailyReport:
    return DailyReport(person_id=1, project_id=1, chat_id=-1, message_id=day.toordinal(),
                       local_date=day, posted_at=datetime(2026, 1, 1, tzinfo=UTC),
                       on_time=on_time, text="#日报")


def test_days_are_on_time_late_missing_leave_or_off() -> None:
    # 2026-09-28 Mon … 2026-10-11 Sun: National Day holidays, Saturday 10-10 a 调休 workday
    reports = [_report(date(2026, 9, 28), True), _report(date(2026, 9, 29), False),
               _report(date(2026, 9, 29), True)]  # a late and an on-time one: on time
    days = {d.day: d for d in strip(reports, {date(2026, 9, 30)}, date(2026, 9, 28),
                                    date(2026, 10, 11), today=date(2026, 10, 9))}
    assert days[date(2026, 9, 28)].status == "on_time"
    assert days[date(2026, 9, 29)].status == "on_time"
    assert days[date(2026, 9, 30)].status == "leave"
    assert days[date(2026, 10, 1)].status == "holiday" and days[date(2026, 10, 1)].holiday
    assert days[date(2026, 10, 9)].status == "missing"  # today, not reported yet
    assert days[date(2026, 10, 10)].status == "future" and days[date(2026, 10, 10)].makeup
    assert days[date(2026, 10, 11)].status in ("weekend", "holiday")
    assert len(days) == 14


def test_a_late_report_is_late() -> None:
    [day] = strip([_report(date(2026, 11, 18), False)], set(), date(2026, 11, 18),
                  date(2026, 11, 18), today=date(2026, 11, 20))
    assert day.status == "late" and not day.makeup
