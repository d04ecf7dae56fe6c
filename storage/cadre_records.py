"""Queries for a cadre's 履职档案: their lists, notes and the examiners' trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import Integer, column, exists, func, values
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from storage.tables import (
    DailyReport,
    Milestone,
    Observation,
    Person,
    Project,
    ReportItem,
    Star,
    Trail,
)


def milestones_of(session: Session, *, person_id: int, project_ids: list[int]
                  ) -> list[tuple[Milestone, Project]]:
    """The cadre's 责任清单 in these projects: milestones they answer for, by due date."""
    stmt = (select(Milestone, Project).join(Project, Project.id == Milestone.project_id)
            .where(Milestone.person_id == person_id,
                   Milestone.project_id.in_(project_ids))  # type: ignore[attr-defined]
            .order_by(Milestone.due, Milestone.id))
    return list(session.exec(stmt).all())


def items_of(session: Session, *, person_id: int, kind: str, start: date, end: date,
             project_ids: list[int], limit: int | None = None) -> list[tuple[date, str, int]]:
    """(day, text, report id) of the cadre's 完成 or 问题 lines in the window (in these
    projects), newest first."""
    stmt = (select(DailyReport.local_date, ReportItem.text, DailyReport.id)
            .join(ReportItem, ReportItem.report_id == DailyReport.id)
            .where(DailyReport.person_id == person_id, ~DailyReport.withdrawn,
                   DailyReport.project_id.in_(project_ids),  # type: ignore[attr-defined]
                   ReportItem.kind == kind, DailyReport.local_date >= start,
                   DailyReport.local_date <= end)
            .order_by(DailyReport.local_date.desc(), DailyReport.posted_at.desc(),  # type: ignore[attr-defined]
                      ReportItem.position))
    if limit:
        stmt = stmt.limit(limit)
    return list(session.exec(stmt).all())


def reports_of(session: Session, *, person_id: int, start: date, end: date,
               project_ids: list[int]) -> list[DailyReport]:
    """The cadre's reports in the window (to these projects), oldest first."""
    stmt = (select(DailyReport).where(DailyReport.person_id == person_id, ~DailyReport.withdrawn,
                                      DailyReport.project_id.in_(project_ids),  # type: ignore[attr-defined]
                                      DailyReport.local_date >= start,
                                      DailyReport.local_date <= end)
            .order_by(DailyReport.local_date, DailyReport.posted_at, DailyReport.message_id))
    return list(session.exec(stmt))


def observations_of(session: Session, *, person_id: int, limit: int | None = None
                    ) -> list[tuple[Observation, Person | None]]:
    """Field notes on the cadre, newest first, with the examiner."""
    stmt = (select(Observation, Person).join(Person, Person.id == Observation.examiner_id,
                                             isouter=True)
            .where(Observation.person_id == person_id)
            .order_by(Observation.at.desc(), Observation.id.desc()))  # type: ignore[attr-defined]
    if limit:
        stmt = stmt.limit(limit)
    return list(session.exec(stmt).all())


def trail_of(session: Session, *, person_id: int, limit: int | None = None
             ) -> list[tuple[Trail, Person | None]]:
    """工作纪实: every examiner action on the cadre, newest first, with who acted."""
    actor = aliased(Person)
    stmt = (select(Trail, actor).join(actor, actor.id == Trail.actor_id, isouter=True)
            .where(Trail.person_id == person_id)
            .order_by(Trail.at.desc(), Trail.id.desc()))  # type: ignore[attr-defined]
    if limit:
        stmt = stmt.limit(limit)
    return list(session.exec(stmt).all())


def stars_between(session: Session, *, project_ids: list[int], start: date, end: date
                  ) -> list[tuple[DailyReport, Person]]:
    """Reports examiners starred (先进典型) in the window, with their authors."""
    stmt = (select(DailyReport, Person).join(Star, Star.report_id == DailyReport.id)
            .join(Person, Person.id == DailyReport.person_id)
            .where(DailyReport.project_id.in_(project_ids), ~DailyReport.withdrawn,  # type: ignore[attr-defined]
                   DailyReport.local_date >= start, DailyReport.local_date <= end)
            .order_by(DailyReport.local_date.desc()))
    return list(session.exec(stmt).all())


def star_counts(session: Session, *, project_ids: list[int], person_ids: list[int],
                start: date, end: date) -> dict[int, int]:
    """person_id → how many of their reports in the window examiners starred (先进典型)."""
    if not person_ids or not project_ids:
        return {}
    stmt = (select(DailyReport.person_id, func.count(DailyReport.id))
            .join(Star, Star.report_id == DailyReport.id)
            .where(DailyReport.project_id.in_(project_ids), ~DailyReport.withdrawn,  # type: ignore[attr-defined]
                   DailyReport.person_id.in_(person_ids),  # type: ignore[attr-defined]
                   DailyReport.local_date >= start, DailyReport.local_date <= end)
            .group_by(DailyReport.person_id))
    return dict(session.exec(stmt).all())  # type: ignore[arg-type]


def achievements(session: Session, *, order: list[int], project_ids: list[int], start: date,
                 end: date) -> Iterator[tuple[int, date, str, bool]]:
    """(person_id, day, text, starred) of these cadres' 完成 lines in the window, cadre by
    cadre in the order given, then by day; streamed from the database in batches."""
    if not order or not project_ids:
        return iter(())
    place = values(column("person_id", Integer), column("place", Integer), name="place").data(
        [(pid, n) for n, pid in enumerate(order)]).cte("place")
    starred = exists().where(Star.report_id == DailyReport.id)
    stmt = (select(DailyReport.person_id, DailyReport.local_date, ReportItem.text, starred)
            .join(ReportItem, ReportItem.report_id == DailyReport.id)
            .join(place, place.c.person_id == DailyReport.person_id)
            .where(DailyReport.project_id.in_(project_ids),  # type: ignore[attr-defined]
                   ~DailyReport.withdrawn, ReportItem.kind == "done",  # type: ignore[arg-type]
                   DailyReport.local_date >= start, DailyReport.local_date <= end)
            .order_by(place.c.place, DailyReport.local_date, DailyReport.posted_at,
                      DailyReport.id, ReportItem.position)
            .execution_options(yield_per=1000))
    return session.execute(stmt)  # type: ignore[return-value]  # a Result: iterate, close


def milestones_met(session: Session, *, person_ids: list[int], project_ids: list[int],
                   start: datetime, end: datetime) -> list[tuple[int, date, datetime, str]]:
    """(person_id, due, done_at, text) of milestones on these cadres' 责任清单 done in
    [start, end)."""
    if not person_ids:
        return []
    stmt = (select(Milestone.person_id, Milestone.due, Milestone.done_at, Milestone.text)
            .where(Milestone.person_id.in_(person_ids),  # type: ignore[union-attr]
                   Milestone.project_id.in_(project_ids),  # type: ignore[attr-defined]
                   Milestone.done_at >= start, Milestone.done_at < end)  # type: ignore[operator]
            .order_by(Milestone.done_at))
    return list(session.exec(stmt).all())  # type: ignore[arg-type]
