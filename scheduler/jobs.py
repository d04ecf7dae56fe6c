"""What each job sends for one chat's slot: nudges, weekly and monthly prompts (SPEC §5)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.review import prompts
from core.review.schedule import Slot
from scheduler import digest_jobs, order_jobs
from scheduler.planned import Planned, Texts, slot_marker
from storage.tables import Chat

__all__ = ["DESCRIPTIONS", "Planned", "Texts", "plan", "slot_marker"]

DESCRIPTIONS = {
    "daily-nudge": "working days at the chat's daily time (18:00): DM each cadre who has not "
                   "reported; the unreachable are named once in the group",
    "weekly-prompt": "last working day of the week, 16:00: the week's reports and the #周报 "
                     "request",
    "monthly-prompt": "last working day of the month, 16:00: the month's reports, milestones due "
                      "(节点对账) and the #月报 request",
    "order-reminders": "working days 09:00: rectification orders 7 days and 1 day before the "
                       "deadline and on it; overdue: the cadre daily, the issuer on Mondays",
    "order-reviews": "working days 09:00: ask the issuing examiner for the 回头看 30 days after "
                     "close-out",
    "examiner-digest": "Monday (the week's first working day) 09:00: per examiner, last week's "
                       "reporting, silent cadres, new 差评, overdue orders, 三期管理",
}


def plan(session: Session, chat: Chat, slot: Slot, *, admins: frozenset[int],
         texts: Texts, secret: str = "", rehearsal: bool = False) -> list[Planned]:
    """The messages of one slot, keyed so that each is sent once.

    A rehearsal (`jobs run --at T`) takes today's members as members at T (SPEC §9).
    """
    if slot.job in ("order-reminders", "order-reviews"):
        return order_jobs.plan(session, chat, slot, texts=texts, secret=secret)
    if slot.job == "examiner-digest":
        return digest_jobs.plan(session, slot, texts=texts, admins=admins,
                                tz=ZoneInfo(chat.tz))
    key = slot.period_key
    if slot.job == "daily-nudge":
        targets = prompts.nudge_targets(session, chat=chat, day=slot.day, admins=admins,
                                        rehearsal=rehearsal)
        planned = [Planned(slot.job, f"person:{p.id}", key, p.tg_id,
                           texts.text("prompts.nudge_dm", person=p, day=slot.day))
                   for p in targets.reachable if p.tg_id]
        if targets.unreachable:
            planned.append(Planned(slot.job, f"chat:{chat.id}", key, chat.id,
                                   texts.text("prompts.nudge_group", people=targets.unreachable,
                                              day=slot.day)))
        return planned
    if slot.job == "weekly-prompt":
        view = prompts.weekly_prompt(session, chat=chat, start=slot.start, end=slot.day,
                                     admins=admins, rehearsal=rehearsal)
        parts = texts.parts("prompts.weekly", view=view, request=True)
    else:
        view = prompts.monthly_prompt(session, chat=chat, start=slot.start, end=slot.day,
                                      admins=admins, today=slot.day, rehearsal=rehearsal)
        parts = texts.parts("prompts.monthly", view=view, request=True)
    return [Planned(slot.job, f"chat:{chat.id}#{n}", key, chat.id, part)
            for n, part in enumerate(parts, start=1)]
