"""Queries about 考察期 (assessment periods) and the projects they cover."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from storage.tables import Period, PeriodProject


def open_for_project(session: Session, *, project_id: int, day: date | None = None
                     ) -> Period | None:
    """The project's open period (covering `day`, when given)."""
    stmt = (select(Period).join(PeriodProject, PeriodProject.period_id == Period.id)
            .where(PeriodProject.project_id == project_id, Period.status == "open"))
    if day is not None:
        stmt = stmt.where(Period.start <= day, Period.end >= day)
    return session.exec(stmt.order_by(Period.id.desc())).first()  # type: ignore[union-attr]


_PE, _PP = Period.__table__, PeriodProject.__table__  # type: ignore[attr-defined]


def open_on(project_id: Any) -> Any:
    """The id of a project's open period covering the bound `day` (the latest, should two):
    `project_id` a bound value or a column of the query this one goes in (every rating asks
    which window it counts in)."""
    return (select(_PE.c.id).join(_PP, _PP.c.period_id == _PE.c.id)
            .where(_PP.c.project_id == project_id, _PE.c.status == "open",
                   _PE.c.start <= bindparam("day"), _PE.c.end >= bindparam("day"))
            .order_by(_PE.c.id.desc()).limit(1))


def open_of_projects(session: Session, *, project_ids: list[int]) -> list[tuple[Period, int]]:
    """The open periods of these projects, with the project."""
    stmt = (select(Period, PeriodProject.project_id)
            .join(PeriodProject, PeriodProject.period_id == Period.id)
            .where(PeriodProject.project_id.in_(project_ids),  # type: ignore[attr-defined]
                   Period.status == "open")
            .order_by(Period.id))
    return list(session.exec(stmt).all())


def by_id(session: Session, *, period_id: int) -> Period | None:
    return session.get(Period, period_id)


def overlapping(session: Session, *, project_ids: list[int], start: date, end: date
                ) -> list[tuple[Period, int]]:
    """Periods of these projects whose dates overlap [start, end], with the project."""
    stmt = (select(Period, PeriodProject.project_id)
            .join(PeriodProject, PeriodProject.period_id == Period.id)
            .where(PeriodProject.project_id.in_(project_ids),  # type: ignore[attr-defined]
                   Period.start <= end, Period.end >= start))
    return list(session.exec(stmt).all())


def project_ids(session: Session, *, period_id: int) -> list[int]:
    stmt = select(PeriodProject.project_id).where(PeriodProject.period_id == period_id)
    return list(session.exec(stmt))


def listing(session: Session, *, status: str | None = None) -> list[Period]:
    stmt = select(Period).order_by(Period.start.desc(), Period.id.desc())  # type: ignore[attr-defined]
    if status:
        stmt = stmt.where(Period.status == status)
    return list(session.exec(stmt))


def with_projects(session: Session, *, period_ids: list[int]) -> dict[int, list[int]]:
    """period id → its project ids."""
    if not period_ids:
        return {}
    stmt = select(PeriodProject).where(PeriodProject.period_id.in_(period_ids))  # type: ignore[attr-defined]
    found: dict[int, list[int]] = {}
    for row in session.exec(stmt):
        found.setdefault(row.period_id, []).append(row.project_id)
    return found


def by_theme(session: Session, *, theme: str) -> list[Period]:
    stmt = select(Period).where(Period.theme == theme).order_by(Period.id.desc())  # type: ignore[union-attr]
    return list(session.exec(stmt))


def closed_of_project(session: Session, *, project_id: int) -> list[Period]:
    """The project's closed periods, oldest first."""
    stmt = (select(Period).join(PeriodProject, PeriodProject.period_id == Period.id)
            .where(PeriodProject.project_id == project_id, Period.status == "closed")
            .order_by(Period.end, Period.id))
    return list(session.exec(stmt))


def of_projects(session: Session, *, project_ids: list[int], status: str) -> list[Period]:
    """Periods in a status covering any of these projects: the latest (by end) first."""
    stmt = (select(Period).join(PeriodProject, PeriodProject.period_id == Period.id)
            .where(PeriodProject.project_id.in_(project_ids),  # type: ignore[attr-defined]
                   Period.status == status)
            .distinct().order_by(Period.end.desc(), Period.id.desc()))  # type: ignore[attr-defined]
    return list(session.exec(stmt))
