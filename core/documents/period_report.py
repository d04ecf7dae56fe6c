"""一期一专报: a project's report for a closed period — figures, grades, typical achievements
(starred by examiners, else the most recent), open problems and orders — kept once made."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, select

from core.assessment import boards, scores
from core.common.errors import UsageError
from core.orders import orders
from core.org import periods
from core.org.people import Actor
from core.reporting.report_text import parse_report
from storage import cadre_records as cadre_records_q
from storage import periods as periods_q
from storage.tables import DailyReport, Period, PeriodReport, Person, Project, ReportItem

TYPICAL_MAX, PROBLEMS_MAX = 10, 20


@dataclass
class PeriodReportView:
    period: Period
    project: Project
    scores: boards.ScoresView
    grades: Counter
    reported: int
    workdays: int
    typical: list[tuple[str, object, str]]  # (cadre, date, 完成 text)
    starred: bool  # typical achievements chosen by examiners (else the most recent)
    problems: list[tuple[str, object, str]]
    orders: list[orders.OrderLine]


def build(session: Session, period: Period, project: Project, *, quota: float
          ) -> PeriodReportView:
    """The report's data from the frozen scores and the period's reports."""
    rows = scores.frozen(session, period, [project])
    view = boards.ScoresView(boards.Scope("project", project.name, [project]), period,
                                  scores.counted_until(period, period.end), rows, True, quota)
    end = view.end
    stars = cadre_records_q.stars_between(session, project_ids=[project.id], start=period.start,
                                    end=end)
    typical = [(author.name, report.local_date, text) for report, author in stars
               for text in (parse_report(report.text).of("done") or [report.text])]
    if not typical:
        typical = [(name, day, text) for name, day, text in _items(
            session, project.id, period, end, "done")[:TYPICAL_MAX]]
    return PeriodReportView(
        period, project, view, Counter(r.grade for r in rows if r.grade),
        sum(r.score.figures.reported for r in rows), sum(r.score.figures.workdays for r in rows),
        typical[:TYPICAL_MAX], bool(stars),
        _items(session, project.id, period, end, "problem")[:PROBLEMS_MAX],
        [line for lines in orders.live_by_person(session, project_id=project.id,
                                                 today=end).values() for line in lines])


def _items(session: Session, project_id: int, period: Period, end: object, kind: str
           ) -> list[tuple[str, object, str]]:
    stmt = (select(Person.name, DailyReport.local_date, ReportItem.text)
            .join(DailyReport, DailyReport.person_id == Person.id)
            .join(ReportItem, ReportItem.report_id == DailyReport.id)
            .where(DailyReport.project_id == project_id, ~DailyReport.withdrawn,
                   ReportItem.kind == kind, DailyReport.local_date >= period.start,
                   DailyReport.local_date <= end)
            .order_by(DailyReport.local_date.desc(), DailyReport.posted_at.desc())  # type: ignore[attr-defined]
            .limit(PROBLEMS_MAX))
    return list(session.exec(stmt).all())


def kept(session: Session, period_id: int, project_id: int) -> PeriodReport | None:
    return session.exec(select(PeriodReport).where(PeriodReport.period_id == period_id,
                                                   PeriodReport.project_id == project_id)).first()


def keep(session: Session, period_id: int, project_id: int, html: str) -> PeriodReport:
    """Store the report once; a second build keeps the first."""
    found = kept(session, period_id, project_id)
    if found is None:
        found = PeriodReport(period_id=period_id, project_id=project_id, html=html)
        session.add(found)
        session.flush()
    return found


def closed_period(session: Session, actor: Actor, word: str | None) -> tuple[Period, list[Project]]:
    """/period report [period]: the named closed period (else the latest) and its projects."""
    actor.require_examiner()
    period = periods.find(session, word, status="closed") if word else None
    if period is None:
        found = periods_q.listing(session, status="closed")
        running = periods_q.listing(session, status="open") if not found else []
        if running:  # nothing closed yet: say which one is still running, not "no period"
            raise UsageError("periods.not_closed", theme=running[0].theme)
        if not found:
            raise UsageError("periods.nothing", status="closed")
        period = found[0]
    if period.status != "closed":
        raise UsageError("periods.not_closed", theme=period.theme)
    chosen = [p for p in periods.projects_of(session, period) if actor.sees_project(p.id)]
    if not chosen:
        raise UsageError("errors.no_projects")
    return period, chosen
