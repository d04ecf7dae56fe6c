"""The shared send pace: lock the keys' rows, read their recent send times, write them back."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select

from storage.tables import Pace
from storage.upsert import insert_ignore


def lock(session: Session, *, keys: list[str]) -> dict[str, list[float]]:
    """The recent send times (Unix seconds) of each key, its row locked until the commit."""
    insert_ignore(session, Pace, [{"key": key, "times": ""} for key in keys])
    stmt = (select(Pace.key, Pace.times).where(Pace.key.in_(keys))  # type: ignore[attr-defined]
            .order_by(Pace.key).with_for_update())
    return {key: [float(t) for t in times.split(",") if t]
            for key, times in session.exec(stmt).all()}


def save(session: Session, *, times: dict[str, list[float]]) -> None:
    """Write back each key's recent send times."""
    for key, values in times.items():
        session.execute(update(Pace).where(Pace.key == key)
                        .values(times=",".join(f"{t:.3f}" for t in values))
                        .execution_options(synchronize_session=False))
