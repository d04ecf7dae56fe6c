"""Reads a group of updates shares in its one transaction (who is acting, which chat).

Only a group session has a memo (`share`); it holds what was read until anything writes to
the tables it came from (storage.db.WATCHED), so every update still sees what the ones
before it wrote. A session of one update reads afresh each time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

T = TypeVar("T")
_KEY = "memo"


def share(session: Session) -> None:
    """Let this session's updates share their reads (a group commit's session)."""
    session.info[_KEY] = {}


def _current(session: Session) -> dict | None:
    """The group's memo as of now (emptied if anything it holds may have changed)."""
    store = session.info.get(_KEY)
    if store is None:
        return None
    session.flush()  # pending changes count as writes first (a no-op when there are none)
    generation = session.connection().info.get("watched_writes", 0)
    if store.get(None) != generation:
        store.clear()
        store[None] = generation
    return store


def fill(session: Session, found: dict[tuple, object]) -> None:
    """Remember reads made ahead for the group's updates (one query for many keys)."""
    store = _current(session)
    if store is not None:
        store.update(found)


def remembered(session: Session, key: tuple, read: Callable[[], T]) -> T:
    """`read()`, or what it gave before in this group while nothing it read has changed."""
    store = _current(session)
    if store is None:
        return read()
    if key not in store:
        store[key] = read()
    return store[key]  # type: ignore[no-any-return]
