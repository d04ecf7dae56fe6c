"""When a chat's scheduled jobs fall (SPEC §5), and `/schedule` to show and change it (SPEC §4)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from sqlmodel import Session

from core.common.calendar import is_workday, month_bounds, week_bounds, workdays
from core.common.errors import UsageError
from core.org.people import Actor
from core.org.projects import project_for_chat
from storage.tables import Chat, utcnow

JOBS = ("daily-nudge", "weekly-prompt", "monthly-prompt", "order-reminders", "order-reviews",
        "examiner-digest")
DAILY = ("daily-nudge", "order-reminders", "order-reviews")  # every working day
CHAT_JOBS = JOBS[:5]  # run on each bound group's clock; the examiner digest runs once, on ours
ALWAYS_ON = ("order-reminders", "order-reviews")  # `/schedule off` pauses the prompts only
DEFAULT_CLOCK = 0  # the chat id of our own clock (FRONTLINE_TZ): projects without a group
ORDER_TIME = "09:00"  # rectification reminders and 回头看 requests (SPEC §5)
DIGEST_TIME = "09:00"  # the examiner digest, on the week's first working day
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOOKBACK = 16    # periods previous_slot searches back (a daily gap covers 春节's nine days off)
HORIZON = 400    # days next_run searches forward
_TIME = re.compile(r"^([0-9]{1,2})[:：]([0-9]{2})$")
_NOT_ZONES = {"localtime", "Factory"}


@dataclass(frozen=True)
class Slot:
    """One job's planned moment in one period of one chat."""

    job: str
    chat_id: int
    period_key: str      # daily "2026-11-20", weekly ISO "2026-W47", monthly "2026-11"
    start: date          # the period's first day (daily: the day; weekly: Monday; monthly: 1st)
    end: date            # the period's last day (daily: the day; weekly: Sunday; monthly: last day)
    day: date            # the local day the slot falls on
    at: datetime         # the slot moment, aware, in UTC


# --- the rules ------------------------------------------------------------------------------

def _period(job: str, day: date) -> tuple[str, date, date]:
    """The key, first and last day of the job's period containing `day`."""
    if job in DAILY:
        return day.isoformat(), day, day
    if job in ("weekly-prompt", "examiner-digest"):
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}", *week_bounds(day)
    if job == "monthly-prompt":
        return f"{day.year}-{day.month:02d}", *month_bounds(day)
    raise ValueError(f"unknown job {job!r}")


def _slot_day(chat: Chat, job: str, start: date, end: date) -> date | None:
    """The working day the job falls on in [start, end], or None when there is none."""
    if job in DAILY:
        return start if is_workday(start) else None
    days = workdays(start, end)
    if not days:
        return None
    if job == "examiner-digest":
        return days[0]
    if job == "weekly-prompt":
        if chat.weekly_day < 0:
            return days[-1]
        # That day, else the last working day before it, else the first after it (same week).
        target = start + timedelta(days=chat.weekly_day)
        before = [d for d in days if d <= target]
        return before[-1] if before else days[0]
    if chat.monthly_day <= 0:
        return days[-1]
    target = start.replace(day=chat.monthly_day)
    after = [d for d in days if d >= target]
    return after[0] if after else days[-1]


def _time_of(chat: Chat, job: str) -> time:
    value = {"daily-nudge": chat.daily_time, "weekly-prompt": chat.weekly_time,
             "monthly-prompt": chat.monthly_time, "order-reminders": ORDER_TIME,
             "order-reviews": ORDER_TIME, "examiner-digest": DIGEST_TIME}[job]
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


