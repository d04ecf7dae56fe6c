"""The board and the orders board: the same use cases as /scores and /orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core import orders, score_views, scores
from core.people import Actor


def board(session: Session, actor: Actor, scope: str | None, period_id: int | None, *,
          today: date, limits: scores.Limits, tz: ZoneInfo) -> score_views.ScoresView:
    """Every cadre of the scope in the period, exactly as /scores <scope> <period> has them."""
    return score_views.view(session, actor, scope or None,
                            str(period_id) if period_id else None, group_project=None,
                            today=today, limits=limits, tz=tz)


@dataclass
class OrderRow:
    line: orders.OrderLine
    days: int  # days left before the deadline (negative: days overdue)


def order_board(session: Session, actor: Actor, scope: str | None, *, today: date
                ) -> list[OrderRow]:
    """The scope's orders, live then closed; within each, overdue first, then by deadline."""
    chosen = score_views.scope(session, actor, scope or None, None)
    ids = {p.id for p in chosen.projects}
    project = chosen.projects[0] if chosen.kind == "project" else None
    lines = [*orders.listing(session, actor, project, "open", today=today),
             *orders.listing(session, actor, project, "closed", today=today)]
    rows = [OrderRow(line, (line.order.deadline - today).days) for line in lines
            if line.project.id in ids]
    rank = {state: n for n, state in enumerate(("open", "progress", "submitted", "closed",
                                                 "cancelled"))}
    rows.sort(key=lambda r: (not r.line.overdue, rank.get(r.line.order.state, 9),
                             r.line.order.deadline, r.line.order.number))
    return rows
