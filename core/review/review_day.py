"""Which day a day's review looks at: today, or the last working day when today is not one."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.common.calendar import is_workday

LOOKBACK = 20  # the longest run of non-working days (春节 with its weekends) is shorter


def review_moment(now: datetime, tz: ZoneInfo) -> tuple[datetime, date | None]:
    """(the moment to review, None) on a working day; on another day (the end of the last
    working day, that day) — so /summary and /missing answer for it and say so."""
    today = now.astimezone(tz).date()
    if is_workday(today):
        return now, None
    for back in range(1, LOOKBACK + 1):
        day = today - timedelta(days=back)
        if is_workday(day):
            moment = datetime.combine(day, time(23, 59), tzinfo=tz)
            return moment, day
    return now, None
