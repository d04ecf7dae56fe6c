"""The hot reads: index-only on SQLite (the plans /scores, /export and every rating use), and
the reported days as both databases give them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from storage import figures as figures_q
from storage import migrate
from storage.db import Database
from storage.tables import DailyReport, Domain, Person, Project


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


def test_reported_days_stream_only_the_wanted_days(db) -> None:  # SQLite text, PostgreSQL dates
    posted = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with db.session() as s:
        s.add(Domain(id=1, name="d"))
        s.add(Project(id=1, domain_id=1, name="p", join_token="t"))
        s.add(Person(id=7, name="x"))
        s.flush()
        for n, (day, withdrawn) in enumerate((("2026-03-02", False), ("2026-03-02", False),
                                              ("2026-03-03", True), ("2026-03-07", False),
                                              ("2026-03-04", False))):
            s.add(DailyReport(person_id=7, project_id=1, chat_id=-1, message_id=n,
                              local_date=date.fromisoformat(day), posted_at=posted, text="",
                              withdrawn=withdrawn))
    wanted = [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]  # the 7th: not a workday
    with db.session(write=False) as s:
        found = sorted(figures_q.reported_days(s, project_ids=[1], days=wanted))
    assert found == [(7, date(2026, 3, 2)), (7, date(2026, 3, 4))]
