"""Recording 周/月梳理 answers (#周报 / /weekly, #月报 / /monthly) (SPEC §4 Cadre)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, tzinfo
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.common.errors import Refused
from core.org.people import Actor
from core.reporting.posts import ReportMessage, ask_project, take_answer
from core.reporting.report_text import MONTHLY_TAGS, WEEKLY_TAGS
from core.reporting.reports import cadre_in, chat_project, private_projects, project_clock
from storage import recaps as recaps_q
from storage.tables import Chat, Project, Recap, utcnow

KINDS = ("weekly", "monthly")
COMMANDS = {"/weekly": "weekly", "/monthly": "monthly"}
_TAGS = {"weekly": WEEKLY_TAGS, "monthly": MONTHLY_TAGS}


@dataclass
class Recorded:
    recap: Recap
    created: bool
    project: Project


def period_key(kind: str, day: date) -> str:
    """The ISO week ("2026-W47") or the month ("2026-11") containing day."""
    if kind == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def tagged_kind(text: str | None) -> str | None:
    """weekly or monthly, by the first of #周报 / #月报 in the text; None for neither."""
    found = [(text.find(tag), kind) for kind, tags in _TAGS.items() for tag in tags
             if text and tag in text]
    return min(found)[1] if found else None


def record(session: Session, *, project: Project, actor: Actor, msg: ReportMessage, kind: str,
           tz: tzinfo) -> Recorded:
    """Store an answer keyed by (chat id, message id); a replay returns the existing one."""
    person = cadre_in(session, actor, project)
    if kind not in KINDS:
        raise ValueError(f"unknown recap kind {kind!r}")
    values = {"person_id": person.id, "project_id": project.id, "chat_id": msg.chat_id,
              "message_id": msg.message_id, "kind": kind,
              "period_key": period_key(kind, msg.posted_at.astimezone(tz).date()),
              "text": msg.text, "posted_at": msg.posted_at.astimezone(UTC)}
    recap_id = recaps_q.insert_recap(session,
                                         values=values)  # the unique key makes replays no-ops
    if recap_id is None:
        existing = recaps_q.recap_by_message(session, chat_id=msg.chat_id,
                                               message_id=msg.message_id)
        assert existing is not None
        return Recorded(existing, created=False, project=project)
    return Recorded(Recap(id=recap_id, **values), created=True, project=project)


def from_group(session: Session, actor: Actor, chat: Chat | None, msg: ReportMessage, *,
               kind: str) -> Recorded:
    """An answer posted in a group: the group must be bound and the poster its cadre."""
    project = chat_project(session, chat)
    if project is None or chat is None:
        raise Refused("errors.chat_not_bound")
    return record(session, project=project, actor=actor, msg=msg, kind=kind,
                  tz=ZoneInfo(chat.tz))


def to_project(session: Session, actor: Actor, project: Project, msg: ReportMessage, *,
               kind: str, default_tz: str) -> Recorded:
    """An answer from a private chat, filed to the project, dated in the project's timezone."""
    tz, _nudge = project_clock(session, project, default_tz)
    return record(session, project=project, actor=actor, msg=msg, kind=kind, tz=tz)


def from_private(session: Session, actor: Actor, msg: ReportMessage, *, kind: str,
                 default_tz: str) -> Recorded | tuple[int, list[Project]]:
    """/weekly or /monthly in private: filed for a cadre of one project; for several, a question."""
    existing = recaps_q.recap_by_message(session, chat_id=msg.chat_id, message_id=msg.message_id)
    if existing is not None:
        return Recorded(existing, created=False, project=session.get(Project, existing.project_id))
    candidates = private_projects(session, actor)
    if len(candidates) == 1:
        return to_project(session, actor, candidates[0], msg, kind=kind, default_tz=default_tz)
    return ask_project(session, actor, "summary", msg, kind=kind), candidates


def answer_choice(session: Session, actor: Actor, pending_id: int, project_id: int, *,
                  default_tz: str) -> Recorded:
    """The cadre picked the project for a private /weekly or /monthly."""
    project, msg, extra = take_answer(session, actor, "summary", pending_id, project_id)
    return to_project(session, actor, project, msg, kind=extra["kind"], default_tz=default_tz)


def edit(session: Session, *, chat_id: int, message_id: int, text: str, kind: str | None,
         default_tz: str) -> Recap | None:
    """An edited answer keeps its date; a changed tag moves it; a dropped tag withdraws it."""
    recap = recaps_q.recap_by_message(session, chat_id=chat_id, message_id=message_id)
    if recap is None:
        return None
    if kind is None:
        session.delete(recap)  # Recap has no withdrawn flag: the answer is gone
        return recap
    if kind != recap.kind:
        project = session.get(Project, recap.project_id)
        chat = session.get(Chat, chat_id)
        tz = ZoneInfo(chat.tz) if chat is not None and chat.project_id == recap.project_id \
            else project_clock(session, project, default_tz)[0]
        recap.kind = kind
        recap.period_key = period_key(kind, recap.posted_at.astimezone(tz).date())
    recap.text, recap.edited_at = text, utcnow()
    session.add(recap)
    return recap