def _local_day(chat: Chat, moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(ZoneInfo(chat.tz)).date()


def _slot_in(chat: Chat, job: str, day: date) -> tuple[Slot | None, date, date]:
    """The slot of the period containing the local `day`, with that period's bounds."""
    key, start, end = _period(job, day)
    found = _slot_day(chat, job, start, end)
    if found is None:
        return None, start, end
    at = datetime.combine(found, _time_of(chat, job), tzinfo=ZoneInfo(chat.tz)).astimezone(UTC)
    return Slot(job, chat.id, key, start, end, found, at), start, end


def slot(chat: Chat, job: str, moment: datetime) -> Slot | None:
    """The slot of `job` in the chat's period containing `moment` (None: no working day)."""
    return _slot_in(chat, job, _local_day(chat, moment))[0]


def previous_slot(chat: Chat, job: str, moment: datetime) -> Slot | None:
    """The slot of the nearest earlier period that has one (at most LOOKBACK periods back)."""
    _key, start, _end = _period(job, _local_day(chat, moment))
    for _ in range(LOOKBACK):
        found, start, _end = _slot_in(chat, job, start - timedelta(days=1))
        if found is not None:
            return found
    return None


def next_run(chat: Chat, job: str, after: datetime) -> datetime | None:
    """The first slot moment strictly after `after`; None when the schedule is off."""
    if not (chat.schedule_on or job in ALWAYS_ON):
        return None
    day = _local_day(chat, after)
    limit = day + timedelta(days=HORIZON)
    while day <= limit:
        found, _start, end = _slot_in(chat, job, day)
        if found is not None and found.at > after:
            return found.at
        day = end + timedelta(days=1)
    return None


def jobs_for(chat: Chat) -> tuple[str, ...]:
    """The jobs that run on a chat's clock (our own clock runs the project-less ones)."""
    if chat.id == DEFAULT_CLOCK:
        return ("order-reminders", "order-reviews", "examiner-digest")
    return CHAT_JOBS if chat.schedule_on else ALWAYS_ON


def relevant(slot: Slot, moment: datetime, tz: ZoneInfo | str) -> bool:
    """A missed slot is still worth sending at `moment`: its period (local) has not ended."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    return slot.start <= moment.astimezone(zone).date() <= slot.end


# --- /schedule --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """What `/schedule …` asks for: the Chat fields to set (none for "show")."""

    kind: str                 # show | daily | weekly | monthly | tz | off | on
    updates: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class JobView:
    job: str
    time: str
    day: int | None           # weekly_day / monthly_day; None for the daily nudge
    next_run: datetime | None  # in the chat's timezone; None when the schedule is off


@dataclass(frozen=True)
class ScheduleView:
    project: str
    tz: str
    on: bool
    jobs: list[JobView]
    changed: str | None = None   # the Change kind that was applied, None for a plain show


_ARITY = {"daily": 2, "weekly": 3, "monthly": 3, "tz": 2, "off": 1, "on": 1}


def parse(args: list[str]) -> Change:
    """The SPEC §4 forms; anything else is a UsageError naming what was wrong."""
    if not args:
        return Change("show")
    kind = args[0].lower()
    if kind not in _ARITY:
        raise UsageError("schedule.usage")
    if len(args) > _ARITY[kind]:
        raise UsageError("schedule.extra_words", words=" ".join(args[_ARITY[kind]:]))
    if len(args) < _ARITY[kind]:
        raise UsageError("schedule.usage")
    if kind == "daily":
        return Change(kind, {"daily_time": parse_time(args[1])})
    if kind == "weekly":
        return Change(kind, {"weekly_day": _weekday(args[1]), "weekly_time": parse_time(args[2])})
    if kind == "monthly":
        return Change(kind, {"monthly_day": _monthday(args[1]),
                             "monthly_time": parse_time(args[2])})
    if kind == "tz":
        return Change(kind, {"tz": parse_zone(args[1])})
    return Change(kind, {"schedule_on": kind == "on"})


def parse_time(value: str) -> str:
    """H:MM or HH:MM (a Chinese colon too) → "HH:MM"."""
    match = _TIME.match(value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise UsageError("schedule.bad_time", value=value)
    return f"{int(match[1]):02d}:{int(match[2]):02d}"


def _weekday(value: str) -> int:
    word = value.lower()
    if word == "last":
        return -1
    if word not in WEEKDAYS:
        raise UsageError("schedule.bad_weekday", value=value)
    return WEEKDAYS.index(word)


def _monthday(value: str) -> int:
    if value.lower() == "last":
        return 0
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 28:
        raise UsageError("schedule.bad_monthday", value=value)
    return int(value)


@cache
def _zones() -> dict[str, str]:
    return {z.lower(): z for z in available_timezones() - _NOT_ZONES}


def parse_zone(value: str) -> str:
    """An IANA zone name, matched without regard to case, in its canonical spelling."""
    zone = _zones().get(value.lower())
    if zone is None:
        raise UsageError("schedule.bad_zone", value=value)
    return zone


def authorize(actor: Actor, chat: Chat, *, changing: bool) -> None:
    """Showing: admins and the project's examiners; changing: admins only."""
    if changing:
        actor.require_admin()
    else:
        actor.require_examiner(chat.project_id)


def apply(session: Session, actor: Actor, chat: Chat, change: Change,
          *, now: datetime | None = None) -> ScheduleView:
    """Apply the change to the chat's schedule (nothing for "show") and describe the result."""
    project = project_for_chat(session, chat)
    authorize(actor, chat, changing=change.kind != "show")
    for name, value in change.updates.items():
        setattr(chat, name, value)
    if change.updates:
        session.add(chat)
    view = describe(chat, now or utcnow(), project=project.name)
    return replace(view, changed=None if change.kind == "show" else change.kind)


def describe(chat: Chat, now: datetime, *, project: str = "") -> ScheduleView:
    """The chat's schedule with each job's rule and next run (in the chat's timezone)."""
    zone = ZoneInfo(chat.tz)
    jobs = []
    for job, at, day in (("daily-nudge", chat.daily_time, None),
                         ("weekly-prompt", chat.weekly_time, chat.weekly_day),
                         ("monthly-prompt", chat.monthly_time, chat.monthly_day),
                         ("order-reminders", ORDER_TIME, None),
                         ("order-reviews", ORDER_TIME, None)):
        run = next_run(chat, job, now)
        jobs.append(JobView(job, at, day, run.astimezone(zone) if run else None))
    return ScheduleView(project, chat.tz, chat.schedule_on, jobs)
