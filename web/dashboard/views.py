"""The API's JSON: view data from core as plain values (figures exactly as /scores has them)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.assessment import boards, scores
from core.documents.cadre_page import CadrePage
from core.orders import rules
from core.ratings import anonymity
from core.review.dashboard import Choices, OrderRow


def _day(value: date | datetime | None, tz: ZoneInfo | None = None) -> str | None:
    """YYYY-MM-DD, or YYYY-MM-DD HH:MM for a moment (in the bot's timezone)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if tz is not None and value.tzinfo is not None:
            value = value.astimezone(tz)
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def period(p: Any) -> dict[str, Any]:
    """A period (or a month as a window, id 0) as the picker and pages show it."""
    return {"id": p.id or None, "theme": p.theme, "start": _day(p.start), "end": _day(p.end),
            "status": p.status}


def choices(found: Choices, me: dict[str, Any]) -> dict[str, Any]:
    """The scope picker's answer."""
    return {"me": me,
            "domains": [{"id": d.id, "name": d.name} for d in found.domains],
            "projects": [{"id": p.id, "name": p.name, "domain": dn, "domain_id": p.domain_id,
                          "cadres": n} for p, dn, n in found.projects],
            "periods": [period(p) for p in found.periods]}


def score_row(row: scores.CadreScore) -> dict[str, Any]:
    """One cadre's score as /scores has it: composite, grade, stage, parts, figures."""
    s = row.score
    return {"id": row.person.id, "name": row.person.name, "projects": row.projects,
            "composite": s.composite, "grade": row.grade, "stage": row.stage,
            "parts": {k: {"value": p.value, "weight": p.weight} for k, p in s.parts.items()},
            "figures": asdict(s.figures)}


def board(view: boards.ScoresView) -> dict[str, Any]:
    """The board's answer: scope, period, the day counted to, every cadre."""
    return {"scope": {"kind": view.scope.kind, "name": view.scope.name},
            "period": period(view.period), "end": _day(view.end), "frozen": view.frozen,
            "quota": view.quota, "rows": [score_row(r) for r in view.rows]}


def orders(rows: list[OrderRow]) -> dict[str, Any]:
    """The orders board's answer."""
    return {"rows": [{"number": r.line.order.number, "state": r.line.order.state,
                      "text": r.line.order.text, "deadline": _day(r.line.order.deadline),
                      "overdue": r.line.overdue, "days": r.days,
                      "cadre": r.line.cadre.name, "cadre_id": r.line.cadre.id,
                      "project": r.line.project.name} for r in rows]}


def _disclosure(d: anonymity.Disclosure) -> dict[str, Any]:
    """Only what the one gate (anonymity.disclose) let through."""
    if not d.shown:
        return {"shown": False}
    return {"shown": True, "count": d.count, "mean": d.mean, "score": d.score,
            "dist": {str(k): v for k, v in d.dist.items()}, "dims": d.dims,
            "kinds": {k: {"count": c, "mean": m} for k, (c, m) in (d.kinds or {}).items()}
            if d.kinds is not None else None, "comments": d.comments}


def cadre(found: CadrePage, tz: ZoneInfo) -> dict[str, Any]:
    """A cadre's page: the record of /dossier and the calendar strip."""
    r = found.record
    return {
        "id": r.person.id, "name": r.person.name, "post": r.person.post,
        "projects": [p.name for p in r.projects], "stage": r.stage, "today": _day(r.today),
        "period": period(found.period), "in_period": found.in_period,
        "days": [{"day": _day(d.day), "status": d.status, "makeup": d.makeup,
                  "holiday": d.holiday} for d in found.days],
        "months": [{"month": m.month, "workdays": m.workdays, "reported": m.reported,
                    "rate": m.rate} for m in r.months],
        "duties": [{"due": _day(m.due), "text": m.text, "project": p.name,
                    "done": _day(m.done_at, tz), "overdue": m.done_at is None and m.due < r.today}
                   for m, p in r.duties],
        "achievements": [{"day": _day(d), "text": t} for d, t, _id in r.achievements],
        "problems": [{"day": _day(d), "text": t} for d, t, _id in r.problems],
        "orders": [{"number": o.number, "state": o.state, "text": o.text,
                    "deadline": _day(o.deadline), "days": (o.deadline - r.today).days,
                    "overdue": rules.is_overdue(o.state, o.deadline, r.today),
                    "events": len(events)}
                   for o, events in r.orders],
        "ratings": [{"project": p.name, "window": window, **_disclosure(d)}
                    for p, window, d in r.ratings],
        "notes": [{"at": _day(n.at, tz), "by": (who.name or who.display) if who else "",
                   "points": n.points, "text": n.text} for n, who in r.notes],
        "scores": [{"period": period(p), **score_row(row)} for p, row in r.scores],
        "trail": [{"at": _day(t.at, tz), "by": (who.name or who.display) if who else "",
                   "action": t.action, "detail": t.detail} for t, who in r.trail],
    }
