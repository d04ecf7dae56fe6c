"""Queries about daily reports, their structured lines and leave."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, insert, text, true
from sqlmodel import Session, select

from storage import upsert
from storage.tables import DailyReport, Leave, ReportItem


def by_message(session: Session, *, chat_id: int, message_id: int) -> DailyReport | None:
    stmt = select(DailyReport).where(DailyReport.chat_id == chat_id,
                                     DailyReport.message_id == message_id)
    return session.exec(stmt).first()


_ITEMS = ReportItem.__table__  # Core inserts: a report outside a group (a group holds its own)
_INSERT_ITEMS = insert(_ITEMS)  # built once: a statement built per call computes its cache key


def insert_new(session: Session, *, values: dict, items: list[tuple[str, str]]) -> int | None:
    """Insert a report with its structured lines unless (chat_id, message_id) exists; its id,
    or None for a replay. On PostgreSQL one round trip does both."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return connection.execute(_PG_INSERT, {
            **values, "kinds": [k for k, _t in items], "texts": [t for _k, t in items],
            "positions": list(range(len(items)))}).scalar()
    report_id = upsert.insert_new(session, DailyReport, values)
    if report_id is not None:
        replace_items(session, report_id=report_id, items=items, new=True)
    return report_id


_COLUMNS = ("person_id", "project_id", "chat_id", "message_id", "local_date", "posted_at",
            "on_time", "backfilled", "text", "photos", "progress", "withdrawn")
_PG_INSERT = text(f"""
WITH report AS (
    INSERT INTO daily_report ({", ".join(_COLUMNS)})
    VALUES ({", ".join(f":{c}" for c in _COLUMNS)})
    ON CONFLICT DO NOTHING RETURNING id),
items AS (
    INSERT INTO report_item (report_id, kind, position, text)
    SELECT report.id, item.kind, item.position, item.text
    FROM report, unnest(CAST(:kinds AS varchar[]), CAST(:positions AS integer[]),
                        CAST(:texts AS varchar[])) AS item(kind, position, text))
SELECT id FROM report""").execution_options(writes_to=("daily_report", "report_item"))


def replace_items(session: Session, *, report_id: int, items: list[tuple[str, str]],
                  new: bool = False) -> None:
    """Store a report's structured lines, replacing earlier ones unless the report is new."""
    if not new:
        session.execute(delete(ReportItem).where(ReportItem.report_id == report_id)
                        .execution_options(synchronize_session=False))
    if items:
        session.connection().execute(_INSERT_ITEMS, [
            {"report_id": report_id, "kind": kind, "position": position, "text": text}
            for position, (kind, text) in enumerate(items)])


def latest_progress_of_projects(session: Session, *, project_ids: list[int], start: date,
                                end: date, person_ids: list[int] | None = None
                                ) -> dict[int, int]:
    """person_id → the 进度 of their latest report (to any of these projects) in the window
    (of these people only, when given)."""
    ranked = (select(DailyReport.person_id, DailyReport.progress,
                     func.row_number().over(
                         partition_by=DailyReport.person_id,
                         order_by=(DailyReport.posted_at.desc(),  # type: ignore[attr-defined]
                                   DailyReport.message_id.desc())).label("rn"))  # type: ignore[attr-defined]
              .where(DailyReport.project_id.in_(project_ids), ~DailyReport.withdrawn,  # type: ignore[attr-defined]
                     DailyReport.progress.is_not(None),  # type: ignore[union-attr]
                     DailyReport.local_date >= start, DailyReport.local_date <= end,
                     true() if person_ids is None
                     else DailyReport.person_id.in_(person_ids))  # type: ignore[attr-defined]
              .subquery())
    stmt = select(ranked.c.person_id, ranked.c.progress).where(ranked.c.rn == 1)
    return dict(session.exec(stmt).all())  # type: ignore[arg-type]


