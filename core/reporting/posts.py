"""A cadre's post (a daily report or a 周/月梳理 answer) and the question of where it belongs."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlmodel import Session

from core.common.errors import UsageError
from core.org.people import Actor
from storage.tables import Pending, Project, utcnow


@dataclass(frozen=True)
class ReportMessage:
    """A message carrying a report or an answer, without Telegram types."""

    chat_id: int
    message_id: int
    posted_at: datetime  # aware
    text: str
    photos: list[str] = field(default_factory=list)


def ask_project(session: Session, actor: Actor, question: str, msg: ReportMessage,
                **extra: object) -> int:
    """Keep a private post while its author picks the project; the question's id."""
    data = {**asdict(msg), "posted_at": msg.posted_at.isoformat(), **extra}
    pending = Pending(person_id=actor.person.id, kind=question, payload=json.dumps(data))
    session.add(pending)
    session.flush()
    return pending.id


def take_answer(session: Session, actor: Actor, question: str, pending_id: int,
                project_id: int) -> tuple[Project, ReportMessage, dict]:
    """The picked project, the kept post and its extras; a stale or foreign press is refused."""
    pending = session.get(Pending, pending_id)
    project = session.get(Project, project_id)
    if (pending is None or pending.kind != question or pending.answered_at is not None
            or project is None or actor.person is None or pending.person_id != actor.person.id):
        raise UsageError("errors.bad_button")
    pending.answered_at = utcnow()
    session.add(pending)
    data = json.loads(pending.payload)
    msg = ReportMessage(chat_id=data.pop("chat_id"), message_id=data.pop("message_id"),
                        posted_at=datetime.fromisoformat(data.pop("posted_at")),
                        text=data.pop("text"), photos=data.pop("photos"))
    return project, msg, data
