"""A cadre's page: the /dossier record (same permissions, same anonymity gate) and the
calendar strip of the chosen period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core import cadre_view, dossier_view, scores
from core.dashboard.strip import Day, strip
from core.errors import UsageError
from core.people import Actor
from core.roster import leave_days
from storage import people as people_q
from storage import periods as periods_q
from storage.assessment_models import Period


@dataclass
class CadrePage:
    record: dossier_view.DossierView
    period: Period
    in_period: bool
    days: list[Day]


def page(session: Session, actor: Actor, person_id: int, period_id: int | None, *,
         today: date, limits: scores.Limits, tz: ZoneInfo) -> CadrePage:
    """The cadre's record as /dossier gives it, and their reporting day by day in the period."""
    found = people_q.by_ids(session, ids=[person_id])
    if not found:
        raise UsageError("dashboard.unknown_cadre")
    person = found[0]
    record = dossier_view.build(session, actor, person, today=today, limits=limits, tz=tz)
    if not record.projects:
        raise UsageError("assessment.not_a_cadre", name=person.name or person.tg_id)
    period = periods_q.by_id(session, period_id=period_id) if period_id else None
    in_period = period is not None
    if period is None:
        period, in_period = cadre_view.window(session, record.projects[0], today)
    end = scores.window_end(period, today)
    reports = [r for m in record.months for r in m.reports if period.start <= r.local_date <= end]
    away = leave_days(session, [person], period.start, period.end).get(person.id, set())
    return CadrePage(record, period, in_period,
                     strip(reports, away, period.start, period.end, today))
