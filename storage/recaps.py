"""Queries for the weekly and monthly prompts and the 周/月梳理 recaps (Recap rows)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, select

from storage import upsert
from storage.tables import DailyReport, Milestone, Person, Recap


def recap_by_message(session: Session, *, chat_id: int, message_id: int) -> Recap | None:
    stmt = select(Recap).where(Recap.chat_id == chat_id, Recap.message_id == message_id)
    return session.exec(stmt).first()


def insert_recap(session: Session, *, values: dict) -> int | None:
    """Insert an answer unless (chat_id, message_id) exists; its id, or None for a replay."""
    return upsert.insert_new(session, Recap, values)


def answered(session: Session, *, project_id: int, kind: str, period_key: str) -> set[int]:
    """Ids of the people who answered the project's weekly or monthly prompt for the period."""
    stmt = (select(Recap.person_id).distinct()
            .where(Recap.project_id == project_id, Recap.kind == kind,
                   Recap.period_key == period_key))
    return set(session.exec(stmt))


def report_counts(session: Session, *, project_id: int, start: date, end: date
                  ) -> dict[int, int]:
    """person_id → how many (non-withdrawn) reports they filed to the project in the window."""
    stmt = (select(DailyReport.person_id, func.count(DailyReport.id))
            .where(DailyReport.project_id == project_id, ~DailyReport.withdrawn,
                   DailyReport.local_date >= start, DailyReport.local_date <= end)
            .group_by(DailyReport.person_id))
    return dict(session.exec(stmt).all())  # type: ignore[arg-type]


def milestones_to_reconcile(session: Session, *, project_id: int, start: date, end: date
                            ) -> list[tuple[Milestone, str | None]]:
    """Milestones due in the window, and earlier ones still open; each with its owner's name."""
    stmt = (select(Milestone, Person.name)
            .join(Person, Person.id == Milestone.person_id, isouter=True)
            .where(Milestone.project_id == project_id, Milestone.due <= end,
                   or_(Milestone.due >= start,
                       Milestone.done_at.is_(None)))  # type: ignore[union-attr]
            .order_by(Milestone.due, Milestone.id))
    return list(session.exec(stmt).all())
