"""A cadre's post — a daily report or a 周/月梳理 recap — and the one pipeline that files it:
from a bound group, or from a private chat to the cadre's only project (or after asking which).

What differs between the two kinds of post is data (`Pipeline`): the name of the question a
private post waits under, how it is stored, and how a replayed message is found.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.common.errors import Refused, UsageError
from core.org.people import Actor
from storage import people as people_q
from storage import projects as projects_q
from storage.tables import Chat, Pending, Person, Project, utcnow

DEFAULT_NUDGE = "18:00"


@dataclass(frozen=True)
class ReportMessage:
    """A message carrying a report or an answer, without Telegram types."""

    chat_id: int
    message_id: int
    posted_at: datetime  # aware
    text: str
    photos: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Clock:
    """Where a post is dated: the chat's (or project's) timezone and its nudge time."""

    tz: ZoneInfo
    nudge_time: str


@dataclass
class Recorded:
    """A stored post (`DailyReport` or `Recap`); `created` is False for a replay."""

    post: Any
    created: bool
    project: Project


@dataclass(frozen=True)
class Question:
    """A private post from a cadre of several projects waits for the project to be picked."""

    pending_id: int
    projects: list[Project]


Store = Callable[..., Recorded]  # (session, person, project, msg, clock, **extra) → Recorded


@dataclass(frozen=True)
class Pipeline:
    """What differs between daily reports and recaps; every step below is shared."""

    question: str  # the Pending kind a private post waits under
    store: Store
    replayed: Callable[[Session, ReportMessage], Recorded | None]


def project_clock(session: Session, project: Project, default_tz: str) -> Clock:
    """The project's timezone and nudge time, from its first bound chat."""
    chats = projects_q.chats_of(session, project_id=project.id)
    if chats:
        return Clock(ZoneInfo(chats[0].tz), chats[0].daily_time)
    return Clock(ZoneInfo(default_tz), DEFAULT_NUDGE)


def cadre_in(session: Session, actor: Actor, project: Project) -> Person:
    """The acting person as a registered cadre of the project, or a refusal."""
    person = actor.person
    if person is None or not person.name or project.id not in actor.cadre_projects:
        raise Refused("errors.register_first", project=project.name)
    return person


def chat_project(session: Session, chat: Chat | None) -> Project | None:
    """The project a chat is bound to, if any."""
    if chat is None or chat.project_id is None:
        return None
    return session.get(Project, chat.project_id)


def file(session: Session, actor: Actor, chat: Chat | None, msg: ReportMessage,
         pipeline: Pipeline, *, private: bool, default_tz: str, **extra: Any
         ) -> Recorded | Question:
    """File a post where it was written: a bound group's project, or the cadre's own."""
    if private:
        return _from_private(session, actor, msg, pipeline, default_tz=default_tz, **extra)
    project = chat_project(session, chat)
    if project is None or chat is None:
        raise Refused("errors.chat_not_bound")
    person = cadre_in(session, actor, project)
    return pipeline.store(session, person, project, msg, Clock(ZoneInfo(chat.tz),
                                                                chat.daily_time), **extra)


def _from_private(session: Session, actor: Actor, msg: ReportMessage, pipeline: Pipeline, *,
                  default_tz: str, **extra: Any) -> Recorded | Question:
    """Filed for a cadre of one project; for several, a question (a replay is found first)."""
    found = pipeline.replayed(session, msg)
    if found is not None:
        return found
    candidates = _private_projects(session, actor)
    if len(candidates) == 1:
        return _to_project(session, actor, candidates[0], msg, pipeline, default_tz=default_tz,
                           **extra)
    return Question(_ask_project(session, actor, pipeline.question, msg, **extra), candidates)


def answer_choice(session: Session, actor: Actor, pending_id: int, project_id: int,
                  pipeline: Pipeline, *, default_tz: str) -> Recorded:
    """The cadre picked the project for a private post."""
    project, msg, extra = _take_answer(session, actor, pipeline.question, pending_id, project_id)
    return _to_project(session, actor, project, msg, pipeline, default_tz=default_tz, **extra)


def _to_project(session: Session, actor: Actor, project: Project, msg: ReportMessage,
                pipeline: Pipeline, *, default_tz: str, **extra: Any) -> Recorded:
    person = cadre_in(session, actor, project)
    return pipeline.store(session, person, project, msg,
                          project_clock(session, project, default_tz), **extra)


def _private_projects(session: Session, actor: Actor) -> list[Project]:
    """The projects a cadre may post to from a private chat."""
    person = actor.require_person()
    projects = people_q.projects_of(session, person_id=person.id)
    if not projects:
        raise Refused("errors.no_project")
    return projects


def _ask_project(session: Session, actor: Actor, question: str, msg: ReportMessage,
                 **extra: Any) -> int:
    """Keep a private post while its author picks the project; the question's id."""
    kept = {k: v.isoformat() if isinstance(v, date) else v for k, v in extra.items()}
    data = {**asdict(msg), "posted_at": msg.posted_at.isoformat(), **kept}
    pending = Pending(person_id=actor.person.id, kind=question, payload=json.dumps(data))
    session.add(pending)
    session.flush()
    return pending.id


def _take_answer(session: Session, actor: Actor, question: str, pending_id: int,
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
