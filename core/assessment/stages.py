"""三期管理: 一般 moves a cadre 摸底排查期 → 预警考察期 → 跟踪观察期; 良好 or 优秀, out."""

from __future__ import annotations

from sqlmodel import Session

from core.assessment._scoring import EXCELLENT, FAIR, GOOD
from storage import figures as figures_q
from storage.tables import Period, StageEntry

STAGES = ("screening", "warning", "watching")  # 摸底排查期, 预警考察期, 跟踪观察期
_NEXT = {None: "screening", "out": "screening", "screening": "warning", "warning": "watching",
         "watching": "watching"}


def next_stage(current: str | None, grade: str) -> str | None:
    """The stage after a closed period's grade, or None when nothing changes."""
    if grade == FAIR:
        return _NEXT[current]
    if grade in (GOOD, EXCELLENT) and current in STAGES:
        return "out"
    return None


def current(history: list[StageEntry]) -> str | None:
    """The stage a cadre is in now (None or "out": not in 三期管理)."""
    stage = history[-1].stage if history else None
    return stage if stage in STAGES else None


def apply(session: Session, period: Period, grades: dict[int, str]) -> dict[int, str]:
    """Move each graded cadre on (or out) after the period closed; person id → new stage."""
    history = figures_q.stages(session, person_ids=list(grades))
    moved = {}
    for person_id, grade in grades.items():
        found = history.get(person_id, [])
        stage = next_stage(found[-1].stage if found else None, grade)
        if stage is not None:
            session.add(StageEntry(person_id=person_id, period_id=period.id, stage=stage))
            moved[person_id] = stage
    return moved
