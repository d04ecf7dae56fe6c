"""Rectification orders (问题交办单), their event log and the yearly number counter (SPEC §7)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from storage.tables.base import utcnow


class Rectification(SQLModel, table=True):
    """问题交办单: a problem turned into an order with a deadline, for one cadre."""

    __table_args__ = (Index("ix_rectification_state_deadline", "state", "deadline"),)
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=16)  # ZG-2026-0001
    project_id: int = Field(foreign_key="project.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)  # the responsible cadre
    issuer_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    deadline: date
    state: str = Field(default="open", max_length=12)  # open|progress|submitted|closed|cancelled
    report_id: int | None = Field(default=None, foreign_key="daily_report.id")
    rating_id: int | None = Field(default=None, foreign_key="rating.id")
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    reviewed_at: datetime | None = None
    followup: str | None = Field(default=None, max_length=8)  # the rater's 回访 verdict


class RectificationEvent(SQLModel, table=True):
    """One change of an order: who, when, from which state to which, and why."""

    __tablename__ = "rectification_event"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="rectification.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    at: datetime = Field(default_factory=utcnow)
    action: str = Field(max_length=16)
    from_state: str | None = Field(default=None, max_length=12)
    to_state: str = Field(max_length=12)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class OrderCounter(SQLModel, table=True):
    """The last order number handed out in a year; incremented in the issuing transaction."""

    __tablename__ = "order_counter"
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0
