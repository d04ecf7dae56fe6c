"""考察期 (assessment periods): the windows ratings and scores are counted in (SPEC §4, §6, §8)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from storage import periods as q
from storage.assessment_models import Period


def month_bucket(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def period_bucket(period: Period) -> str:
    return f"P{period.id}"


def rating_bucket(session: Session, project_id: int, day: date) -> str:
    """The window a rating made on `day` belongs to: the open 考察期, else the month."""
    period = q.open_for_project(session, project_id=project_id, day=day)
    return period_bucket(period) if period is not None else month_bucket(day)


def open_period(session: Session, project_id: int) -> Period | None:
    """The project's open period, if any."""
    return q.open_for_project(session, project_id=project_id)
