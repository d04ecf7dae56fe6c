"""The bot's own machinery: the inbox of updates, the Delivery ledger, the scheduler lease, the
shared send pace, questions awaiting an answer, and the once-a-day hint log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.tables.base import tg_id, utcnow

OPEN = ("pending", "failed", "claimed")  # an inbox row someone has still to process
INBOX_OPEN = f"status IN {OPEN}"  # the same, as SQL (the open rows' index, the turn checks)


class Inbox(SQLModel, table=True):
    """A received update, committed before Telegram is told we have it (SPEC §10)."""

    update_id: int = tg_id(primary_key=True, sa_column_kwargs={"autoincrement": False})
    chat_id: int | None = tg_id(default=None)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=8, index=True)
    attempts: int = 0
    error: str = Field(default="", max_length=500)
    received_at: datetime = Field(default_factory=utcnow, index=True)
    processed_at: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=64)  # webhook workers (SPEC §9)
    claim_expires_at: datetime | None = None

    # the rows still to process, by chat: a chat's earliest open row, whether a chat has one
    __table_args__ = (Index("ix_inbox_open_chat", "chat_id", "update_id",
                            postgresql_where=text(INBOX_OPEN), sqlite_where=text(INBOX_OPEN)),)


class Delivery(SQLModel, table=True):
    """One planned scheduled message: the send ledger (SPEC §5, §10)."""

    __table_args__ = (UniqueConstraint("job", "target", "period_key"),
                      Index("ix_delivery_status_claim", "status", "claim_expires_at"),
                      Index("ix_delivery_status_due", "status", "due_at"))
    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=32)
    target: str = Field(max_length=64)  # chat:<id>, person:<id> (a part suffix for split messages)
    period_key: str = Field(max_length=32)
    chat_id: int | None = tg_id(default=None)
    status: str = Field(default="pending", max_length=12)
    claimed_by: str | None = Field(default=None, max_length=64)
    claim_expires_at: datetime | None = None
    attempts: int = 0
    error: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    # Triggered messages (alerts, order notices) are planned by handlers in their transaction:
    # sent from `due_at` on, with what to send in `payload` (JSON).
    due_at: datetime | None = None
    payload: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Lease(SQLModel, table=True):
    """Leader election: the holder of an unexpired lease runs the scheduler loop."""

    name: str = Field(primary_key=True, max_length=32)
    holder: str = Field(max_length=64)
    expires_at: datetime


class Pace(SQLModel, table=True):
    """Recent send times of one limit key (the bot, a chat), shared by every webhook worker."""

    key: str = Field(primary_key=True, max_length=40)
    times: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class Pending(SQLModel, table=True):
    """A question the bot asked with buttons; the button data names this row and is signed."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: str = Field(max_length=16)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    answered_at: datetime | None = None


class HintLog(SQLModel, table=True):
    """The once-a-day hint to a stranger or in an unbound group (SPEC §11)."""

    __tablename__ = "hint_log"
    user_id: int = tg_id(primary_key=True)
    day: date = Field(primary_key=True)
