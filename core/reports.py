"""Recording daily reports (每日动态): new, edited, back-filled, withdrawn (SPEC §4)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.errors import Refused, UsageError
from core.people import Actor
from core.posts import ReportMessage, ask_project, take_answer
from core.report_text import parse_report
from storage import people as people_q
from storage import projects as projects_q
from storage import reports as q
from storage.models import Chat, DailyReport, Person, Project, utcnow

DEFAULT_NUDGE = "18:00"
_BACKFILL = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?=\s|$)(.*)$", re.S)


@dataclass
class Recorded:
    report: DailyReport
    created: bool


def project_clock(session: Session, project: Project, default_tz: str) -> tuple[ZoneInfo, str]:
    """The project's timezone and nudge time, from its first bound chat."""
    chats = projects_q.chats_of(session, project_id=project.id)
    if chats:
        return ZoneInfo(chats[0].tz), chats[0].daily_time
    return ZoneInfo(default_tz), DEFAULT_NUDGE


def cadre_in(session: Session, actor: Actor, project: Project) -> Person:
    """The acting person as a registered cadre of the project, or a refusal."""
    person = actor.person
    if person is None or not person.name or project.id not in actor.cadre_projects:
        raise Refused("errors.register_first", project=project.name)
    return person


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
    report_id = q.insert_new(session, values=values)  # the unique key makes replays no-ops
    if report_id is None:
        existing = q.by_message(session, chat_id=msg.chat_id, message_id=msg.message_id)
        assert existing is not None
        return Recorded(existing, created=False)
    q.replace_items(session, report_id=report_id, items=parsed.items, new=True)
    return Recorded(DailyReport.model_construct(id=report_id, **values), created=True)


def edit(session: Session, *, chat_id: int, message_id: int, text: str, still_report: bool
         ) -> DailyReport | None:
    """An edited report keeps its date; an edit that drops the hashtag withdraws it."""
    report = q.by_message(session, chat_id=chat_id, message_id=message_id)
    if report is None:
        return None
    if not still_report:
        report.withdrawn = True
    elif not report.withdrawn:  # withdrawn (by /undo or by dropping the tag) stays withdrawn
        parsed = parse_report(text)
        report.text, report.progress = text, parsed.progress
        q.replace_items(session, report_id=report.id, items=parsed.items)
    report.edited_at = utcnow()
    session.add(report)
    return report


def undo(session: Session, actor: Actor, *, chat_id: int, message_id: int | None) -> DailyReport:
    """/undo as a reply to one's own report withdraws it."""
    if message_id is None:
        raise UsageError("usage.undo")
    report = q.by_message(session, chat_id=chat_id, message_id=message_id)
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


def private_projects(session: Session, actor: Actor) -> list[Project]:
    """The projects a cadre may report to from a private chat."""
    person = actor.require_person()
    projects = people_q.projects_of(session, person_id=person.id)
    if not projects:
        raise Refused("errors.no_project")
    return projects


def chat_project(session: Session, chat: Chat | None) -> Project | None:
    if chat is None or chat.project_id is None:
        return None
    return session.get(Project, chat.project_id)


def from_group(session: Session, actor: Actor, chat: Chat | None, msg: ReportMessage, *,
               backfill: date | None = None, today: date | None = None) -> Recorded:
    """A report posted in a group: the group must be bound and the poster its cadre."""
    project = chat_project(session, chat)
    if project is None or chat is None:
        raise Refused("errors.chat_not_bound")
    person = cadre_in(session, actor, project)
    return record(session, person=person, project=project, msg=msg, tz=ZoneInfo(chat.tz),
                  nudge_time=chat.daily_time, backfill=backfill, today=today)


def from_private(session: Session, actor: Actor, msg: ReportMessage, *, default_tz: str,
                 backfill: date | None = None) -> Recorded | tuple[int, list[Project]]:
    """/daily in private: recorded for a cadre of one project; for several, a question."""
    candidates = private_projects(session, actor)
    if len(candidates) == 1:
        return to_project(session, actor, candidates[0], msg, default_tz=default_tz,
                          backfill=backfill)
    pending_id = ask_project(session, actor, "daily", msg,
                             backfill=backfill.isoformat() if backfill else None)
    return pending_id, candidates


def to_project(session: Session, actor: Actor, project: Project, msg: ReportMessage, *,
               default_tz: str, backfill: date | None = None) -> Recorded:
    person = cadre_in(session, actor, project)
    tz, nudge = project_clock(session, project, default_tz)
    return record(session, person=person, project=project, msg=msg, tz=tz, nudge_time=nudge,
                  backfill=backfill, today=datetime.now(tz).date())


def answer_choice(session: Session, actor: Actor, pending_id: int, project_id: int, *,
                  default_tz: str) -> Recorded:
    """The cadre picked the project for a private /daily."""
    project, msg, extra = take_answer(session, actor, "daily", pending_id, project_id)
    backfill = date.fromisoformat(extra["backfill"]) if extra["backfill"] else None
    return to_project(session, actor, project, msg, default_tz=default_tz, backfill=backfill)
