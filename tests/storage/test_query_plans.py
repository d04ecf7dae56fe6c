"""The hot reads: index-only on SQLite (the plans /scores, /export and every rating use)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from storage import migrate
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


def test_a_rating_windows_counts_come_from_the_covering_index(sqlite_db) -> None:
    plan = _plan(sqlite_db, "SELECT kind, overall, count(id) FROM rating WHERE project_id = 1 "
                            "AND person_id = 2 AND bucket = 'P1' GROUP BY kind, overall")
    assert "COVERING INDEX ix_rating_target_bucket_level" in plan
