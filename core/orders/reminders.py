"""Who is reminded of which orders on a day, and which 回头看 are due (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo

from sqlmodel import Session

from core.orders._timing import cadre_reminder, examiner_overdue_day, recheck_day
from storage import orders as orders_q
from storage.tables import Person, Project, Rectification


@dataclass(frozen=True)
class Reminder:
    """One order on a reminder: its kind (d7, d1, due, overdue) and days to or past it."""

    order: Rectification
    project: Project
    kind: str
    days: int  # days left (≥ 0), or days overdue for "overdue"
    cadre: Person | None = None  # set in the issuer's overdue list


@dataclass
class Reminders:
    """A person's reminders of the day, in one message."""

    person: Person
    items: list[Reminder] = field(default_factory=list)


def _issued_on(order: Rectification, tz: tzinfo) -> date:
    return order.created_at.astimezone(tz).date()


def for_cadres(session: Session, *, project_ids: list[int], day: date, tz: tzinfo
               ) -> list[Reminders]:
    """Cadres with an order of these projects on a reminder today, with all their reminders."""
    def kind(order: Rectification) -> str | None:
        return cadre_reminder(day, deadline=order.deadline, issued_on=_issued_on(order, tz))

    touched = {o.person_id for o, _c, _i, _p in orders_q.live_for_projects(session,
                                                                   project_ids=project_ids)
               if kind(o)}
    if not touched:
        return []
    found: dict[int, Reminders] = {}
    for order, cadre, _issuer, project in orders_q.live_of(session, person_ids=touched):
        found_kind = kind(order)
        if found_kind is None:
            continue
        days = abs((order.deadline - day).days)
        found.setdefault(cadre.id, Reminders(cadre)).items.append(
            Reminder(order, project, found_kind, days))
    return sorted(found.values(), key=lambda r: r.person.id)


def for_issuers(session: Session, *, project_ids: list[int], day: date) -> list[Reminders]:
    """On the week's first working day: each issuer's overdue orders, all in one list."""
    if not examiner_overdue_day(day):
        return []
    issuers = {o.issuer_id for o, _c, _i, _p in orders_q.live_for_projects(session,
                                                                   project_ids=project_ids)
               if o.deadline < day and o.issuer_id is not None}
    if not issuers:
        return []
    found: dict[int, Reminders] = {}
    for order, cadre, issuer, project in orders_q.live_of(session, issuer_ids=issuers):
        if order.deadline < day and issuer is not None:
            entry = found.setdefault(issuer.id, Reminders(issuer))
            entry.items.append(Reminder(order, project, "overdue", (day - order.deadline).days,
                                        cadre))
    return sorted(found.values(), key=lambda r: r.person.id)


@dataclass(frozen=True)
class ReviewAsk:
    """A closed order whose 回头看 is due: ask its issuer."""

    order: Rectification
    cadre: Person
    issuer: Person
    project: Project
    closed_on: date  # the close-out's local date: each close-out is reviewed once


def rechecks_due(session: Session, *, project_ids: list[int], day: date, tz: tzinfo
                ) -> list[ReviewAsk]:
    """Closed, not yet reviewed orders whose review day (30 days on) has come."""
    cutoff = datetime.combine(day, time.max, tzinfo=tz)
    return [ReviewAsk(o, c, i, p, o.closed_at.astimezone(tz).date())
            for o, c, i, p in orders_q.awaiting_recheck(session, project_ids=project_ids,
                                                closed_before=cutoff)
            if i is not None and o.closed_at is not None
            and recheck_day(o.closed_at.astimezone(tz).date()) <= day]
