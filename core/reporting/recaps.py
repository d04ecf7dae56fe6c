"""Recording 周/月梳理 answers (#周报 / /weekly, #月报 / /monthly) (SPEC §4 Cadre)."""

from __future__ import annotations

from datetime import UTC, date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.reporting.posts import Clock, Pipeline, Recorded, ReportMessage, project_clock
from core.reporting.report_text import MONTHLY_TAGS, WEEKLY_TAGS
from storage import recaps as recaps_q
from storage.tables import Chat, Person, Project, Recap, utcnow

KINDS = ("weekly", "monthly")
COMMANDS = {"/weekly": "weekly", "/monthly": "monthly"}
_TAGS = {"weekly": WEEKLY_TAGS, "monthly": MONTHLY_TAGS}



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



def record(session: Session, person: Person, project: Project, msg: ReportMessage, clock: Clock,
           *, kind: str) -> Recorded:
    """Store an answer keyed by (chat id, message id); a replay returns the existing one."""
    if kind not in KINDS:
        raise ValueError(f"unknown recap kind {kind!r}")
    values = {"person_id": person.id, "project_id": project.id, "chat_id": msg.chat_id,
              "message_id": msg.message_id, "kind": kind,
              "period_key": period_key(kind, msg.posted_at.astimezone(clock.tz).date()),
              "text": msg.text, "posted_at": msg.posted_at.astimezone(UTC)}
    recap_id = recaps_q.insert_recap(session, values=values)  # the unique key: replays no-ops
    if recap_id is None:
        existing = recaps_q.recap_by_message(session, chat_id=msg.chat_id,
                                             message_id=msg.message_id)
        assert existing is not None
        return Recorded(existing, created=False, project=project)
    return Recorded(Recap(id=recap_id, **values), created=True, project=project)


def _replayed(session: Session, msg: ReportMessage) -> Recorded | None:
    found = recaps_q.recap_by_message(session, chat_id=msg.chat_id, message_id=msg.message_id)
    return None if found is None else Recorded(found, False, session.get(Project, found.project_id))


# The Pending kind keeps its old value "summary": questions asked before the word "recap".
RECAP = Pipeline(question="summary", store=record, replayed=_replayed)

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
            else project_clock(session, project, default_tz).tz
        recap.kind = kind
        recap.period_key = period_key(kind, recap.posted_at.astimezone(tz).date())
    recap.text, recap.edited_at = text, utcnow()
    session.add(recap)
    return recap
