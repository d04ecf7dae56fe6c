"""Queries about rating links, ratings, their released snapshots and the keyed flow state."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, delete, func, update
from sqlmodel import Session, select

from storage.tables import (
    Person,
    Project,
    Rating,
    RatingContact,
    RatingFlood,
    RatingFlow,
    RatingLink,
    RatingRelease,
)
from storage.upsert import insert_ignore

DIMENSIONS = ("service", "duty", "solving", "integrity")


def link_by_token(session: Session, *, token: str) -> RatingLink | None:
    return session.exec(select(RatingLink).where(RatingLink.token == token)).first()


def revoke(session: Session, *, project_ids: list[int] | None, person_id: int | None,
           at: datetime) -> int:
    """End every live link of the target (a person's, under any of these projects; None: all
    projects); how many were live."""
    where = [RatingLink.person_id == person_id]
    if project_ids is not None:
        where.append(RatingLink.project_id.in_(project_ids))  # type: ignore[attr-defined]
    stmt = (update(RatingLink)
            .where(*where,
                   RatingLink.revoked_at.is_(None), RatingLink.expires_at > at)  # type: ignore[union-attr,operator]
            .values(revoked_at=at).execution_options(synchronize_session=False,
                                                     preserve_rowcount=True))
    return session.execute(stmt).rowcount or 0


def by_dedupe(session: Session, *, dedupe: str) -> Rating | None:
    return session.exec(select(Rating).where(Rating.dedupe == dedupe)).first()


def _target(stmt, project_id: int, person_id: int | None, bucket: str):  # type: ignore[no-untyped-def]
    return stmt.where(Rating.project_id == project_id, Rating.person_id == person_id,
                      Rating.bucket == bucket)


def levels(session: Session, *, project_id: int, person_id: int | None, bucket: str
           ) -> list[tuple[str, int, int]]:
    """(rater kind, overall level, how many) of a target's window."""
    stmt = _target(select(Rating.kind, Rating.overall, func.count(Rating.id)),
                   project_id, person_id, bucket).group_by(Rating.kind, Rating.overall)
    return list(session.exec(stmt).all())


def dimensions(session: Session, *, project_id: int, person_id: int | None, bucket: str
               ) -> dict[str, tuple[int, int]]:
    """dimension → (how many answered it, sum of levels) for a target's window."""
    columns = [getattr(Rating, d) for d in DIMENSIONS]
    stmt = _target(select(*[f(c) for c in columns for f in (func.count, func.sum)]),
                   project_id, person_id, bucket)
    row = session.exec(stmt).one()
    return {d: (int(row[2 * i] or 0), int(row[2 * i + 1] or 0)) for i, d in enumerate(DIMENSIONS)}


def comments(session: Session, *, project_id: int, person_id: int | None, bucket: str
             ) -> list[str]:
    stmt = _target(select(Rating.comment), project_id, person_id, bucket).where(
        Rating.comment.is_not(None))  # type: ignore[union-attr]
    return [c for c in session.exec(stmt) if c]


def latest_release(session: Session, *, project_id: int, person_id: int | None, bucket: str
                   ) -> RatingRelease | None:
    stmt = (select(RatingRelease).where(RatingRelease.project_id == project_id,
                                        RatingRelease.person_id == person_id,
                                        RatingRelease.bucket == bucket)
            .order_by(RatingRelease.id.desc()).limit(1))  # type: ignore[union-attr]
    return session.exec(stmt).first()


def releases_of_projects(session: Session, *, project_ids: list[int], buckets: list[str]
                         ) -> dict[tuple[int, int | None, str], RatingRelease]:
    """The latest release of every target (projects and their cadres) in these windows."""
    if not project_ids or not buckets:
        return {}
    latest = (select(func.max(RatingRelease.id))
              .where(RatingRelease.project_id.in_(project_ids),  # type: ignore[attr-defined]
                     RatingRelease.bucket.in_(buckets))  # type: ignore[attr-defined]
              .group_by(RatingRelease.project_id, RatingRelease.person_id, RatingRelease.bucket))
    stmt = select(RatingRelease).where(RatingRelease.id.in_(latest))  # type: ignore[union-attr]
    return {(r.project_id, r.person_id, r.bucket): r for r in session.exec(stmt)}


def person_releases(session: Session, *, person_id: int) -> list[RatingRelease]:
    """The latest release of each window of a cadre's own ratings, oldest window first."""
    latest = (select(func.max(RatingRelease.id)).where(RatingRelease.person_id == person_id)
              .group_by(RatingRelease.project_id, RatingRelease.bucket))
    stmt = (select(RatingRelease).where(RatingRelease.id.in_(latest))  # type: ignore[union-attr]
            .order_by(RatingRelease.bucket))
    return list(session.exec(stmt))


def bump_flood(session: Session, *, key: str, day: date) -> int:
    """Count one more rating today under the keyed counter; the new count."""
    insert_ignore(session, RatingFlood, [{"key": key, "day": day, "count": 0}])
    session.execute(update(RatingFlood).where(RatingFlood.key == key)
                    .values(count=RatingFlood.count + 1)
                    .execution_options(synchronize_session=False))
    return int(session.exec(select(RatingFlood.count).where(RatingFlood.key == key)).one())


def flood_count(session: Session, *, key: str) -> int:
    return session.exec(select(RatingFlood.count).where(RatingFlood.key == key)).first() or 0


def flow(session: Session, *, key: str) -> RatingFlow | None:
    return session.get(RatingFlow, key)


def purge(session: Session, *, now: datetime, today: date) -> None:
    """Forget stale flows, old flood counters and 回访 contacts past their 60 days."""
    session.execute(delete(RatingFlow).where(RatingFlow.expires_at < now))  # type: ignore[arg-type]
    session.execute(delete(RatingFlood).where(RatingFlood.day < today))  # type: ignore[arg-type]
    session.execute(delete(RatingContact).where(RatingContact.expires_at < now))  # type: ignore[arg-type]


def contact_of(session: Session, *, rating_id: int) -> RatingContact | None:
    return session.exec(select(RatingContact).where(RatingContact.rating_id == rating_id)).first()


def drop_contact(session: Session, *, contact_id: int) -> None:
    session.execute(delete(RatingContact).where(RatingContact.id == contact_id))  # type: ignore[arg-type]


_P, _C = Project.__table__, Person.__table__  # type: ignore[attr-defined]
_TARGET = (select(*[c.label(f"p_{c.name}") for c in _P.c], *[c.label(f"c_{c.name}") for c in _C.c])
           .select_from(_P.outerjoin(_C, _C.c.id == bindparam("person_id")))
           .where(_P.c.id == bindparam("project_id")))


def target_names(session: Session, *, project_id: int, person_id: int | None
                 ) -> tuple[Project, Person | None]:
    """A link's project and cadre to show, read in one Core statement (a rater's every step
    shows them): transient copies, not objects of the session (nothing writes to them)."""
    row = session.connection().execute(_TARGET, {"project_id": project_id,
                                                 "person_id": person_id}).one()._mapping
    project = Project(**{c.name: row[f"p_{c.name}"] for c in _P.c})
    if not person_id or row["c_id"] is None:
        return project, None
    return project, Person(**{c.name: row[f"c_{c.name}"] for c in _C.c})
