"""Aggregates for scores (SPEC §8): one grouped query per figure, whatever the number of cadres."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Row, Select, func
from sqlmodel import Session, select

from storage.tables import (
    DailyReport,
    DomainWeights,
    Grade,
    Membership,
    Milestone,
    Observation,
    Person,
    Project,
    Recap,
    ReportItem,
    ScoreSnapshot,
    StageEntry,
)


def _rows(session: Session, stmt: Select) -> Sequence[Row]:
    """A column query's rows through Core: no ORM row processing (a domain's figures run to
    100,000 rows); pending changes are flushed first, as the ORM would."""
    session.flush()
    return session.connection().execute(stmt).all()


def roster(session: Session, *, project_ids: list[int], person_ids: list[int] | None = None
           ) -> list[tuple[Person, Membership, Project]]:
    """Active cadres of these projects (of these people only, when given) with their
    membership and project, by name."""
    stmt = (select(Person, Membership, Project)
            .join(Membership, Membership.person_id == Person.id)
            .join(Project, Project.id == Membership.project_id)
            .where(Membership.project_id.in_(project_ids), Membership.active)  # type: ignore[attr-defined]
            .order_by(Person.name, Person.id, Project.name))
    if person_ids is not None:
        stmt = stmt.where(Membership.person_id.in_(person_ids))  # type: ignore[attr-defined]
    return list(session.exec(stmt).all())


def cadre_ids(session: Session, *, project_ids: list[int], after: int, limit: int
              ) -> list[int]:
    """The next `limit` cadres (not examiners or admins) active in these projects, by id,
    after the id given: one keyset chunk of a scope's cadres."""
    stmt = (select(Membership.person_id).distinct()
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.project_id.in_(project_ids), Membership.active,  # type: ignore[attr-defined]
                   Membership.person_id > after, ~Person.is_admin, ~Person.is_examiner)  # type: ignore[arg-type]
            .order_by(Membership.person_id).limit(limit))
    return [pid for (pid,) in _rows(session, stmt)]


def milestones_due(session: Session, *, person_ids: list[int], start: date, end: date
                   ) -> list[tuple[int, date, datetime | None]]:
    """(person_id, due, done_at) of milestones on these cadres' 责任清单 due in the window."""
    stmt = (select(Milestone.person_id, Milestone.due, Milestone.done_at)
            .where(Milestone.person_id.in_(person_ids),  # type: ignore[union-attr]
                   Milestone.due >= start, Milestone.due <= end))
    return list(_rows(session, stmt))  # type: ignore[arg-type]


def done_items(session: Session, *, project_ids: list[int], start: date, end: date,
               person_ids: list[int] | None = None) -> dict[int, int]:
    """person_id → recorded 完成 lines in the window (of these people only, when given)."""
    stmt = (select(DailyReport.person_id, func.count(ReportItem.id))
            .join(ReportItem, ReportItem.report_id == DailyReport.id)
            .where(DailyReport.project_id.in_(project_ids), ~DailyReport.withdrawn,  # type: ignore[attr-defined]
                   DailyReport.local_date >= start, DailyReport.local_date <= end,
                   ReportItem.kind == "done")
            .group_by(DailyReport.person_id))
    if person_ids is not None:
        stmt = stmt.where(DailyReport.person_id.in_(person_ids))  # type: ignore[attr-defined]
    return dict(_rows(session, stmt))  # type: ignore[arg-type]


def recaps_answered(session: Session, *, project_ids: list[int], keys: list[str],
                    person_ids: list[int] | None = None) -> dict[int, int]:
    """person_id → weekly and monthly answers for these period keys (of these people only,
    when given)."""
    if not keys:
        return {}
    stmt = (select(Recap.person_id, func.count(func.distinct(Recap.period_key)))
            .where(Recap.project_id.in_(project_ids),  # type: ignore[attr-defined]
                   Recap.period_key.in_(keys))  # type: ignore[attr-defined]
            .group_by(Recap.person_id))
    if person_ids is not None:
        stmt = stmt.where(Recap.person_id.in_(person_ids))  # type: ignore[attr-defined]
    return dict(_rows(session, stmt))  # type: ignore[arg-type]


def grades(session: Session, *, period_id: int, person_ids: list[int] | None = None
           ) -> dict[int, tuple[float, int]]:
    """person_id → (average grade, how many examiners graded) in the period (of these
    people only, when given)."""
    stmt = (select(Grade.person_id, func.avg(Grade.score), func.count(Grade.id))
            .where(Grade.period_id == period_id).group_by(Grade.person_id))
    if person_ids is not None:
        stmt = stmt.where(Grade.person_id.in_(person_ids))  # type: ignore[attr-defined]
    return {pid: (float(avg), int(n)) for pid, avg, n in _rows(session, stmt)}


def note_points(session: Session, *, person_ids: list[int], start: datetime, end: datetime
                ) -> dict[int, int]:
    """person_id → the sum of field-note points in [start, end)."""
    stmt = (select(Observation.person_id, func.sum(Observation.points))
            .where(Observation.person_id.in_(person_ids),  # type: ignore[attr-defined]
                   Observation.at >= start, Observation.at < end)
            .group_by(Observation.person_id))
    return {pid: int(total or 0) for pid, total in _rows(session, stmt)}


def weights(session: Session) -> dict[int, DomainWeights]:
    return {w.domain_id: w for w in session.exec(select(DomainWeights))}


def snapshots(session: Session, *, period_id: int) -> dict[int, ScoreSnapshot]:
    stmt = select(ScoreSnapshot).where(ScoreSnapshot.period_id == period_id)
    return {s.person_id: s for s in session.exec(stmt)}


def stages(session: Session, *, person_ids: list[int] | None = None
           ) -> dict[int, list[StageEntry]]:
    """person_id → their 三期管理 history, oldest first."""
    stmt = select(StageEntry).order_by(StageEntry.id)
    if person_ids is not None:
        stmt = stmt.where(StageEntry.person_id.in_(person_ids))  # type: ignore[attr-defined]
    found: dict[int, list[StageEntry]] = {}
    for entry in session.exec(stmt):
        found.setdefault(entry.person_id, []).append(entry)
    return found


def last_reported(session: Session, *, project_ids: list[int]) -> dict[tuple[int, int], date]:
    """(project_id, person_id) → the date of their latest report."""
    stmt = (select(DailyReport.project_id, DailyReport.person_id, func.max(DailyReport.local_date))
            .where(DailyReport.project_id.in_(project_ids), ~DailyReport.withdrawn)  # type: ignore[attr-defined]
            .group_by(DailyReport.project_id, DailyReport.person_id))
    return {(pr, pe): day for pr, pe, day in _rows(session, stmt)}
