"""Triggered messages (order notices, alerts): planned in the update's transaction, sent once.

A row in the Delivery ledger carries what to send; the scheduler's pass (and the bot, right
after the commit) claims and sends it, so it goes exactly once, rate-limited, like the prompts.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session

from storage import deliveries as deliveries_q
from storage.tables import utcnow


def plan(session: Session, *, job: str, target: str, period_key: str, chat_id: int | None,
         text: str, markup: dict[str, Any] | None = None, due_at: datetime | None = None,
         extra: dict[str, Any] | None = None) -> bool:
    """Plan one message under (job, target, period_key); False when that was planned already."""
    payload: dict[str, Any] = {"text": text}
    now = utcnow()
    created = (now.replace(hour=0, minute=0, second=0,
                           microsecond=0) if job in deliveries_q.DAY_ONLY
               else now)
    if markup:
        payload["reply_markup"] = markup
    if extra:
        payload.update(extra)
    return deliveries_q.plan(session, rows=[{
        "job": job, "target": target, "period_key": period_key[:32], "chat_id": chat_id,
        "due_at": due_at or now, "created_at": created,
        "payload": json.dumps(payload, ensure_ascii=False)}]) == 1


def withdraw(session: Session, *, job: str, period_key: str) -> int:
    """Drop messages planned under `period_key` not sent yet (what they say no longer holds)."""
    return deliveries_q.drop_pending(session, job=job, period_key=period_key[:32])


def revise(session: Session, *, job: str, period_key: str, text: str | None = None,
               due_at: datetime | None = None) -> int:
    """Change still-pending messages' text or time (every target); how many there were."""
    return deliveries_q.repoint(session, job=job, period_key=period_key[:32], text=text,
                                due_at=due_at)