def reported_on(session: Session, *, person_ids: list[int], day: date,
                project_id: int | None = None) -> set[int]:
    """Which of these people have a report dated day (to the project, or to any)."""
    if not person_ids:
        return set()
    stmt = (select(DailyReport.person_id).distinct()
            .where(DailyReport.person_id.in_(person_ids),  # type: ignore[attr-defined]
                   DailyReport.local_date == day, ~DailyReport.withdrawn))
    if project_id is not None:
        stmt = stmt.where(DailyReport.project_id == project_id)
    return set(session.exec(stmt))


def items_between(session: Session, *, project_id: int, start: date, end: date
                  ) -> list[tuple[int, int, date, str, str]]:
    """(report_id, person_id, local_date, kind, text) of every structured line, in order."""
    stmt = (select(ReportItem.report_id, DailyReport.person_id, DailyReport.local_date,
                   ReportItem.kind, ReportItem.text)
            .join(ReportItem, ReportItem.report_id == DailyReport.id)
            .where(DailyReport.project_id == project_id, ~DailyReport.withdrawn,
                   DailyReport.local_date >= start, DailyReport.local_date <= end)
            .order_by(DailyReport.local_date, DailyReport.posted_at, DailyReport.message_id,
                      ReportItem.position))
    return list(session.exec(stmt).all())


def window_reports(session: Session, *, project_id: int, start: date, end: date,
                   unstructured: bool = False) -> list[tuple]:
    """(id, person_id, local_date, posted_at, text, progress) of the window's reports in message
    order; with `unstructured`, only those without 进度 or any structured line."""
    stmt = (select(DailyReport.id, DailyReport.person_id, DailyReport.local_date,
                   DailyReport.posted_at, DailyReport.text, DailyReport.progress)
            .where(DailyReport.project_id == project_id, ~DailyReport.withdrawn,
                   DailyReport.local_date >= start, DailyReport.local_date <= end)
            .order_by(DailyReport.posted_at, DailyReport.message_id))
    if unstructured:
        has_items = select(ReportItem.id).where(ReportItem.report_id == DailyReport.id).exists()
        stmt = stmt.where(DailyReport.progress.is_(None), ~has_items)  # type: ignore[union-attr]
    return list(session.exec(stmt).all())


def latest_progress(session: Session, *, project_id: int, start: date, end: date
                    ) -> dict[int, int]:
    """person_id → the 进度 of their latest report in the window that has one.

    Latest by message time, then message id: a burst shares one second (SPEC §4).
    """
    ranked = (select(DailyReport.person_id, DailyReport.progress,
                     func.row_number().over(
                         partition_by=DailyReport.person_id,
                         order_by=(DailyReport.posted_at.desc(),  # type: ignore[attr-defined]
                                   DailyReport.message_id.desc())).label("rn"))  # type: ignore[attr-defined]
              .where(DailyReport.project_id == project_id, ~DailyReport.withdrawn,
                     DailyReport.progress.is_not(None),  # type: ignore[union-attr]
                     DailyReport.local_date >= start, DailyReport.local_date <= end)
              .subquery())
    stmt = select(ranked.c.person_id, ranked.c.progress).where(ranked.c.rn == 1)
    return dict(session.exec(stmt).all())  # type: ignore[arg-type]


def recent(session: Session, *, person_id: int, limit: int) -> list[DailyReport]:
    stmt = (select(DailyReport).where(DailyReport.person_id == person_id, ~DailyReport.withdrawn)
            .order_by(DailyReport.posted_at.desc(), DailyReport.message_id.desc())  # type: ignore[attr-defined]
            .limit(limit))
    return list(session.exec(stmt))


def report_dates(session: Session, *, person_id: int, since: date) -> set[date]:
    stmt = (select(DailyReport.local_date).distinct()
            .where(DailyReport.person_id == person_id, ~DailyReport.withdrawn,
                   DailyReport.local_date >= since))
    return set(session.exec(stmt))


def leaves_between(session: Session, *, person_ids: list[int], start: date, end: date
                   ) -> list[Leave]:
    if not person_ids:
        return []
    stmt = select(Leave).where(Leave.person_id.in_(person_ids),  # type: ignore[attr-defined]
                               Leave.start <= end, Leave.end >= start)
    return list(session.exec(stmt))
