"""The calendar strip of a cadre's reporting: one cell per day, by the official calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

from core.calendar import is_workday
from storage.models import DailyReport

ON_TIME, LATE, MISSING, LEAVE, FUTURE = "on_time", "late", "missing", "leave", "future"
HOLIDAY, WEEKEND = "holiday", "weekend"


@dataclass(frozen=True)
class Day:
    day: date
    status: str  # on_time | late | missing | leave | future | holiday | weekend
    makeup: bool = False  # a 调休 working day on a weekend
    holiday: str = ""  # the holiday's name, when the calendar knows it


def _holiday_name(day: date) -> str:
    try:
        return chinese_calendar.get_holiday_detail(day)[1] or ""
    except NotImplementedError:  # a year the package does not know
        return ""


def strip(reports: list[DailyReport], away: set[date], start: date, end: date, today: date
          ) -> list[Day]:
    """Each day from start to end: reported on time or late, missing, on leave, or off."""
    on_time: dict[date, bool] = {}
    for report in reports:
        on_time[report.local_date] = on_time.get(report.local_date, False) or report.on_time
    days, day = [], start
    while day <= end:
        name = _holiday_name(day)
        if not is_workday(day):
            days.append(Day(day, HOLIDAY if name else WEEKEND, holiday=name))
        else:
            if day in on_time:
                status = ON_TIME if on_time[day] else LATE
            elif day in away:
                status = LEAVE
            else:
                status = FUTURE if day > today else MISSING
            days.append(Day(day, status, makeup=day.weekday() >= 5, holiday=name))
        day += timedelta(days=1)
    return days
