"""The shared send pace: lock the keys' rows, read their recent send times, write them back."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, text, update
from sqlmodel import Session, select

from storage.tables import Pace
from storage.upsert import insert_ignore

# PostgreSQL: the missing keys added and every key's row locked and read in one statement (in
# key order: two bookings never wait on each other crosswise); the times written in one more.
_PG_LOCK = text("""
INSERT INTO pace (key, times) SELECT key, '' FROM unnest(CAST(:keys AS text[])) AS key
ORDER BY key ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING key, times""")
_PG_SAVE = text("""
UPDATE pace SET times = saved.times
FROM unnest(CAST(:keys AS text[]), CAST(:times AS text[])) AS saved(key, times)
WHERE pace.key = saved.key""")


def _parsed(times: str) -> list[float]:
    """A row's send times, as stored (comma-separated Unix seconds)."""
    return [float(t) for t in times.split(",") if t]


def lock(session: Session, *, keys: list[str]) -> dict[str, list[float]]:
    """The recent send times (Unix seconds) of each key, its row locked until the commit."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        rows = connection.execute(_PG_LOCK, {"keys": sorted(keys)})
        return {key: _parsed(times) for key, times in rows}
    stmt = (select(Pace.key, Pace.times).where(Pace.key.in_(keys))  # type: ignore[attr-defined]
            .order_by(Pace.key).with_for_update())
    while True:  # a row pruned between the insert and the lock is simply added again
        insert_ignore(session, Pace, [{"key": key, "times": ""} for key in keys])
        found = {key: _parsed(times) for key, times in session.exec(stmt).all()}
        if len(found) == len(keys):
            return found


_FORGET = (delete(Pace.__table__)  # type: ignore[attr-defined]
           .where(Pace.__table__.c.key == bindparam("k"),  # type: ignore[attr-defined]
                  Pace.__table__.c.times == bindparam("t")))  # type: ignore[attr-defined]


def prune(session: Session, *, before: float, page: int = 500) -> int:
    """Forget the keys whose last send is older than `before`, a page of keys at a time
    (a row booked meanwhile has other times, and stays); how many went."""
    gone, after = 0, ""
    while True:
        rows = session.exec(select(Pace.key, Pace.times).where(Pace.key > after)
                            .order_by(Pace.key).limit(page)).all()
        if not rows:
            return gone
        after = rows[-1][0]
        stale = [{"k": key, "t": times} for key, times in rows
                 if not times or float(times.rsplit(",", 1)[-1]) < before]
        if stale:
            session.connection().execute(_FORGET, stale)
            gone += len(stale)


_SAVE = (update(Pace.__table__)  # type: ignore[attr-defined]
         .where(Pace.__table__.c.key == bindparam("k"))  # type: ignore[attr-defined]
         .values(times=bindparam("t")))


def save(session: Session, *, times: dict[str, list[float]]) -> None:
    """Write back each key's recent send times in one statement (PostgreSQL; elsewhere one
    executemany), not one ORM round trip per chat a booking touched."""
    if not times:
        return
    text_times = {key: ",".join(f"{t:.3f}" for t in values) for key, values in times.items()}
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_PG_SAVE, {"keys": list(text_times), "times": list(text_times.values())})
        return
    connection.execute(_SAVE, [{"k": key, "t": value} for key, value in text_times.items()])
