"""storage.held_reports: a group's new reports are written together before its next statement
or its commit, dropped with a rollback, and a replay among them stops the group."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event
from sqlmodel import select

from storage import held_reports
from storage import reports as reports_q
from storage.db import Database
from storage.tables import DailyReport, Domain, Person, Project, ReportItem


@pytest.fixture
def cadre(db: Database) -> dict[str, int]:
    """A project and its cadre (the rows a report points at)."""
    with db.session() as s:
        domain = Domain(name="项目建设")
        s.add(domain)
        s.flush()
        project = Project(domain_id=domain.id, name="城南快速路", join_token="tok")
        person = Person(tg_id=11, name="张三", post="副局长")
        s.add_all([project, person])
        s.flush()
        return {"person_id": person.id, "project_id": project.id}


def _report(cadre: dict[str, int], message_id: int) -> dict:
    return {**cadre, "chat_id": -100, "message_id": message_id, "local_date": date(2026, 12, 4),
            "posted_at": datetime(2026, 12, 4, 1, 30, tzinfo=UTC), "on_time": True,
            "backfilled": False, "text": f"#日报 第{message_id}条", "photos": "[]",
            "progress": message_id, "withdrawn": False}


def _lines(message_id: int) -> list[tuple[str, str]]:
    return [("done", f"签约{message_id}户"), ("problem", "管线迁改")][:message_id % 3]


def _statements(db: Database) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda _c, _cur, sql, *_a: seen.append(sql.split()[0].upper()))
    return seen


def _stored(db: Database) -> list[tuple[int, int | None, list[tuple[int, str, str]]]]:
    with db.session(write=False) as s:
        reports = s.exec(select(DailyReport).order_by(DailyReport.message_id)).all()
        return [(r.message_id, r.progress,
                 [(i.position, i.kind, i.text) for i in s.exec(
                     select(ReportItem).where(ReportItem.report_id == r.id)
                     .order_by(ReportItem.position))]) for r in reports]


def test_held_reports_are_written_together_before_the_next_statement(db: Database, cadre
                                                                     ) -> None:
    seen = _statements(db)
    with db.session() as s:
        held_reports.enable(s)
        for message_id in range(1, 6):
            assert held_reports.hold(s, _report(cadre, message_id), _lines(message_id))
        assert "INSERT" not in seen and "WITH" not in seen  # nothing written yet
        found = reports_q.by_message(s, chat_id=-100, message_id=4)  # sees them all
        assert found is not None and found.progress == 4
    # PostgreSQL: the reports and their lines in one statement; SQLite: one INSERT each
    writes = [v for v in seen if v in ("INSERT", "WITH")]
    assert len(writes) == (1 if db.engine.dialect.name == "postgresql" else 2)
    assert _stored(db) == [(m, m, [(p, k, t) for p, (k, t) in enumerate(_lines(m))])
                           for m in range(1, 6)]


def test_held_reports_are_written_at_commit(db: Database, cadre) -> None:
    with db.session() as s:
        held_reports.enable(s)
        held_reports.hold(s, _report(cadre, 1), _lines(1))
    assert [m for m, _p, _l in _stored(db)] == [1]


def test_a_rollback_drops_what_is_held(db: Database, cadre) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        held_reports.enable(s)
        held_reports.hold(s, _report(cadre, 1), _lines(1))
        raise RuntimeError("the update failed")
    with db.session() as s:  # the next transaction, maybe on the same connection
        held_reports.enable(s)
        held_reports.hold(s, _report(cadre, 2), _lines(2))
    assert [m for m, _p, _l in _stored(db)] == [2]


def test_a_held_report_counts_as_its_updates_write(db: Database, cadre) -> None:
    with db.session() as s:
        held_reports.enable(s)
        before = s.connection().info.get("writes", 0)
        held_reports.hold(s, _report(cadre, 1), [])
        assert s.connection().info["writes"] == before + 1
        reports_q.by_message(s, chat_id=-100, message_id=1)  # written now: not counted twice
        assert s.connection().info["writes"] == before + 1


def test_a_replay_among_held_reports_stops_the_group(db: Database, cadre) -> None:
    with db.session() as s:
        reports_q.insert_new(s, values=_report(cadre, 2), items=[])
    with pytest.raises(held_reports.Unwritten), db.session() as s:
        held_reports.enable(s)
        for message_id in (1, 2, 3):
            held_reports.hold(s, _report(cadre, message_id), _lines(message_id))
        failures = s.connection().info.get("failures", 0)
        try:
            reports_q.by_message(s, chat_id=-100, message_id=1)
        finally:
            assert s.connection().info["failures"] > failures  # the group cannot go on
    assert [m for m, _p, _l in _stored(db)] == [2]  # nothing of the group was kept


def test_only_a_group_session_holds(db: Database, cadre) -> None:
    with db.session() as s:
        assert not held_reports.hold(s, _report(cadre, 1), [])


def test_a_held_report_comes_back_as_it_was_held(db: Database, cadre) -> None:
    values = {**_report(cadre, 7), "text": '#日报 "引号" \\反斜杠\\ 换行\n第二行', "progress": None,
              "photos": '["AgAD"]', "backfilled": True, "on_time": False,
              "posted_at": datetime(2026, 12, 4, 23, 59, 58, tzinfo=UTC)}
    lines = [("done", '签约 "12" 户'), ("plan", "明天\t继续")]
    with db.session() as s:
        held_reports.enable(s)
        assert held_reports.hold(s, values, lines)
    with db.session(write=False) as s:
        report = s.exec(select(DailyReport)).one()
        stored = {name: getattr(report, name) for name in values}
        items = [(i.kind, i.text) for i in s.exec(select(ReportItem).order_by(
            ReportItem.position))]
    assert stored == values and items == lines
