"""Chat lifecycle: supergroup migration, the bot added or removed, members leaving (SPEC §10)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from storage import deliveries as deliveries_q
from storage import people as people_q
from storage.tables import Chat, HintLog, utcnow
from storage.upsert import insert_ignore

SCHEDULE_FIELDS = ("project_id", "bound_at", "tz", "daily_time", "weekly_day", "weekly_time",
                   "monthly_day", "monthly_time", "schedule_on", "bot_status")


def migrate(session: Session, *, old_id: int, new_id: int, title: str = "") -> Chat | None:
    """A group became a supergroup: the binding and schedule move; old reports keep their id."""
    old = session.get(Chat, old_id)
    if old is None:
        return None
    new = session.get(Chat, new_id) or Chat(id=new_id, title=title or old.title, type="supergroup")
    if new.migrated_from is None:
        for name in SCHEDULE_FIELDS:
            setattr(new, name, getattr(old, name))
        new.migrated_from = old_id
    old.migrated_to, old.project_id = new_id, None
    session.add_all([old, new])
    deliveries_q.move_chat(session, old_id=old_id, new_id=new_id)
    return new


def bot_status(session: Session, chat: Chat, status: str) -> None:
    """Record the bot's membership; a removed bot stops prompts and nudges for the chat."""
    chat.bot_status = status
    session.add(chat)


def member_left(session: Session, chat: Chat, user_id: int) -> bool:
    """A cadre who left the project's group stops being nudged for that project."""
    person = people_q.by_tg(session, tg_id=user_id)
    if person is None or chat.project_id is None:
        return False
    member = people_q.membership(session, person_id=person.id, project_id=chat.project_id)
    if member is None or not member.active:
        return False
    member.active, member.left_at = False, utcnow()
    session.add(member)
    return True


def first_hint_today(session: Session, *, user_id: int, today: date) -> bool:
    """True once per person per day: the allowance for hints to strangers (SPEC §11)."""
    return insert_ignore(session, HintLog, [{"user_id": user_id, "day": today}]) == 1

