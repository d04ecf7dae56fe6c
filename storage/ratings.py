"""Queries about rating links, ratings, their released snapshots and the keyed flow state.

A rater's steps go through Core statements built once (their cache keys too): the flow's
state with its link, the target's names and the rating in one read, then one statement per
table a step changes. No ORM object is loaded or flushed on that path.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, bindparam, delete, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from storage import periods as periods_q
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

_F, _L, _R = RatingFlow.__table__, RatingLink.__table__, Rating.__table__  # type: ignore[attr-defined]
_P, _C = Project.__table__, Person.__table__  # type: ignore[attr-defined]
_FLOOD, _RELEASE = RatingFlood.__table__, RatingRelease.__table__  # type: ignore[attr-defined]


def _dialect(session: Session) -> Any:
    return postgresql if session.connection().dialect.name == "postgresql" else sqlite


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


@cache
def _bump_flood(dialect: Any) -> Any:
    stmt = dialect.insert(_FLOOD).values(key=bindparam("key"), day=bindparam("day"), count=1)
    return (stmt.on_conflict_do_update(index_elements=[_FLOOD.c.key],
                                       set_={"count": _FLOOD.c.count + 1})
            .returning(_FLOOD.c.count))


def bump_flood(session: Session, *, key: str, day: date) -> int:
    """Count one more rating today under the keyed counter; the new count (one statement)."""
    return int(session.connection().execute(_bump_flood(_dialect(session)),
                                            {"key": key, "day": day}).scalar_one())


def purge(session: Session, *, now: datetime, today: date) -> None:
    """Forget stale flows, old flood counters and 回访 contacts past their 60 days."""
    session.execute(delete(RatingFlow).where(RatingFlow.expires_at < now))  # type: ignore[arg-type]
    session.execute(delete(RatingFlood).where(RatingFlood.day < today))  # type: ignore[arg-type]
    session.execute(delete(RatingContact).where(RatingContact.expires_at < now))  # type: ignore[arg-type]


def contact_of(session: Session, *, rating_id: int) -> RatingContact | None:
    return session.exec(select(RatingContact).where(RatingContact.rating_id == rating_id)).first()


def add_contact(session: Session, *, rating_id: int, sealed: str, created_at: datetime,
                expires_at: datetime) -> bool:
    """Keep a rating's sealed 回访 contact unless it has one; whether this one was kept."""
    return insert_ignore(session, RatingContact, [{
        "rating_id": rating_id, "sealed": sealed, "created_at": created_at,
        "expires_at": expires_at}]) == 1


def drop_contact(session: Session, *, contact_id: int) -> None:
    session.execute(delete(RatingContact).where(RatingContact.id == contact_id))  # type: ignore[arg-type]


# --- a rater's steps: Core statements, built once ------------------------------------------

_NAMES = (_P.c.name.label("project_name"), _C.c.name.label("person_name"))
_LINK_COLUMNS = (_L.c.id.label("link_id"), _L.c.project_id, _L.c.person_id,
                 _L.c.expires_at.label("link_expires_at"), _L.c.revoked_at)
_LINKED = (_L.join(_P, _P.c.id == _L.c.project_id)
           .outerjoin(_C, _C.c.id == _L.c.person_id))
_FLOOD_TODAY = (select(_FLOOD.c.count).where(_FLOOD.c.key == bindparam("flood_key"))
                .scalar_subquery().label("flood_count"))
_LINK = (select(*_LINK_COLUMNS, *_NAMES, _FLOOD_TODAY).select_from(_LINKED)
         .where(_L.c.token == bindparam("token")))
_RATING_COLUMNS = (_R.c.overall, *[_R.c[d] for d in DIMENSIONS], _R.c.comment)
_FLOW_STATE = (select(_F.c.rating_id, _F.c.step, _F.c.nonce, _F.c.kind, _F.c.expires_at,
                      *_LINK_COLUMNS, *_NAMES, *_RATING_COLUMNS)
               .select_from(_F.join(_LINKED, _L.c.id == _F.c.link_id)
                            .outerjoin(_R, _R.c.id == _F.c.rating_id))
               .where(_F.c.key == bindparam("flow_key")))
# with the open period of the link's project covering the bound `day`: the rating's window
_FLOW_STATE_ON = _FLOW_STATE.add_columns(
    periods_q.open_on(_L.c.project_id).correlate(_L).scalar_subquery().label("period_id"))


def link_named(session: Session, *, token: str, flood_key: str) -> RowMapping | None:
    """A link by its token, with the names of what it rates, and the rater's count under
    the flood key (None: no rating yet): link_id, project_id, person_id, link_expires_at,
    revoked_at, project_name, person_name, flood_count."""
    return session.connection().execute(_LINK, {"token": token, "flood_key": flood_key}
                                        ).mappings().first()


def flow_state(session: Session, *, key: str, day: date | None = None) -> RowMapping | None:
    """A rater's flow with its link, the target's names and the rating so far, in one read:
    rating_id, step, nonce, kind, expires_at, the columns of `link_named` (but flood_count),
    overall, the dimensions and comment (None before the overall tap); given a day, also
    period_id, the open period covering it (None outside one)."""
    stmt, params = ((_FLOW_STATE, {"flow_key": key}) if day is None
                    else (_FLOW_STATE_ON, {"flow_key": key, "day": day}))
    return session.connection().execute(stmt, params).mappings().first()


