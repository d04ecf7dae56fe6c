"""The hot reads: index-only on SQLite (the plans /scores, /export and every rating use)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import text

from storage import migrate
from storage import rating_windows as windows_q
from storage import ratings as ratings_q
from storage.db import Database


@pytest.fixture
def sqlite_db(tmp_path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path}/plans.db")
    migrate.upgrade(database)
    yield database
    database.dispose()


def _plan(db: Database, sql: str) -> str:
    with db.engine.connect() as conn:
        return " ".join(str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))


def test_a_scopes_reported_days_come_from_the_covering_index(sqlite_db) -> None:
    plan = _plan(sqlite_db, "SELECT DISTINCT person_id, local_date FROM daily_report "
                            "WHERE project_id IN (1, 2) AND NOT withdrawn "
                            "AND local_date >= '2026-01-01' AND local_date <= '2026-03-31'")
    assert "COVERING INDEX ix_daily_report_project_date_person" in plan


def test_a_scopes_day_status_comes_from_the_covering_index(sqlite_db) -> None:
    plan = _plan(sqlite_db, "SELECT person_id, local_date, max(CAST(on_time AS INTEGER)) "
                            "FROM daily_report WHERE project_id IN (1, 2) AND NOT withdrawn "
                            "AND local_date >= '2026-01-01' AND local_date <= '2026-03-31' "
                            "GROUP BY person_id, local_date")
    assert "COVERING INDEX ix_daily_report_project_date_person" in plan


def _plan_of(db: Database, stmt, params: dict) -> str:  # type: ignore[no-untyped-def]
    """The plan of one of our own statements, as it runs with these parameters."""
    with db.engine.connect() as conn:
        compiled = stmt.compile(dialect=conn.dialect)
        values = compiled.construct_params(params)
        args = tuple(values[name] for name in compiled.positiontup)
        return " ".join(str(row[-1]) for row in conn.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}", args))


@pytest.mark.parametrize("person_id", [None, 2])
def test_a_rating_windows_counts_come_from_the_covering_index(sqlite_db, person_id) -> None:  # type: ignore[no-untyped-def]
    """The count every rating reads (a cadre's window, or a project's as a whole)."""
    params = {"project_id": 1, "person_id": person_id, "bucket": "P1"}
    plan = _plan_of(sqlite_db, windows_q._WINDOW[person_id is not None]["counts"], params)
    assert "COVERING INDEX ix_rating_target_bucket_level" in plan
    assert "USING INDEX ix_rating_release_target" in plan


def test_a_raters_reads_go_by_keys_only(sqlite_db) -> None:
    """The reads of a rater's Start (the link, names, flood count) and overall tap (the flow,
    its link, names, rating and the open period): each table by a key."""
    for stmt, params in ((ratings_q._LINK, {"token": "t", "flood_key": "f"}),
                         (ratings_q._FLOW_STATE_ON, {"flow_key": "k", "day": date(2026, 11, 17)})):
        plan = _plan_of(sqlite_db, stmt, params)
        assert "SCAN" not in plan, plan
