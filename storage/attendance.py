"""Working-day records in SQL (SPEC §4, §8): per cadre, or per day, how many working days
were reported on time, late, missed or spent on leave — one statement, however many cadres."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    column,
    func,
    select,
    true,
    type_coerce,
    values,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

from storage.tables import DailyReport, Leave

Seat = tuple[int, int, date]  # (project_id or 0 for the whole scope, person_id, joined)


Counts = tuple[int, int, int, int]  # on time, late, missing, leave


def by_seat(session: Session, *, seats: list[Seat], project_ids: list[int], days: list[date],
            per_project: bool = False, seats_only: bool = False
            ) -> dict[tuple[int, int], Counts]:
    """(project_id, person_id) of each seat → its working days' counts (`seats_only`: the
    reports read are the seats' people's only, for a few of a big scope's cadres)."""
    grid, parts, seat, _day = _grid(_seats(session, seats), seats, project_ids, days,
                                    per_project, seats_only)
    if grid is None:
        return {}
    stmt = (select(seat.c.project_id, seat.c.person_id, *parts).select_from(grid)
            .group_by(seat.c.project_id, seat.c.person_id))
    return {(pr, pe): (int(a), int(b), int(c), int(d))
            for pr, pe, a, b, c, d in session.execute(stmt)}


def by_day(session: Session, *, seats: list[Seat], project_ids: list[int], days: list[date],
           per_project: bool = False) -> dict[date, Counts]:
    """Each working day → the seats' counts that day."""
    grid, parts, _seat, day = _grid(_seats(session, seats), seats, project_ids, days,
                                    per_project)
    if grid is None:
        return {}
    stmt = select(day.c.day, *parts).select_from(grid).group_by(day.c.day)
    return {d: (int(a), int(b), int(c), int(e)) for d, a, b, c, e in session.execute(stmt)}


_SEAT = (("project_id", Integer), ("person_id", Integer), ("joined", Date))  # a Seat's columns


def _seats(session: Session, seats: list[Seat]) -> Any:
    """The seats as a table the statement joins: bound as one parameter per column (PostgreSQL
    arrays) or one JSON text (SQLite), so the statement is the same for any number of seats and
    is compiled once, not with three bound values a cadre."""
    if session.connection().dialect.name == "postgresql":
        table = func.unnest(*(
            bindparam(f"seat_{name}", [seat[i] for seat in seats], type_=ARRAY(kind))
            for i, (name, kind) in enumerate(_SEAT))).table_valued(
            *(column(name, kind) for name, kind in _SEAT)).render_derived(name="seat_rows")
        return select(*table.c).cte("seat")
    rows = func.json_each(bindparam("seats", json.dumps(
        [(p, person, joined.isoformat()) for p, person, joined in seats]))).table_valued("value")
    return select(*(type_coerce(func.json_extract(rows.c.value, f"$[{i}]"), kind).label(name)
                    for i, (name, kind) in enumerate(_SEAT))).cte("seat")


def _grid(seat: Any, seats: list[Seat], project_ids: list[int], days: list[date],
          per_project: bool, seats_only: bool = False) -> tuple[Any, tuple, Any, Any]:
    """Seats × working days, joined to the day's reports; the four counts as SQL sums.

    A reported day counts (on time if any report that day was, else late) whether or not
    the cadre was on leave or had joined yet; an unreported one is leave, or missing from
    the day they joined; before that it is not theirs."""
    if not seats or not days or not project_ids:
        return None, (), None, None
    day = values(column("day", Date), name="day").data([(d,) for d in days]).cte("day")
    keys = [DailyReport.person_id, DailyReport.local_date]
    if per_project:
        keys.insert(0, DailyReport.project_id)
    reported = (select(*keys, func.max(cast(DailyReport.on_time, Integer)).label("on_time"))
                .where(DailyReport.project_id.in_(project_ids),  # type: ignore[attr-defined]
                       ~DailyReport.withdrawn,  # type: ignore[arg-type]
                       DailyReport.local_date >= min(days), DailyReport.local_date <= max(days),
                       DailyReport.person_id.in_(sorted({s[1] for s in seats}))  # type: ignore[attr-defined]
                       if seats_only else true())
                .group_by(*keys).subquery("reported"))
    match = and_(reported.c.person_id == seat.c.person_id, reported.c.local_date == day.c.day)
    if per_project:
        match = and_(match, reported.c.project_id == seat.c.project_id)
    gone = (select(Leave.person_id, day.c.day).distinct()
            .join(day, and_(day.c.day >= Leave.start, day.c.day <= Leave.end))
            .where(Leave.person_id.in_(select(seat.c.person_id)))  # type: ignore[attr-defined]
            .subquery("gone"))
    away = gone.c.person_id.is_not(None)
    did = reported.c.on_time.is_not(None)
    parts = (func.sum(case((reported.c.on_time == 1, 1), else_=0)),
             func.sum(case((reported.c.on_time == 0, 1), else_=0)),
             func.sum(case((did, 0), (away, 0), (day.c.day >= seat.c.joined, 1), else_=0)),
             func.sum(case((did, 0), (away, 1), else_=0)))
    grid = (seat.join(day, true()).outerjoin(reported, match)
            .outerjoin(gone, and_(gone.c.person_id == seat.c.person_id, gone.c.day == day.c.day)))
    return grid, parts, seat, day
