"""What `order-reminders` and `order-reviews` send on a clock's day (SPEC §5, §7)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.common.buttons import sign
from core.orders import reminders as order_reminders
from core.review.schedule import DEFAULT_CLOCK, Slot
from scheduler.planned import Planned, Texts
from storage import projects as projects_q
from storage.tables import Chat


def _projects(session: Session, chat: Chat) -> list[int]:
    """A group's project, or (our own clock) the projects that have no group."""
    if chat.id == DEFAULT_CLOCK:
        return projects_q.projects_without_group(session)
    return [chat.project_id] if chat.project_id is not None else []


def plan(session: Session, chat: Chat, slot: Slot, *, texts: Texts, secret: str
         ) -> list[Planned]:
    """One reminder per person per day (all their orders in it), or one ask per 回头看."""
    project_ids = _projects(session, chat)
    if not project_ids:
        return []
    tz = ZoneInfo(chat.tz)
    if slot.job == "order-reviews":  # once per close-out: a relapse closed again asks again
        return [Planned(slot.job, f"person:{ask.issuer.id}",
                        f"{ask.order.number}:{ask.closed_on.isoformat()}", ask.issuer.tg_id,
                        texts.text("orders.recheck_ask", ask=ask),
                        recheck_buttons(secret, ask.order.id, texts))
                for ask in order_reminders.rechecks_due(session, project_ids=project_ids,
                                                       day=slot.day, tz=tz)
                if ask.issuer.tg_id and ask.issuer.reachable]
    planned: list[Planned] = []
    unreachable = []
    for reminders in order_reminders.for_cadres(session, project_ids=project_ids, day=slot.day,
                                                 tz=tz):
        person = reminders.person
        if person.tg_id and person.reachable:
            planned += _split(slot.job, f"person:{person.id}", slot.period_key, person.tg_id,
                              texts.parts("orders.remind_cadre", reminders=reminders))
        else:  # named in this group: only this group's orders
            mine = [r for r in reminders.items if r.project.id in project_ids]
            if mine:
                unreachable.append(order_reminders.Reminders(person, mine))
    if unreachable and chat.id != DEFAULT_CLOCK:
        planned += _split(slot.job, f"chat:{chat.id}", slot.period_key, chat.id,
                          texts.parts("orders.remind_group", all=unreachable))
    week = slot.day.isocalendar()
    for reminders in order_reminders.for_issuers(session, project_ids=project_ids,
                                                 day=slot.day):
        issuer = reminders.person
        if issuer.tg_id and issuer.reachable:
            planned += _split(slot.job, f"person:{issuer.id}",
                              f"{week.year}-W{week.week:02d}:overdue", issuer.tg_id,
                              texts.parts("orders.remind_issuer", reminders=reminders))
    return planned


def _split(job: str, target: str, key: str, chat_id: int, parts: list[str]) -> list[Planned]:
    """A long reminder in parts under 4096 characters, each its own ledger row."""
    return [Planned(job, target if n == 1 else f"{target}#{n}", key, chat_id, part)
            for n, part in enumerate(parts, start=1)]


def recheck_buttons(secret: str, order_id: int, texts: Texts) -> dict:
    """无反弹 / 有反弹: the same as `/review ok|relapse`."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.text("orders.button_ok"),
                             callback_data=sign(secret, "o", order_id, "ok")),
        InlineKeyboardButton(texts.text("orders.button_relapse"),
                             callback_data=sign(secret, "o", order_id, "relapse")),
    ]]).to_dict()
