"""The one record of a cadre's working days (SPEC §4, §8): on time, late, missing and on
leave over a window. /summary, /missing, /my, /scores, /ranking, /cadre, /dossier, /export,
the charts and the digests all read it here, so every view prints the same numbers.

The rule: on each working day (official holidays off, 调休 make-up days on) in the window,
a day the cadre reported for counts — on time when a report dated that day came before the
nudge time, late otherwise (a back-filled day is late) — even before they joined or while on
leave; a day without a report is leave when they were away, missing from the day they
joined, and not theirs before. Expected days = on time + late + missing. Computed in SQL,
one statement per call, whatever the number of cadres."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from core.common.calendar import workdays
from storage import attendance as attendance_q


@dataclass(frozen=True)
class DayRecord:
    """A cadre's (or a group's) working days in a window."""

    on_time: int = 0
    late: int = 0
    missing: int = 0
    leave: int = 0

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def expected(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def rate(self) -> float | None:
        """Reported / expected, in percent; None when no day was expected."""
        return 100.0 * self.reported / self.expected if self.expected else None

    def __add__(self, other: DayRecord) -> DayRecord:
        return DayRecord(self.on_time + other.on_time, self.late + other.late,
                         self.missing + other.missing, self.leave + other.leave)


def records(session: Session, cadres: Mapping[int, date], *, project_ids: list[int],
            start: date, end: date, chunk: bool = False) -> dict[int, DayRecord]:
    """person_id → their record over [start, end], counting reports to any of the projects
    (`cadres` maps each person to the day they joined; a `chunk` of a big scope's cadres:
    only their reports are read)."""
    found = attendance_q.by_seat(session, seats=[(0, pid, joined) for pid, joined in
                                                 cadres.items()],
                                 project_ids=project_ids, days=workdays(start, end),
                                 seats_only=chunk)
    return {pid: DayRecord(*found.get((0, pid), (0, 0, 0, 0))) for pid in cadres}


def per_project(session: Session, seats: Iterable[tuple[int, int, date]], *, start: date,
                end: date) -> dict[tuple[int, int], DayRecord]:
    """(project_id, person_id) → the record of reports to that project, for each seat
    (project_id, person_id, joined)."""
    seats = list(seats)
    found = attendance_q.by_seat(session, seats=seats,
                                 project_ids=sorted({s[0] for s in seats}),
                                 days=workdays(start, end), per_project=True)
    return {(pr, pe): DayRecord(*found.get((pr, pe), (0, 0, 0, 0))) for pr, pe, _j in seats}


def daily(session: Session, cadres: Mapping[int, date], *, project_ids: list[int],
          start: date, end: date) -> dict[date, DayRecord]:
    """Each working day in [start, end] → the cadres' record that day (for charts)."""
    days = workdays(start, end)
    found = attendance_q.by_day(session, seats=[(0, pid, joined) for pid, joined in
                                                cadres.items()],
                                project_ids=project_ids, days=days)
    return {day: DayRecord(*found.get(day, (0, 0, 0, 0))) for day in days}
