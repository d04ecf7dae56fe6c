"""Which day a day's review looks at: today, or the last working day when today is not one
(and /summary over several projects that falls back to it)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.common.calendar import is_workday
from core.org.people import Actor
from core.ratings.anonymity import Thresholds
from core.review import screens
from core.review.screens import SummaryView
from storage.tables import Project

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


def summaries(session: Session, actor: Actor, projects: list[Project], window: str | None, *,
              now: datetime, tz: ZoneInfo, default_tz: str, admins: frozenset[int],
              thresholds: Thresholds) -> tuple[list[SummaryView], date | None]:
    """Each project's /summary and the day it fell back to: on a non-working day with nothing
    reported and no window asked, the last working day's (None when it is today's)."""
    def at(moment: datetime) -> list[SummaryView]:
        return [screens.summary(session, actor, project, window, now=moment,
                                default_tz=default_tz, admins=admins, thresholds=thresholds)
                for project in projects]

    views = at(now)
    moment, last = review_moment(now, tz)
    if window is None and last is not None and not any(c.reports for v in views
                                                       for c in v.cadres):
        return at(moment), last
    return views, None