@cache
def _open_flow(dialect: Any) -> Any:
    stmt = dialect.insert(_F)
    return stmt.on_conflict_do_update(
        index_elements=[_F.c.key],
        set_={c: stmt.excluded[c] for c in ("link_id", "rating_id", "step", "nonce", "kind",
                                            "expires_at")})


def open_flow(session: Session, *, key: str, link_id: int, step: int, nonce: str,
              expires_at: datetime) -> None:
    """Start the rater's flow afresh on this link (replacing one under way), one statement."""
    session.connection().execute(_open_flow(_dialect(session)), {
        "key": key, "link_id": link_id, "rating_id": None, "step": step, "nonce": nonce,
        "kind": None, "expires_at": expires_at})


_SET_FLOW = update(_F).where(_F.c.key == bindparam("flow_key"))
_SET_RATING = update(_R).where(_R.c.id == bindparam("rating_id_"))


def set_flow(session: Session, *, key: str, **values: Any) -> None:
    """Change columns of a rater's flow (step, kind, rating_id, expires_at)."""
    session.connection().execute(_SET_FLOW, {"flow_key": key, **values})


def _of_link(column: Any) -> Any:
    """A column of the flow's link, for the flow row a statement changes: a correlated
    scalar subquery, so a RETURNING clause can carry it. No joins: SQLite's RETURNING names
    columns without their table, so each subquery reads one table, keyed by the row's own."""
    return (select(column).where(_L.c.id == _F.c.link_id).correlate(_F).scalar_subquery())


def _named(table: Any, link_column: Any) -> Any:
    """The name of the project or cadre the flow's link rates, as `_of_link`."""
    return (select(table.c.name).where(table.c.id == _of_link(link_column)).correlate(_F)
            .scalar_subquery())


def _of_rating(column: Any) -> Any:
    return (select(column).where(_R.c.id == _F.c.rating_id).correlate(_F)
            .scalar_subquery())


# The columns of `flow_state`, as a RETURNING clause of the statement that moves the flow on:
# a press checks its button, moves the flow and reads what it shows in one statement.
_STATE = (_F.c.rating_id, _F.c.step, _F.c.nonce, _F.c.kind, _F.c.expires_at, _F.c.link_id,
          _of_link(_L.c.project_id).label("project_id"),
          _of_link(_L.c.person_id).label("person_id"),
          _of_link(_L.c.expires_at).label("link_expires_at"),
          _of_link(_L.c.revoked_at).label("revoked_at"),
          _named(_P, _L.c.project_id).label("project_name"),
          _named(_C, _L.c.person_id).label("person_name"),
          *[_of_rating(c).label(c.name) for c in _RATING_COLUMNS])
_THIS_BUTTON = (_F.c.key == bindparam("flow_key"), _F.c.nonce == bindparam("at_nonce"),
                _F.c.step == bindparam("at_step"), _F.c.expires_at >= bindparam("now"))
_MOVE_FLOW = update(_F).where(*_THIS_BUTTON).returning(*_STATE)
_END_FLOW = delete(_F).where(*_THIS_BUTTON).returning(*_STATE)


def move_flow(session: Session, *, key: str, nonce: str, at_step: int, now: datetime,
              **values: Any) -> RowMapping | None:
    """Set `values` on the rater's flow if a button of its current step (nonce, at_step, not
    expired by `now`) was pressed; the flow with the columns of `flow_state` (as changed), or
    None: the button is stale."""
    return session.connection().execute(_MOVE_FLOW, {
        "flow_key": key, "at_nonce": nonce, "at_step": at_step, "now": now, **values}
    ).mappings().first()


def end_flow(session: Session, *, key: str, nonce: str, at_step: int, now: datetime
             ) -> RowMapping | None:
    """Delete the rater's flow if a button of its current step was pressed: as `move_flow`."""
    return session.connection().execute(_END_FLOW, {
        "flow_key": key, "at_nonce": nonce, "at_step": at_step, "now": now}
    ).mappings().first()


def set_rating(session: Session, *, rating_id: int, **values: Any) -> None:
    """Change columns of a rating (a dimension's level, the comment)."""
    session.connection().execute(_SET_RATING, {"rating_id_": rating_id, **values})


_OVERALL_BY_DEDUPE = select(_R.c.overall).where(_R.c.dedupe == bindparam("dedupe"))
_REPLACED = ("link_id", "kind", "overall", *DIMENSIONS, "comment", "rated_on")


def overall_by_dedupe(session: Session, *, dedupe: str) -> int | None:
    """The overall level of the rater's earlier rating of this target's window, if any."""
    return session.connection().execute(_OVERALL_BY_DEDUPE, {"dedupe": dedupe}).scalar()


@cache
def _put_rating(dialect: Any) -> Any:
    stmt = dialect.insert(_R)
    return (stmt.on_conflict_do_update(index_elements=[_R.c.dedupe],
                                       set_={c: stmt.excluded[c] for c in _REPLACED})
            .returning(_R.c.id))


def put_rating(session: Session, *, values: dict[str, Any]) -> int:
    """Insert a rating, or replace the one under the same dedupe key in place; its id.

    `values` holds every column but id: a replaced rating keeps no dimension or comment."""
    return int(session.connection().execute(_put_rating(_dialect(session)), values)
               .scalar_one())
