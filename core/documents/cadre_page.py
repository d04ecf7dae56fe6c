"""The dashboard's cadre page (SPEC §12): the /dossier record (same permissions, same
anonymity gate) and a calendar strip of reporting, one cell per day of the period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
from sqlmodel import Session

from core.assessment import cadre_view, scores
from core.common.calendar import is_workday
from core.common.errors import UsageError
from core.documents import dossier_view
from core.org.people import Actor
from core.reporting import attendance
from core.reporting.attendance import DayRecord
from storage import people as people_q
from storage import periods as periods_q
from storage.tables import Period

ON_TIME, LATE, MISSING, LEAVE, FUTURE = "on_time", "late", "missing", "leave", "future"
NOT_YET = "not_yet"  # a working day before the cadre joined: not theirs
HOLIDAY, WEEKEND = "holiday", "weekend"


@dataclass(frozen=True)
class Day:
    day: date
    status: str  # on_time | late | missing | leave | not_yet | future | holiday | weekend
    makeup: bool = False  # a 调休 working day on a weekend
    holiday: str = ""  # the holiday's name, when the calendar knows it


def _holiday_name(day: date) -> str:
    try:
        return chinese_calendar.get_holiday_detail(day)[1] or ""
    except NotImplementedError:  # a year the package does not know
        return ""


def strip(record: dict[date, DayRecord], start: date, end: date, today: date) -> list[Day]:
    """Each day from start to end, from the one working-day record: reported on time or late,
    missing, on leave, not yet theirs (before they joined), to come, or off."""
    days, day = [], start
    while day <= end:
        name = _holiday_name(day)
        if not is_workday(day):
            days.append(Day(day, HOLIDAY if name else WEEKEND, holiday=name))
        else:
            days.append(Day(day, _status(record.get(day), day > today),
                            makeup=day.weekday() >= 5, holiday=name))
        day += timedelta(days=1)
    return days


def _status(found: DayRecord | None, future: bool) -> str:
    if future or found is None:
        return FUTURE if future else NOT_YET
    if found.on_time:
        return ON_TIME
    if found.late:
        return LATE
    if found.leave:
        return LEAVE
    return MISSING if found.missing else NOT_YET


@dataclass
class CadrePage:
    record: dossier_view.DossierView
    period: Period
    in_period: bool
    days: list[Day]


def page(session: Session, actor: Actor, person_id: int, period_id: int | None, *,
         today: date, grading: scores.Grading, tz: ZoneInfo) -> CadrePage:
    """The cadre's record as /dossier gives it, and their reporting day by day in the period
    (the one asked for, else the open one, else this month)."""
    found = people_q.by_ids(session, ids=[person_id])
    if not found:
        raise UsageError("dashboard.unknown_cadre")
    person = found[0]
    record = dossier_view.build(session, actor, person, today=today, grading=grading, tz=tz)
    if not record.projects:
        raise UsageError("assessment.not_a_cadre", name=person.name or person.tg_id)
    period = periods_q.by_id(session, period_id=period_id) if period_id else None
    in_period = period is not None
    if period is None:
        period, in_period = cadre_view.period_or_month(session, record.projects[0], today)
    end = scores.counted_until(period, today)
    ids = [p.id for p in record.projects]
    joined = scores.joined_days(session, ids, tz).get(person.id, period.start)
    by_day = attendance.daily(session, {person.id: joined}, project_ids=ids,
                              start=period.start, end=end)
    return CadrePage(record, period, in_period, strip(by_day, period.start, period.end, today))
