"""Who is told what about an order (SPEC §7): the new order, and each side of every change.

The rule lives here; handlers only render each notice and queue it (a reply in the chat the
command came from, else a delivery through the ledger).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from core.orders.orders import Change, Parties, Rectification, parties
from storage.tables import Person


@dataclass(frozen=True)
class Notice:
    """One message about an order: where, which template, which buttons, under which key."""

    chat_id: int
    recipient: str  # the delivery's target: chat:<id> or person:<id>
    template: str  # "orders.card" (a new order) or "orders.changed"
    buttons: str | None  # "cadre" (汇报进展 / 申请销号), "examiner" (通过 / 退回) or none
    period_key: str
    here: bool = False  # the chat the command was given in: answered there as a reply


def _to_person(person: Person, template: str, buttons: str | None, period_key: str) -> Notice:
    return Notice(person.tg_id, f"person:{person.id}", template, buttons, period_key)


def _reachable(person: Person | None) -> bool:
    return bool(person and person.tg_id and person.reachable)


def on_issue(session: Session, order: Rectification, *, here: int | None
             ) -> tuple[Parties, list[Notice]]:
    """The new order: in each of the project's groups and to its cadre, with the cadre's buttons."""
    found = parties(session, order)
    key = f"{order.number}:issue"
    notices = [Notice(group, f"chat:{group}", "orders.card", "cadre", key, here=group == here)
               for group in found.groups]
    if _reachable(found.cadre) and found.cadre.tg_id != here:
        notices.append(_to_person(found.cadre, "orders.card", "cadre", key))
    return found, notices


def on_change(session: Session, change: Change) -> tuple[Parties, list[Notice]]:
    """The cadre hears of the examiner's step (in the groups when unreachable); the issuer of
    the cadre's, with 通过 / 退回 once it is submitted."""
    order, found = change.order, parties(session, change.order)
    key = f"{order.number}:{change.event.id}"
    if change.role == "cadre":
        if not _reachable(found.issuer):
            return found, []
        buttons = "examiner" if order.state == "submitted" else None
        return found, [_to_person(found.issuer, "orders.changed", buttons, key)]
    buttons = "cadre" if order.state == "progress" else None
    if _reachable(found.cadre):
        return found, [_to_person(found.cadre, "orders.changed", buttons, key)]
    return found, [Notice(group, f"chat:{group}", "orders.changed", buttons, key)
                   for group in found.groups]
