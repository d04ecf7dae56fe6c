"""三维成像 scoring (SPEC §8): pure rules — figures and weights in, every part with its inputs out.

实绩 achievements: milestones done on time / due in the period (60 %) and recorded 完成 items
(40 %; items alone when no milestone was due). Items count per working day expected of the
cadre in the period, against the reference pace: the median pace of the scope's cadres, kept
within ITEMS_PACE_FLOOR–ITEMS_PACE_FULL per working day. At or above it the items' share is
full, below it in proportion: one 完成 line each working day is always full, over a week as
over a quarter, and a scope that records little does not make one line a full share.
状态 diligence (辛苦指数): reported working days / working days expected (80 %; core.reporting.
attendance: leave and days before joining excluded, a reported day always counted), and the
weekly and monthly summaries answered / asked for (20 %; the days alone when none was asked).
评价 ratings: the released mean overall level mapped 1→0 … 5→100, only over the threshold.
考核组 examiners: the examiners' average grade plus the points of field notes, within 0–100.
A part without data is shown as such; its weight is shared out among the parts that have data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

PARTS = ("achievement", "diligence", "rating", "examiners")
DEFAULT_WEIGHTS = (30, 20, 25, 25)
ITEMS_PACE_FULL = 1.0  # 完成 lines per working day that always make the items' share full
ITEMS_PACE_FLOOR = 0.2  # the reference pace never drops below one line a week
EXCELLENT_FLOOR, FAIR_BELOW = 85.0, 60.0
EXCELLENT, GOOD, FAIR = "优秀", "良好", "一般"


@dataclass(frozen=True)
class Weights:
    """A domain's weights for 实绩, 状态, 评价, 考核组 (they sum to 100)."""

    achievement: int = DEFAULT_WEIGHTS[0]
    diligence: int = DEFAULT_WEIGHTS[1]
    rating: int = DEFAULT_WEIGHTS[2]
    examiners: int = DEFAULT_WEIGHTS[3]

    def of(self, part: str) -> int:
        return int(getattr(self, part))


@dataclass(frozen=True)
class Figures:
    """What one cadre's score in one period is made from (all counted in SQL)."""

    milestones_due: int = 0
    milestones_on_time: int = 0
    items: int = 0  # recorded 完成 lines
    workdays: int = 0  # working days expected: reported ones, and missing since joining
    reported: int = 0  # of those, days with a report (on time + late)
    recaps_due: int = 0  # weekly and monthly prompts in the window
    recaps: int = 0  # answered
    rating: float | None = None  # the disclosed score (0–100), None under the threshold
    rating_count: int = 0
    rating_scope: str = ""  # person | project: whose released ratings these are
    grade: float | None = None  # the examiners' average grade
    graders: int = 0
    note_points: int = 0
    on_time: int = 0  # reported days, on time
    late: int = 0  # reported days, late (after the nudge time, or back-filled)
    leave: int = 0  # working days on leave without a report (not expected)
    items_reference: float = ITEMS_PACE_FULL  # the scope's reference pace (lines per day)

    @property
    def missing(self) -> int:
        return self.workdays - self.reported

    @property
    def items_pace(self) -> float:
        """Recorded 完成 lines per working day expected of the cadre."""
        return self.items / max(1, self.workdays)


@dataclass(frozen=True)
class Part:
    """One dimension of the score: its value (None without data) and effective weight."""

    name: str
    value: float | None
    weight: float  # after sharing out the weights of parts without data


@dataclass(frozen=True)
class Score:
    figures: Figures
    parts: dict[str, Part] = field(default_factory=dict)
    composite: float | None = None


def _ratio(part: int, whole: int) -> float:
    return min(100.0, 100.0 * part / whole) if whole else 0.0


def part_values(f: Figures) -> dict[str, float | None]:
    """Each part on 0–100, or None when it has no data."""
    achievement = None
    items = min(100.0, 100.0 * f.items_pace / f.items_reference)
    if f.milestones_due:
        achievement = 0.6 * _ratio(f.milestones_on_time, f.milestones_due) + 0.4 * items
    elif f.reported or f.items:
        achievement = items
    diligence = None
    if f.workdays:
        diligence = _ratio(f.reported, f.workdays)
        if f.recaps_due:
            diligence = 0.8 * diligence + 0.2 * _ratio(f.recaps, f.recaps_due)
    examiners = None
    if f.grade is not None:
        examiners = max(0.0, min(100.0, f.grade + f.note_points))
    return {"achievement": achievement, "diligence": diligence, "rating": f.rating,
            "examiners": examiners}


def items_reference(paces: list[float]) -> float:
    """The reference pace of 完成 lines: the median of the scope's cadres' paces (those
    with expected days), kept within ITEMS_PACE_FLOOR and ITEMS_PACE_FULL."""
    if not paces:
        return ITEMS_PACE_FULL
    ordered = sorted(paces)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return round(min(ITEMS_PACE_FULL, max(ITEMS_PACE_FLOOR, median)), 3)


def score(f: Figures, weights: Weights) -> Score:
    """The weighted composite over the parts with data (None when no part has any)."""
    values = part_values(f)
    present = sum(weights.of(p) for p in PARTS if values[p] is not None)
    parts = {p: Part(p, None if values[p] is None else round(values[p], 1),  # type: ignore[arg-type]
                     round(100.0 * weights.of(p) / present, 1)
                     if present and values[p] is not None else 0.0)
             for p in PARTS}
    if not present:
        return Score(f, parts, None)
    composite = sum(weights.of(p) * values[p] for p in PARTS  # type: ignore[operator]
                    if values[p] is not None) / present
    return Score(f, parts, round(composite, 1))


def grades(ranked: Iterable[tuple[object, Score]], quota: float) -> dict[object, str]:
    """优秀 for the top ⌊n × quota⌋ with composite ≥ 85, 一般 below 60, else 良好.

    Order: composite, then (the tie-break rule) 考核组, 评价, 实绩, 状态, higher first, then
    the order given (earlier registration). Cadres without a composite get no grade ("").
    Each score is read once as it comes, so a lazy source is never held whole.
    """
    found: dict[object, str] = {}
    # one flat tuple a cadre, highest first (the order given: the negated count, reversed)
    order: list[tuple[Any, ...]] = []
    for key, s in ranked:
        if s.composite is None:
            found[key] = ""
            continue
        order.append((s.composite, *(s.parts[p].value or -1.0 for p in (
            "examiners", "rating", "achievement", "diligence")), -len(order), key))
    order.sort(reverse=True)
    places = math.floor(len(order) * quota + 1e-9)
    for place, (composite, *_tie, key) in enumerate(order):
        if place < places and composite >= EXCELLENT_FLOOR:
            found[key] = EXCELLENT
        elif composite < FAIR_BELOW:
            found[key] = FAIR
        else:
            found[key] = GOOD
    return found


def check_weights(values: list[int]) -> Weights:
    """Four weights summing to 100, or ValueError."""
    if len(values) != 4 or any(v < 0 for v in values) or sum(values) != 100:
        raise ValueError("weights must be four non-negative numbers summing to 100")
    return Weights(*values)
