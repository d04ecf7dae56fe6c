"""Queries about 考察期 (assessment periods) and the projects they cover."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from storage.assessment_models import Period, PeriodProject


def open_for_project(session: Session, *, project_id: int, day: date | None = None
                     ) -> Period | None:
    """The project's open period (covering `day`, when given)."""
    stmt = (select(Period).join(PeriodProject, PeriodProject.period_id == Period.id)
            .where(PeriodProject.project_id == project_id, Period.status == "open"))
    if day is not None:
        stmt = stmt.where(Period.start <= day, Period.end >= day)
    return session.exec(stmt.order_by(Period.id.desc())).first()  # type: ignore[union-attr]


def by_id(session: Session, *, period_id: int) -> Period | None:
    return session.get(Period, period_id)
