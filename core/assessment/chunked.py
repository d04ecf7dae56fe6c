"""A big scope's live scores in chunks of cadres (for the export): the figures are read CHUNK
cadres at a time, each cadre kept lean for the ranking (id, name, figures, weights), then
packed CHUNK at a time once ranked; what a sheet shows besides is read again, chunk by chunk
in rank order, as the sheet is written.
The same figures, scores, grades and order as scores.compute; memory bounded by the chunk;
a fixed number of statements per chunk (keyset chunks by person id), never per cadre."""

from __future__ import annotations

import marshal
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from operator import attrgetter
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.assessment import _scoring, scores
from storage import figures as figures_q
from storage.tables import Period, Project

CHUNK = 500  # cadres read together
NONE_LAST = float("-inf")  # a composite below any (0–100): cadres without one rank last


@dataclass(slots=True)
class Lean:
    """One cadre on the board, kept small while ranked: what ranks and grades them, and what
    scores them again (the figures, packed)."""

    person_id: int
    name: str
    values: bytes
    weights: _scoring.Weights
    composite: float | None = None
    grade: str = ""

    @property
    def figures(self) -> _scoring.Figures:
        return _scoring.Figures(*marshal.loads(self.values))

    def score(self) -> _scoring.Score:
        return _scoring.score(self.figures, self.weights)


@dataclass
class Ranking:
    """The ranked cadres, packed CHUNK at a time (marshal): each one's id, grade, weights and
    figures, unpacked a chunk at a time as the sheets are written."""

    count: int
    packed: list[bytes]
    weights: list[_scoring.Weights]  # the few distinct ones (one a domain)

    def chunk(self, start: int) -> list[Lean]:
        """The cadres ranked start … start + CHUNK - 1 (start: a multiple of CHUNK)."""
        return [Lean(pid, "", values, self.weights[w], grade=grade)
                for pid, grade, w, values in marshal.loads(self.packed[start // CHUNK])]


def _packed(found: list[Lean]) -> Ranking:
    """The ranked cadres packed chunk by chunk: no object a cadre is kept."""
    weights: list[_scoring.Weights] = []
    index: dict[int, int] = {}  # id(weights) → its place in `weights`

    def place(one: Lean) -> int:
        if id(one.weights) not in index:
            index[id(one.weights)] = len(weights)
            weights.append(one.weights)
        return index[id(one.weights)]

    packed = [marshal.dumps([(one.person_id, one.grade, place(one), one.values)
                             for one in found[start:start + CHUNK]])
              for start in range(0, len(found), CHUNK)]
    return Ranking(len(found), packed, weights)


def ranked(session: Session, projects: list[Project], period: Period, *, today: date,
           grading: scores.Grading, tz: ZoneInfo) -> Ranking:
    """The scope's cadres, graded and ranked as scores.compute grades and ranks them."""
    project_ids = [p.id for p in projects]
    end = scores.counted_until(period, today)
    shared = scores.scope_inputs(session, project_ids, period, end)
    found: list[Lean] = []
    after = 0
    while ids := figures_q.cadre_ids(session, project_ids=project_ids, after=after,
                                     limit=CHUNK):
        after = ids[-1]
        found.extend(_chunk(session, ids, project_ids, period, end, tz, shared, grading))
    reference = _scoring.items_reference([one.figures.items_pace for one in found
                                          if one.figures.workdays])
    # graded in person id order (earlier registration breaks the last tie), as compute does
    grades = _scoring.grades(_scored(found, reference), grading.quota)
    for one in found:
        one.grade = grades[one.person_id]
    del grades
    # highest composite first, none last, then by name: two stable sorts in place, their keys
    # the cadres' own values
    found.sort(key=attrgetter("name"))
    found.sort(key=lambda one: NONE_LAST if one.composite is None else one.composite,
               reverse=True)
    return _packed(found)


def _chunk(session: Session, ids: list[int], project_ids: list[int], period: Period,
           end: date, tz: ZoneInfo, shared: scores.Shared, grading: scores.Grading
           ) -> Iterator[Lean]:
    """These cadres' figures (against the full items' pace until the scope's is known)."""
    people = scores.cadres(session, project_ids, tz, person_ids=ids)
    found = scores.gather(session, people, project_ids, period, end, tz, chunk=True)
    for pid, (person, mine, joined) in sorted(people.items()):
        figures = found.figures(pid, joined, scores.rating(shared, person, mine, grading), tz)
        yield Lean(pid, person.name, _values(figures), shared.weights_of(mine[0]))


def _scored(found: list[Lean], reference: float) -> Iterator[tuple[int, _scoring.Score]]:
    """Each cadre's score against the scope's items' pace, one at a time (kept: composite)."""
    for one in found:
        one.values = _values(replace(one.figures, items_reference=reference))
        score = one.score()
        one.composite = score.composite
        yield one.person_id, score


def _values(figures: _scoring.Figures) -> bytes:
    """The figures packed in field order, each value's own type kept (marshal): a third of
    a tuple's memory, read back by `Lean.figures`."""
    return marshal.dumps(tuple(vars(figures).values()))
