"""The export workbook's sheets from view data (pure): 两表一单 and 整改台账 (SPEC §4 /export).

Labels (headers, titles, state names) come from the bot's templates; the four sheet names
are the SPEC's own. Rows are generated lazily, so a big export streams.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from core.documents.export_view import ExportView
from core.documents.xlsx import Sheet
from core.orders import rules

NAMES = ("业绩采集表", "辛苦指数量化评估表", "履职评价单", "整改台账")
PERCENT = "0.0%"


def _part(row: Any, name: str) -> float | None:
    return row.score.parts[name].value


def _cadre(row: Any) -> list[object]:
    return [row.person.name, row.person.post, "、".join(row.projects)]


def achievements(view: ExportView, labels: dict[str, Any]) -> Iterator[list[object]]:
    """One row per achievement — the cadre's 完成 lines with their dates (先进典型 marked) and
    milestones met — cadre columns repeated; the cadre's counts on their first row only (a
    cadre without any: one row of counts). The lines stream from the database."""
    done, milestone = labels["kinds"]
    for chunk in view.chunks(True):
        lines = _Cursor(chunk.lines)
        for row in chunk.rows:
            pid, f = row.person.id, row.score.figures
            counts = [f.milestones_due, f.milestones_on_time,
                      f.milestones_on_time / f.milestones_due if f.milestones_due else None,
                      f.items, chunk.stars.get(pid, 0), chunk.progress.get(pid),
                      _part(row, "achievement")]
            found = sorted([*((day, 0, done, text, None, labels["yes"] if starred else None)
                              for _p, day, text, starred in lines.take(pid)),
                            *((day, 1, milestone, text, due, None)
                              for day, due, text in chunk.milestones.get(pid, []))],
                           key=lambda line: line[:2])
            if not found:
                yield [*_cadre(row), None, None, None, None, None, *counts]
            for n, (day, _order, kind, text, due, star) in enumerate(found):
                yield [*_cadre(row), day, kind, text, due, star,
                       *(counts if n == 0 else [None] * len(counts))]


class _Cursor:
    """Takes a stream ordered cadre by cadre one cadre at a time."""

    def __init__(self, rows: Iterator[tuple[int, Any, str, bool]]) -> None:
        self.rows, self.head = rows, next(rows, None)

    def take(self, person_id: int) -> list[tuple[int, Any, str, bool]]:
        """The rows of this person (the next in rank order), read on as far as needed."""
        found = []
        while self.head is not None and self.head[0] == person_id:
            found.append(self.head)
            self.head = next(self.rows, None)
        return found


def diligence(view: ExportView) -> Iterator[list[object]]:
    """The 辛苦指数量化评估表's rows, chunk by chunk in rank order."""
    for chunk in view.chunks(False):
        for row in chunk.rows:
            f, days = row.score.figures, chunk.days[row.person.id]
            yield [*_cadre(row), f.workdays, f.reported, days.on_time, days.late, days.missing,
                   days.leave, f.reported / f.workdays if f.workdays else None,
                   f.recaps_due, f.recaps, _part(row, "diligence")]


def evaluation(view: ExportView, labels: dict[str, Any]) -> Iterator[list[object]]:
    """The 履职评价单's rows, chunk by chunk in rank order."""
    for chunk in view.chunks(False):
        for row in chunk.rows:
            f = row.score.figures
            yield [*_cadre(row), f.rating_count if f.rating is not None else None, f.rating,
                   labels["rating_scopes"].get(f.rating_scope, ""), f.grade, f.graders,
                   f.note_points, _part(row, "examiners"), row.score.composite, row.grade,
                   labels["stages"].get(row.stage or "", "")]


def ledger(view: ExportView, labels: dict[str, Any]) -> Iterator[list[object]]:
    """整改台账: every order of the scope, by number (ZG-2026-0001 first)."""
    today = view.today or view.end
    for order, cadre, issuer, project, events in view.orders():
        yield [order.number, project.name, cadre.name, (issuer.name or issuer.display)
               if issuer else "", order.text, order.created_at.date(), order.deadline,
               labels["states"][order.state],
               labels["yes"] if rules.is_overdue(order.state, order.deadline, today)
               else labels["no"], order.closed_at.date() if order.closed_at else None,
               order.reviewed_at.date() if order.reviewed_at else None, order.followup or "",
               events]


def sheets(view: ExportView, labels: dict[str, Any]) -> list[Sheet]:
    """The four sheets, each with a title row naming scope and period, a frozen header."""
    title = labels["title"]
    return [
        Sheet(NAMES[0], title, labels["achievements"], achievements(view, labels),
              number_formats={10: PERCENT}),
        Sheet(NAMES[1], title, labels["diligence"], diligence(view),
              number_formats={9: PERCENT}),
        Sheet(NAMES[2], title, labels["evaluation"], evaluation(view, labels)),
        Sheet(NAMES[3], title, labels["ledger"], ledger(view, labels)),
    ]
