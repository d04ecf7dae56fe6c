"""The shared send pace: lock the keys' rows, read their recent send times, write them back."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, update
from sqlmodel import Session, select

from storage.tables import Pace
from storage.upsert import insert_ignore


def lock(session: Session, *, keys: list[str]) -> dict[str, list[float]]:
    """The recent send times (Unix seconds) of each key, its row locked until the commit."""
    stmt = (select(Pace.key, Pace.times).where(Pace.key.in_(keys))  # type: ignore[attr-defined]
            .order_by(Pace.key).with_for_update())
    while True:  # a row pruned between the insert and the lock is simply added again
        insert_ignore(session, Pace, [{"key": key, "times": ""} for key in keys])
        found = {key: [float(t) for t in times.split(",") if t]
                 for key, times in session.exec(stmt).all()}
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
    """Write back each key's recent send times: one statement for every key (executemany,
    pipelined by psycopg), not one ORM round trip per chat a booking touched."""
    if times:
        session.connection().execute(_SAVE, [{"k": key, "t": ",".join(f"{t:.3f}" for t in values)}
                                             for key, values in times.items()])
