"""A board (/scores, /ranking) that fits a chat: names told apart, and past a screenful its
head and tail, the count by grade, the 三期管理 list and where the reader's projects stand."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from core.assessment._scoring import EXCELLENT, FAIR, GOOD
from core.assessment.scores import CadreScore

__all__ = ["SCREENFUL", "Digest", "Standing", "digest", "distinctions", "is_big"]

SCREENFUL = 30  # more cadres than this and the chat gets the digest, the file the whole board
HEAD, TAIL = 10, 5


def distinctions(rows: list[CadreScore]) -> dict[int, str]:
    """What tells a cadre from another of the same name on the board: their 项目, or their
    职务 when they share the project too ("" for a name nobody else has)."""
    count = Counter(r.person.name for r in rows)
    found = {}
    for row in rows:
        extra = ""
        if count[row.person.name] > 1:
            where = "、".join(row.projects)
            twins = [r for r in rows if r.person.name == row.person.name
                     and "、".join(r.projects) == where]
            extra = (row.person.post or "") if len(twins) > 1 else where
        found[row.person.id] = extra
    return found


@dataclass(frozen=True)
class Standing:
    """Where one of the reader's projects stands on the board."""

    project: str
    cadres: int
    best: int  # the best place of its cadres (1-based)
    worst: int
    fair: int  # its cadres graded 一般


@dataclass
class Digest:
    """The chat answer for a big board; the whole board goes as a file."""

    total: int
    head: list[tuple[int, CadreScore]]  # (place, row)
    tail: list[tuple[int, CadreScore]]
    grades: dict[str, int]
    staged: list[tuple[int, CadreScore]]  # in 三期管理 (not yet out)
    mine: list[Standing] = field(default_factory=list)
    apart: dict[int, str] = field(default_factory=dict)  # distinctions()


def is_big(rows: list[CadreScore]) -> bool:
    return len(rows) > SCREENFUL


def digest(rows: list[CadreScore], mine: list[str]) -> Digest:
    """Head and tail of the ranked rows, grades counted, staged cadres, the reader's projects."""
    placed = list(enumerate(rows, start=1))
    grades = Counter(r.grade or "" for r in rows)
    standings = []
    for project in mine:
        own = [(place, r) for place, r in placed if project in r.projects]
        if own:
            standings.append(Standing(project, len(own), own[0][0], own[-1][0],
                                      sum(1 for _p, r in own if r.grade == FAIR)))
    return Digest(
        total=len(rows), head=placed[:HEAD], tail=placed[max(HEAD, len(placed) - TAIL):],
        grades={g: grades.get(g, 0) for g in (EXCELLENT, GOOD, FAIR, "")},
        staged=[(place, r) for place, r in placed if r.stage and r.stage != "out"],
        mine=standings, apart=distinctions(rows))
