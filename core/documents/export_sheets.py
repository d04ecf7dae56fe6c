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


def achievements(view: ExportView) -> Iterator[list[object]]:
    for row in view.rows:
        f = row.score.figures
        yield [*_cadre(row), f.milestones_due, f.milestones_on_time,
               f.milestones_on_time / f.milestones_due if f.milestones_due else None,
               f.items, view.stars.get(row.person.id, 0), view.progress.get(row.person.id),
               _part(row, "achievement")]


def diligence(view: ExportView) -> Iterator[list[object]]:
    for row in view.rows:
        f, days = row.score.figures, view.days[row.person.id]
        yield [*_cadre(row), f.workdays, f.reported, days.on_time, days.late, days.missing,
               days.leave, f.reported / f.workdays if f.workdays else None, f.recaps_due,
               f.recaps, _part(row, "diligence")]


def evaluation(view: ExportView, labels: dict[str, Any]) -> Iterator[list[object]]:
    for row in view.rows:
        f = row.score.figures
        yield [*_cadre(row), f.rating_count if f.rating is not None else None, f.rating,
               labels["rating_scopes"].get(f.rating_scope, ""), f.grade, f.graders,
               f.note_points, _part(row, "examiners"), row.score.composite, row.grade,
               labels["stages"].get(row.stage or "", "")]


def ledger(view: ExportView, labels: dict[str, Any]) -> Iterator[list[object]]:
    """整改台账: every order of the scope, by number (ZG-2026-0001 first)."""
    today = view.today or view.end
    for order, cadre, issuer, project, events in sorted(view.orders,
                                                        key=lambda o: o[0].number):
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
        Sheet(NAMES[0], title, labels["achievements"], achievements(view),
              number_formats={5: PERCENT}),
        Sheet(NAMES[1], title, labels["diligence"], diligence(view),
              number_formats={9: PERCENT}),
        Sheet(NAMES[2], title, labels["evaluation"], evaluation(view, labels)),
        Sheet(NAMES[3], title, labels["ledger"], ledger(view, labels)),
    ]
