"""Queries about rectification orders, their events and numbers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from storage.tables import (
    DailyReport,
    OrderCounter,
    Person,
    Project,
    Rectification,
    RectificationEvent,
)

LIVE = ("open", "progress", "submitted")


def next_seq(session: Session, *, year: int) -> int:
    """The year's next order number, taken in the caller's transaction (row-locked on PG)."""
    table = OrderCounter.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (dialect.insert(table).values(year=year, last=1)  # type: ignore[attr-defined]
            .on_conflict_do_update(index_elements=[table.c.year],
                                   set_={"last": table.c.last + 1})
            .returning(table.c.last))
    return int(session.execute(stmt).scalar_one())


def by_number(session: Session, *, number: str) -> Rectification | None:
    return session.exec(select(Rectification).where(Rectification.number == number)).first()


def by_id(session: Session, *, order_id: int) -> Rectification | None:
    return session.get(Rectification, order_id)


Row = tuple[Rectification, Person, Person | None, Project]
_issuer = aliased(Person)


def _with_people():  # type: ignore[no-untyped-def]
    return (select(Rectification, Person, _issuer, Project)
            .join(Person, Person.id == Rectification.person_id)
            .join(_issuer, _issuer.id == Rectification.issuer_id, isouter=True)
            .join(Project, Project.id == Rectification.project_id))


def detail(session: Session, *, number: str) -> Row | None:
    """An order with its cadre, issuer and project, in one query."""
    return session.exec(_with_people().where(Rectification.number == number)).first()


def events(session: Session, *, order_id: int
           ) -> list[tuple[RectificationEvent, Person | None]]:
    """The order's events in order, each with who acted."""
    stmt = (select(RectificationEvent, Person)
            .join(Person, Person.id == RectificationEvent.actor_id, isouter=True)
            .where(RectificationEvent.order_id == order_id)
            .order_by(RectificationEvent.at, RectificationEvent.id))
    return list(session.exec(stmt).all())


def listing(session: Session, *, project_ids: Iterable[int] | None, states: tuple[str, ...],
            overdue_before: date | None = None, person_id: int | None = None,
            person_ids: Iterable[int] | None = None, issuer_ids: Iterable[int] | None = None,
            limit: int = 200) -> list[Row]:
    """Orders (of these projects, or all) in these states, oldest deadline first."""
    stmt = _with_people().where(Rectification.state.in_(states))  # type: ignore[attr-defined]
    if project_ids is not None:
        stmt = stmt.where(Rectification.project_id.in_(list(project_ids)))  # type: ignore[attr-defined]
    if overdue_before is not None:
        stmt = stmt.where(Rectification.deadline < overdue_before)
    if person_id is not None:
        stmt = stmt.where(Rectification.person_id == person_id)
    if person_ids is not None:
        stmt = stmt.where(Rectification.person_id.in_(list(person_ids)))  # type: ignore[attr-defined]
    if issuer_ids is not None:
        stmt = stmt.where(Rectification.issuer_id.in_(list(issuer_ids)))  # type: ignore[attr-defined]
    stmt = stmt.order_by(Rectification.deadline, Rectification.id).limit(limit)
    return list(session.exec(stmt).all())


def ledger_chunk(session: Session, *, project_ids: list[int], after: str, limit: int
                 ) -> list[Row]:
    """The next `limit` orders of these projects, in any state, with people, by number
    after the number given (one keyset chunk of a 整改台账)."""
    stmt = (_with_people().where(Rectification.project_id.in_(project_ids),  # type: ignore[attr-defined]
                                 Rectification.number > after)
            .order_by(Rectification.number).limit(limit))
    return list(session.exec(stmt).all())


def live_for_projects(session: Session, *, project_ids: list[int] | None) -> list[Row]:
    """Every live order of these projects (None: all), with people, for the reminders."""
    return listing(session, project_ids=project_ids, states=LIVE, limit=100_000)


def live_of(session: Session, *, person_ids: set[int] | None = None,
            issuer_ids: set[int] | None = None) -> list[Row]:
    """Every live order of these cadres (or issued by these examiners), in any project."""
    return listing(session, project_ids=None, states=LIVE, person_ids=person_ids,
                   issuer_ids=issuer_ids, limit=100_000)


def awaiting_recheck(session: Session, *, project_ids: list[int] | None, closed_before
                    ) -> list[Row]:
    """Closed orders without a 回头看 yet, closed before the given moment."""
    stmt = _with_people().where(Rectification.state == "closed",
                                Rectification.reviewed_at.is_(None),  # type: ignore[union-attr]
                                Rectification.closed_at < closed_before)  # type: ignore[operator]
    if project_ids is not None:
        stmt = stmt.where(Rectification.project_id.in_(project_ids))  # type: ignore[attr-defined]
    return list(session.exec(stmt.order_by(Rectification.closed_at)).all())


def report_of(session: Session, *, report_id: int) -> DailyReport | None:
    return session.get(DailyReport, report_id)


def events_of(session: Session, *, order_ids: list[int]
              ) -> dict[int, list[tuple[RectificationEvent, Person | None]]]:
    """order id → its events in order, with who acted (one query for many orders)."""
    if not order_ids:
        return {}
    stmt = (select(RectificationEvent, Person)
            .join(Person, Person.id == RectificationEvent.actor_id, isouter=True)
            .where(RectificationEvent.order_id.in_(order_ids))  # type: ignore[attr-defined]
            .order_by(RectificationEvent.at, RectificationEvent.id))
    found: dict[int, list[tuple[RectificationEvent, Person | None]]] = {}
    for event, person in session.exec(stmt).all():
        found.setdefault(event.order_id, []).append((event, person))
    return found


def event_counts(session: Session, *, order_ids: list[int]) -> dict[int, int]:
    """order id → how many events it has."""
    if not order_ids:
        return {}
    stmt = (select(RectificationEvent.order_id, func.count(RectificationEvent.id))
            .where(RectificationEvent.order_id.in_(order_ids))  # type: ignore[attr-defined]
            .group_by(RectificationEvent.order_id))
    return dict(session.exec(stmt).all())  # type: ignore[arg-type]
