"""Recording daily reports (每日动态): new, edited, back-filled, withdrawn (SPEC §4)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.common.errors import Refused, UsageError
from core.org.people import Actor
from core.reporting.posts import Clock, Pipeline, Recorded, ReportMessage
from core.reporting.report_text import parse_report
from storage import held_reports
from storage import reports as reports_q
from storage.tables import DailyReport, Person, Project, utcnow

_BACKFILL = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?=\s|$)(.*)$", re.S)




@dataclass(frozen=True, slots=True)
class NewReport:
    """A report just stored, as its row reads (the hot path builds no ORM object for it);
    its id is None while a group holds it back (storage.held_reports)."""

    id: int | None
    person_id: int
    project_id: int
    chat_id: int
    message_id: int
    local_date: date
    posted_at: datetime
    on_time: bool
    backfilled: bool
    text: str
    photos: str
    progress: int | None
    withdrawn: bool


def record(session: Session, *, person: Person, project: Project, msg: ReportMessage,
           tz: ZoneInfo, nudge_time: str, backfill: date | None = None,
           today: date | None = None) -> Recorded:
    """Store a report keyed by (chat id, message id); a replay returns the existing one."""
    local = msg.posted_at.astimezone(tz)
    if backfill is not None:
        if backfill > (today or local.date()):
            raise UsageError("errors.future_date", date=backfill.isoformat())
        local_date, on_time = backfill, False
    else:
        local_date = local.date()
        on_time = local.time() < time.fromisoformat(nudge_time)
    parsed = parse_report(msg.text)
    values = {"person_id": person.id, "project_id": project.id, "chat_id": msg.chat_id,
              "message_id": msg.message_id, "local_date": local_date,
              "posted_at": msg.posted_at.astimezone(UTC), "on_time": on_time,
              "backfilled": backfill is not None, "text": msg.text,
              "photos": json.dumps(msg.photos), "progress": parsed.progress,
              "withdrawn": False}
    if held_reports.hold(session, values, parsed.items):  # written with the group's others
        return Recorded(NewReport(id=None, **values), created=True, project=project)
    # the unique key makes replays no-ops
    report_id = reports_q.insert_new(session, values=values, items=parsed.items)
    if report_id is None:
        existing = reports_q.by_message(session, chat_id=msg.chat_id, message_id=msg.message_id)
        assert existing is not None
        return Recorded(existing, created=False, project=project)
    return Recorded(NewReport(id=report_id, **values), created=True, project=project)


def edit(session: Session, *, chat_id: int, message_id: int, text: str, still_report: bool
         ) -> DailyReport | None:
    """An edited report keeps its date; an edit that drops the hashtag withdraws it."""
    report = reports_q.by_message(session, chat_id=chat_id, message_id=message_id)
    if report is None:
        return None
    if not still_report:
        report.withdrawn = True
    elif not report.withdrawn:  # withdrawn (by /undo or by dropping the tag) stays withdrawn
        parsed = parse_report(text)
        report.text, report.progress = text, parsed.progress
        reports_q.replace_items(session, report_id=report.id, items=parsed.items)
    report.edited_at = utcnow()
    session.add(report)
    return report


def undo(session: Session, actor: Actor, *, chat_id: int, message_id: int | None) -> DailyReport:
    """/undo as a reply to one's own report withdraws it."""
    if message_id is None:
        raise UsageError("usage.undo")
    report = reports_q.by_message(session, chat_id=chat_id, message_id=message_id)
    if report is None or report.withdrawn:
        raise UsageError("errors.not_a_report")
    if actor.person is None or report.person_id != actor.person.id:
        raise Refused("errors.not_your_report")
    report.withdrawn = True
    report.edited_at = utcnow()
    session.add(report)
    return report


def parse_backfill(text: str) -> tuple[date | None, str]:
    """`/daily YYYY-MM-DD <text>` → (date, text); other text → (None, text)."""
    match = _BACKFILL.match(text)
    if not match:
        return None, text.strip()
    try:
        day = date.fromisoformat(match[1])
    except ValueError:
        raise UsageError("errors.bad_date", value=match[1]) from None
    return day, match[2].strip()



def _store(session: Session, person: Person, project: Project, msg: ReportMessage, clock: Clock,
           *, backfill: date | str | None = None, today: date | None = None) -> Recorded:
    """Store a report filed by the pipeline (`backfill` is text again after a question)."""
    day = date.fromisoformat(backfill) if isinstance(backfill, str) else backfill
    return record(session, person=person, project=project, msg=msg, tz=clock.tz,
                  nudge_time=clock.nudge_time, backfill=day,
                  today=today or datetime.now(clock.tz).date())


def _replayed(session: Session, msg: ReportMessage) -> Recorded | None:
    found = reports_q.by_message(session, chat_id=msg.chat_id, message_id=msg.message_id)
    return None if found is None else Recorded(found, False, session.get(Project, found.project_id))


DAILY = Pipeline(question="daily", store=_store, replayed=_replayed)
