"""The dossier workbook (`<姓名>-履职档案.xlsx`) from view data (pure); labels from templates."""

from __future__ import annotations

from typing import Any

from core.documents.dossier_view import DossierView
from core.documents.xlsx import Sheet


def _local(value: Any, view: DossierView) -> Any:
    """A moment in the cadre's timezone, without tz (spreadsheets have none)."""
    return value.astimezone(view.tz).replace(tzinfo=None) if value is not None else None


def sheets(view: DossierView, labels: dict[str, Any]) -> list[Sheet]:
    """基本情况, the three lists, reports, ratings, orders, notes, scores, the trail."""
    names, heads, title = labels["sheets"], labels["headers"], labels["title"]
    p = view.person
    basics = [[labels["field"][k], v] for k, v in (
        ("name", p.name), ("post", p.post),
        ("projects", "、".join(x.name for x in view.projects)),
        ("stage", labels["stages"].get(view.stage or "", "")),
        ("today", view.today))]
    return [Sheet(names[0], title, heads["basics"], basics), *_lists(view, labels),
            *_history(view, labels)]


def _lists(view: DossierView, labels: dict[str, Any]) -> list[Sheet]:
    """The three lists (责任, 实绩, 问题) and the reports."""
    names, heads, title = labels["sheets"], labels["headers"], labels["title"]
    return [
        Sheet(names[1], title, heads["duties"],
              ([m.due, m.text, project.name, _local(m.done_at, view)]
               for m, project in view.duties)),
        Sheet(names[2], title, heads["items"], ([d, t] for d, t, _id in view.achievements)),
        Sheet(names[3], title, heads["items"], ([d, t] for d, t, _id in view.problems)),
        Sheet(names[4], title, heads["reports"],
              ([r.local_date, _local(r.posted_at, view), r.progress, r.text,
                labels["yes"] if r.on_time else labels["no"]]
               for m in view.months for r in m.reports)),
    ]


def _history(view: DossierView, labels: dict[str, Any]) -> list[Sheet]:
    """Ratings, orders with their events, notes, scores by period, the 工作纪实 trail."""
    names, heads, title = labels["sheets"], labels["headers"], labels["title"]
    return [
        Sheet(names[5], title, heads["ratings"],
              ([project.name, window, d.count if d.shown else None, d.mean,
                d.score, labels["hidden"] if not d.shown else ""]
               for project, window, d in view.ratings)),
        Sheet(names[6], title, heads["orders"],
              ([o.number, o.text, o.deadline, labels["states"][o.state],
                _local(e.at, view), (who.name or who.display) if who else "",
                labels["actions"].get(e.action, e.action), e.comment]
               for o, events in view.orders for e, who in events)),
        Sheet(names[7], title, heads["notes"],
              ([_local(n.at, view), (who.name or who.display) if who else "", n.points, n.text]
               for n, who in view.notes)),
        Sheet(names[8], title, heads["scores"],
              ([period.theme, period.start, period.end, s.score.composite, s.grade,
                *(s.score.parts[k].value for k in ("achievement", "diligence", "rating",
                                                    "examiners"))]
               for period, s in view.scores)),
        Sheet(names[9], title, heads["trail"],
              ([_local(t.at, view), (who.name or who.display) if who else "",
                labels["trail"].get(t.action, t.action), t.detail]
               for t, who in view.trail)),
    ]
