"""A rated target's window (SPEC §6): what a release reads of ratings and earlier releases.

One set of statements for a cadre's window and one for a project's as a whole, built once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from storage.ratings import DIMENSIONS
from storage.tables import Rating, RatingRelease

_R, _RELEASE = Rating.__table__, RatingRelease.__table__  # type: ignore[attr-defined]


def _window(table: Any, person: bool) -> list[Any]:
    """A target's window in `table` (rating, rating_release): a cadre's (`person`), else the
    project's as a whole (IS NULL: `=` would match nothing; both keep to the indexes)."""
    whose = (table.c.person_id == bindparam("person_id") if person
             else table.c.person_id.is_(None))
    return [table.c.project_id == bindparam("project_id"), whose,
            table.c.bucket == bindparam("bucket")]


def _window_statements(person: bool) -> dict[str, Any]:
    """The window's four reads: counts, levels with dimensions, comments, the last stats."""
    rated, released = _window(_R, person), _window(_RELEASE, person)
    latest = select(_RELEASE.c.count).where(*released).order_by(_RELEASE.c.id.desc()).limit(1)
    dims = [f(_R.c[d]) for d in DIMENSIONS for f in (func.count, func.sum)]
    return {
        "counts": select(select(func.count()).select_from(_R).where(*rated).scalar_subquery(),
                         latest.scalar_subquery()),
        "levels": (select(_R.c.kind, _R.c.overall, func.count(), *dims).where(*rated)
                   .group_by(_R.c.kind, _R.c.overall)),
        "comments": select(_R.c.comment).where(*rated, _R.c.comment.is_not(None)),
        "stats": (select(_RELEASE.c.stats).where(*released)
                  .order_by(_RELEASE.c.id.desc()).limit(1)),
    }


_WINDOW = {person: _window_statements(person) for person in (False, True)}  # built once


def _in_window(session: Session, name: str, project_id: int, person_id: int | None,
               bucket: str) -> Any:
    params: dict[str, Any] = {"project_id": project_id, "bucket": bucket}
    if person_id is not None:
        params["person_id"] = person_id
    return session.connection().execute(_WINDOW[person_id is not None][name], params)


def window_counts(session: Session, *, project_id: int, person_id: int | None, bucket: str
                  ) -> tuple[int, int]:
    """(ratings in a target's window, ratings its latest release counted; 0 without one)."""
    live, released = _in_window(session, "counts", project_id, person_id, bucket).one()
    return int(live or 0), int(released or 0)


def window_levels(session: Session, *, project_id: int, person_id: int | None, bucket: str
                  ) -> tuple[list[tuple[str, int, int]], dict[str, tuple[int, int]]]:
    """A target's window in one read: (rater kind, overall level, how many) rows, and
    dimension → (how many answered it, sum of levels)."""
    levels, dims = [], dict.fromkeys(DIMENSIONS, (0, 0))
    for kind, overall, n, *answered in _in_window(session, "levels", project_id, person_id,
                                                  bucket):
        levels.append((kind, overall, n))
        for i, d in enumerate(DIMENSIONS):
            count, total = dims[d]
            dims[d] = (count + int(answered[2 * i] or 0), total + int(answered[2 * i + 1] or 0))
    return levels, dims


def comments(session: Session, *, project_id: int, person_id: int | None, bucket: str
             ) -> list[str]:
    return [c for (c,) in _in_window(session, "comments", project_id, person_id, bucket) if c]


def latest_stats(session: Session, *, project_id: int, person_id: int | None, bucket: str
                 ) -> str | None:
    """The JSON of the target window's latest release, if it has one."""
    return _in_window(session, "stats", project_id, person_id, bucket).scalar()
