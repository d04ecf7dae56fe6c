"""storage: the inbox, the daily_report key, report aggregates, insert_ignore and the session scope.

Every test uses the `db` fixture, so it runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.org.chats import first_hint_today
from storage import attendance as attendance_q
from storage import inbox
from storage import reports as reports_q
from storage.db import Database
from storage.tables import (
    DailyReport,
    Domain,
    HintLog,
    Inbox,
    Leave,
    Person,
    Project,
    ReportItem,
)
from storage.upsert import insert_ignore

D1, D2, D3 = date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18)

def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware UTC time on a day."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


# --- inbox ----------------------------------------------------------------------------------


def _update(update_id: int, chat_id: int | None = -100) -> dict:
    return {"update_id": update_id, "chat_id": chat_id, "payload": f'{{"update_id": {update_id}}}'}


def test_inbox_add_returns_which_were_new(db: Database,
                                           request: pytest.FixtureRequest) -> None:
    with db.session() as s:
        first = inbox.add(s, rows=[_update(1), _update(2)])
    with db.session() as s:
        second = inbox.add(s, rows=[_update(2), _update(3)])
    assert (sorted(first), second) == ([1, 2], [3])


def test_inbox_add_ignores_duplicate_update_ids(db: Database) -> None:
    with db.session() as s:
        inbox.add(s, rows=[_update(1), _update(2)])
    with db.session() as s:
        inbox.add(s, rows=[_update(2), _update(3)])
    with db.session(write=False) as s:
        assert sorted(r.update_id for r in s.exec(select(Inbox))) == [1, 2, 3]


def test_inbox_duplicate_keeps_the_first_payload(db: Database) -> None:
    with db.session() as s:
        inbox.add(s, rows=[{"update_id": 5, "chat_id": 1, "payload": "first"}])
    with db.session() as s:
        inbox.add(s, rows=[{"update_id": 5, "chat_id": 1, "payload": "second"}])
    with db.session(write=False) as s:
        assert s.get(Inbox, 5).payload == "first"


def test_inbox_new_rows_are_pending_with_an_aware_receive_time(db: Database) -> None:
    with db.session() as s:
        inbox.add(s, rows=[_update(1)])
    with db.session(write=False) as s:
        row = s.get(Inbox, 1)
    assert row.status == "pending" and row.attempts == 0
    assert row.received_at.utcoffset() == timedelta(0)


def test_inbox_add_is_one_statement_for_any_batch(db: Database) -> None:
    from sqlalchemy import event

    seen: list[str] = []

    def watch(_conn, _cursor, sql: str, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(sql)

    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        for batch in ([_update(1, None)], [_update(n) for n in range(2, 102)]):
            with db.session() as s:
                assert sorted(inbox.add(s, rows=batch)) == [u["update_id"] for u in batch]
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    inserts = [sql for sql in seen if sql.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 2
    if db.engine.dialect.name == "postgresql":  # the same text, so prepared once
        assert inserts[0] == inserts[1]
    with db.session(write=False) as s:
        assert s.get(Inbox, 1).chat_id is None and s.get(Inbox, 101).chat_id == -100


_received = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)  # before it was processed


def test_inbox_add_done_stores_processed_rows_and_refuses_a_replay(db: Database) -> None:
    with db.session() as s:
        assert not inbox.stored_before(s, update_ids=[1, 2])
        assert inbox.add_done(s, rows=[_update(1), _update(2, None)], received=_received)
    with db.session() as s:
        assert inbox.stored_before(s, update_ids=[3, 2])
        assert not inbox.add_done(s, rows=[_update(2), _update(3)], received=_received)
    with db.session(write=False) as s:
        rows = {r.update_id: r for r in s.exec(select(Inbox))}
    assert sorted(rows) == [1, 2, 3]
    assert {(r.status, r.payload, r.attempts) for r in rows.values()} == {("done", "", 0)}
    assert rows[2].chat_id is None and rows[1].processed_at.utcoffset() == timedelta(0)
    assert rows[1].received_at == _received < rows[1].processed_at


def test_inbox_unfinished_returns_oldest_first(db: Database) -> None:
    with db.session() as s:
        inbox.add(s, rows=[_update(30), _update(10), _update(20)])
    with db.session(write=False) as s:
        assert [r.update_id for r in inbox.unfinished(s, max_attempts=3)] == [10, 20, 30]


def test_inbox_unfinished_respects_the_limit(db: Database) -> None:
    with db.session() as s:
        inbox.add(s, rows=[_update(i) for i in range(1, 6)])
    with db.session(write=False) as s:
        assert [r.update_id for r in inbox.unfinished(s, limit=2, max_attempts=3)] == [1, 2]


def test_inbox_unfinished_skips_done_and_dead_rows_but_keeps_failed_ones(db: Database) -> None:
    with db.session() as s:
        inbox.add(s, rows=[_update(1), _update(2), _update(3), _update(4)])
    with db.session() as s:
        inbox.mark_done(s, update_id=1)
        inbox.mark_failed(s, update_id=2, error="boom", max_attempts=1)  # dead at once
        inbox.mark_failed(s, update_id=3, error="boom", max_attempts=3)  # failed, retried
    with db.session(write=False) as s:
        assert [r.update_id for r in inbox.unfinished(s, max_attempts=3)] == [3, 4]


def test_inbox_mark_done_clears_the_payload_and_stamps_the_time(db: Database) -> None:
    with db.session() as s:
        inbox.add(s, rows=[_update(1)])
    with db.session() as s:
        inbox.mark_done(s, update_id=1)
    with db.session(write=False) as s:
        row = s.get(Inbox, 1)
    assert (row.status, row.payload) == ("done", "")
    assert row.processed_at is not None


def test_inbox_mark_failed_parks_the_row_as_dead_after_max_attempts(db: Database) -> None:
    with db.session() as s:
        inbox.add(s, rows=[_update(1)])
    statuses = []
    for attempt in range(3):
        with db.session() as s:
            statuses.append(inbox.mark_failed(s, update_id=1, error=f"e{attempt}",
                                              max_attempts=3))
    assert statuses == ["failed", "failed", "dead"]
    with db.session(write=False) as s:
        row = s.get(Inbox, 1)
        assert (row.status, row.attempts, row.error) == ("dead", 3, "e2")
        assert inbox.unfinished(s, max_attempts=3) == []


def test_inbox_mark_failed_keeps_only_500_characters_of_the_error(db: Database) -> None:
    with db.session() as s:
        inbox.add(s, rows=[_update(1)])
    with db.session() as s:
        inbox.mark_failed(s, update_id=1, error="x" * 2000, max_attempts=3)
    with db.session(write=False) as s:
        assert len(s.get(Inbox, 1).error) == 500


def test_inbox_mark_failed_of_an_unknown_row_says_missing(db: Database) -> None:
    with db.session() as s:
        assert inbox.mark_failed(s, update_id=99, error="x", max_attempts=3) == "missing"


def test_inbox_prune_removes_only_done_rows_older_than_the_cutoff(db: Database) -> None:
    cutoff = at(D2, 0)
    with db.session() as s:
        s.add_all([
            Inbox(update_id=1, payload="", status="done", received_at=cutoff - timedelta(hours=1)),
            Inbox(update_id=2, payload="", status="done", received_at=cutoff + timedelta(hours=1)),
            Inbox(update_id=3, payload="p", status="pending",
                  received_at=cutoff - timedelta(days=5)),
            Inbox(update_id=4, payload="p", status="dead", received_at=cutoff - timedelta(days=5)),
            Inbox(update_id=5, payload="p", status="failed",
                  received_at=cutoff - timedelta(days=5)),
        ])
    with db.session() as s:
        assert inbox.prune(s, before=cutoff) == 1
    with db.session(write=False) as s:
        assert sorted(r.update_id for r in s.exec(select(Inbox))) == [2, 3, 4, 5]


def test_inbox_prune_compares_instants_not_wall_clock_text(db: Database) -> None:
    # 07:00 at UTC+8 is 23:00 UTC the day before: the row is older than a 00:00 UTC cutoff.
    from zoneinfo import ZoneInfo
    received = datetime(2026, 11, 17, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with db.session() as s:
        s.add(Inbox(update_id=1, payload="", status="done", received_at=received))
    with db.session() as s:
        assert inbox.prune(s, before=at(D2, 0)) == 1


def test_inbox_counts_by_status(db: Database) -> None:
    with db.session() as s:
        inbox.add(s, rows=[_update(1), _update(2), _update(3)])
    with db.session() as s:
        inbox.mark_done(s, update_id=1)
    with db.session(write=False) as s:
        assert inbox.counts(s) == {"done": 1, "pending": 2}


# --- reports --------------------------------------------------------------------------------


def _project(s: Session, name: str = "城南快速路") -> Project:
    domain = s.exec(select(Domain)).first() or Domain(name="项目建设")
    s.add(domain)
    s.flush()
    project = Project(domain_id=domain.id, name=name, join_token=f"tok-{name}")
    s.add(project)
    s.flush()
    return project


def _person(s: Session, tg: int, name: str) -> Person:
    person = Person(tg_id=tg, name=name, post="科员")
    s.add(person)
    s.flush()
    return person


_next_message = iter(range(1, 10_000))


def _report(s: Session, person: Person, project: Project, day: date, *, posted: datetime,
            on_time: bool = True, progress: int | None = None, withdrawn: bool = False,
            items: tuple[tuple[str, str], ...] | list[tuple[str, str]] = (), chat_id: int = -100) -> DailyReport:
    report = DailyReport(person_id=person.id, project_id=project.id, chat_id=chat_id,
                         message_id=next(_next_message), local_date=day, posted_at=posted,
                         on_time=on_time, text="#日报", progress=progress, withdrawn=withdrawn)
    s.add(report)
    s.flush()
    reports_q.replace_items(s, report_id=report.id, items=list(items))
    s.flush()
    return report


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    with db.session() as s:
        project, other = _project(s), _project(s, "北区安置房")
        a, b = _person(s, 11, "张三"), _person(s, 12, "李四")
        return {"project": project.id, "other": other.id, "a": a.id, "b": b.id}


def _objects(s: Session, world: dict[str, int]) -> tuple[Project, Project, Person, Person]:
    return (s.get(Project, world["project"]), s.get(Project, world["other"]),
            s.get(Person, world["a"]), s.get(Person, world["b"]))


def test_daily_report_table_has_the_fixed_name() -> None:
    assert DailyReport.__tablename__ == "daily_report"


def test_daily_report_chat_and_message_id_are_unique_together(db: Database, world) -> None:
    with db.session() as s:
        project, _o, a, _b = _objects(s, world)
        s.add(DailyReport(person_id=a.id, project_id=project.id, chat_id=-100, message_id=7,
                          local_date=D1, posted_at=at(D1, 1), text="#日报"))
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(DailyReport(person_id=a.id, project_id=project.id, chat_id=-100, message_id=7,
                          local_date=D2, posted_at=at(D2, 1), text="#日报 again"))
    with db.session(write=False) as s:
        assert [r.local_date for r in s.exec(select(DailyReport))] == [D1]


def test_same_message_id_in_another_chat_is_a_different_report(db: Database, world) -> None:
    with db.session() as s:
        project, _o, a, _b = _objects(s, world)
        for chat in (-100, -200):
            s.add(DailyReport(person_id=a.id, project_id=project.id, chat_id=chat, message_id=7,
                              local_date=D1, posted_at=at(D1, 1), text="#日报"))
    with db.session(write=False) as s:
        assert len(list(s.exec(select(DailyReport)))) == 2


def test_by_message_finds_a_report_by_chat_and_message_id(db: Database, world) -> None:
    with db.session() as s:
        project, _o, a, _b = _objects(s, world)
        report = _report(s, a, project, D1, posted=at(D1, 1))
        key = (report.chat_id, report.message_id, report.id)
    with db.session(write=False) as s:
        assert reports_q.by_message(s, chat_id=key[0], message_id=key[1]).id == key[2]
        assert reports_q.by_message(s, chat_id=key[0] - 1, message_id=key[1]) is None


def test_telegram_ids_beyond_32_bits_are_stored(db: Database, world) -> None:
    big_chat = -1001234567890
    with db.session() as s:
        project, _o, a, _b = _objects(s, world)
        _report(s, a, project, D1, posted=at(D1, 1), chat_id=big_chat)
    with db.session(write=False) as s:
        assert s.exec(select(DailyReport.chat_id)).one() == big_chat


def test_a_day_is_on_time_if_any_report_that_day_was_on_time(db: Database, world) -> None:
    with db.session() as s:
        project, _o, a, b = _objects(s, world)
        _report(s, a, project, D1, posted=at(D1, 11), on_time=False)
        _report(s, a, project, D1, posted=at(D1, 2), on_time=True)
        _report(s, a, project, D2, posted=at(D2, 11), on_time=False)
        _report(s, b, project, D1, posted=at(D1, 3), on_time=True)
    with db.session(write=False) as s:
        found = days(s, world, [D1, D2, D3])
    assert found == {world["a"]: (1, 1, 1, 0), world["b"]: (1, 0, 2, 0)}  # on time, late, …


def test_the_record_ignores_withdrawn_reports(db: Database, world) -> None:
    with db.session() as s:
        project, _o, a, b = _objects(s, world)
        _report(s, a, project, D1, posted=at(D1, 2), on_time=True, withdrawn=True)
        _report(s, a, project, D1, posted=at(D1, 11), on_time=False)
        _report(s, b, project, D1, posted=at(D1, 2), on_time=True, withdrawn=True)
    with db.session(write=False) as s:
        found = days(s, world, [D1])
    assert found == {world["a"]: (0, 1, 0, 0), world["b"]: (0, 0, 1, 0)}


def test_the_record_keeps_to_the_project_and_window(db: Database, world) -> None:
    with db.session() as s:
        project, other, a, _b = _objects(s, world)
        _report(s, a, other, D2, posted=at(D2, 2))
        _report(s, a, project, D1, posted=at(D1, 2))
        _report(s, a, project, D3, posted=at(D3, 2))
        _report(s, a, project, D2, posted=at(D2, 2))
    with db.session(write=False) as s:
        found = days(s, world, [D2])
    assert found == {world["a"]: (1, 0, 0, 0), world["b"]: (0, 0, 1, 0)}


def test_a_day_on_leave_is_leave_unless_reported_and_days_before_joining_are_not_theirs(
        db: Database, world) -> None:
    with db.session() as s:
        project, _o, a, b = _objects(s, world)
        s.add(Leave(person_id=a.id, start=D1, end=D2))
        _report(s, a, project, D2, posted=at(D2, 2))  # reported while away: it counts
        _report(s, b, project, D1, posted=at(D1, 2), on_time=False)  # before joining: counts
    with db.session(write=False) as s:
        found = attendance_q.by_seat(s, seats=[(0, world["a"], D1), (0, world["b"], D3)],
                                     project_ids=[world["project"]], days=[D1, D2, D3])
    # 李四 joined on D3: D1 reported (late) counts, D2 is not his, D3 is missing
    assert found == {(0, world["a"]): (1, 0, 1, 1), (0, world["b"]): (0, 1, 1, 0)}


def test_the_seats_statement_is_the_same_for_any_number_of_seats(db: Database, world
                                                                 ) -> None:
    """Bound as arrays (or one JSON text), not three values a seat: compiled once."""
    from sqlalchemy import event

    seen: list[str] = []
    listener = lambda _c, _cur, sql, *_a: seen.append(sql)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    with db.session(write=False) as s:
        for pids in ([world["a"]], [world["a"], world["b"]]):
            attendance_q.by_seat(s, seats=[(0, pid, D1) for pid in pids],
                                 project_ids=[world["project"]], days=[D1, D2])
    event.remove(db.engine, "before_cursor_execute", listener)
    seats = [sql for sql in seen if "seat" in sql]
    assert len(seats) == 2 and seats[0] == seats[1]


def days(s, world, window: list[date]) -> dict[int, tuple[int, int, int, int]]:  # type: ignore[no-untyped-def]
    """(on time, late, missing, leave) of 张三 and 李四 (joined before) over these days."""
    found = attendance_q.by_seat(s, seats=[(0, world["a"], D1), (0, world["b"], D1)],
                                 project_ids=[world["project"]], days=window)
    return {pid: counts for (_p, pid), counts in found.items()}


def test_latest_progress_is_by_message_time_then_message_id(db: Database, world) -> None:
    with db.session() as s:
        project, _o, a, b = _objects(s, world)
        # SPEC §4: "latest" is by message time; D3's report has no figure, so the back-fill
        # for D1 posted last on D3 gives A's latest figure.
        _report(s, a, project, D2, posted=at(D2, 2), progress=40)
        _report(s, a, project, D1, posted=at(D3, 5), progress=90, on_time=False)
        _report(s, a, project, D3, posted=at(D3, 6), progress=None)
        # B's burst in one second: the highest message id is the last one posted.
        for value in (10, 11, 12, 15):
            _report(s, b, project, D1, posted=at(D1, 6), progress=value)
    with db.session(write=False) as s:
        latest = reports_q.latest_progress(s, project_id=world["project"], start=D1, end=D3)
    assert latest == {world["a"]: 90, world["b"]: 15}


def test_latest_progress_ignores_withdrawn_and_out_of_window_reports(db: Database, world) -> None:
    with db.session() as s:
        project, other, a, b = _objects(s, world)
        _report(s, a, project, D1, posted=at(D1, 2), progress=20)
        _report(s, a, project, D2, posted=at(D2, 2), progress=70, withdrawn=True)
        _report(s, a, project, D3, posted=at(D3, 2), progress=99)
        _report(s, b, other, D2, posted=at(D2, 2), progress=50)
    with db.session(write=False) as s:
        latest = reports_q.latest_progress(s, project_id=world["project"], start=D1, end=D2)
    assert latest == {world["a"]: 20}


def test_latest_progress_keeps_a_zero_figure(db: Database, world) -> None:
    with db.session() as s:
        project, _o, a, _b = _objects(s, world)
        _report(s, a, project, D1, posted=at(D1, 2), progress=50)
        _report(s, a, project, D2, posted=at(D2, 2), progress=0)
    with db.session(write=False) as s:
        assert reports_q.latest_progress(s, project_id=world["project"], start=D1, end=D2) == {
            world["a"]: 0}


def test_items_between_orders_by_date_then_post_time_then_position(db: Database, world) -> None:
    with db.session() as s:
        project, _o, a, b = _objects(s, world)
        _report(s, a, project, D2, posted=at(D2, 9), items=[("done", "a-d2-late")])
        _report(s, b, project, D2, posted=at(D2, 1),
                items=[("problem", "b-d2-1"), ("done", "b-d2-2")])
        _report(s, b, project, D2, posted=at(D2, 1), items=[("done", "b-d2-same-second")])
        _report(s, a, project, D1, posted=at(D1, 5),
                items=[("done", "a-d1-1"), ("problem", "a-d1-2"), ("plan", "a-d1-3")])
    with db.session(write=False) as s:
        rows = reports_q.items_between(s, project_id=world["project"], start=D1, end=D3)
    a, b = world["a"], world["b"]
    assert [row[1:] for row in rows] == [
        (a, D1, "done", "a-d1-1"), (a, D1, "problem", "a-d1-2"), (a, D1, "plan", "a-d1-3"),
        (b, D2, "problem", "b-d2-1"), (b, D2, "done", "b-d2-2"), (b, D2, "done", "b-d2-same-second"),
        (a, D2, "done", "a-d2-late"),
    ]


def test_items_between_skips_withdrawn_reports_and_other_projects(db: Database, world) -> None:
    with db.session() as s:
        project, other, a, _b = _objects(s, world)
        _report(s, a, project, D1, posted=at(D1, 1), items=[("done", "kept")])
        _report(s, a, project, D1, posted=at(D1, 2), items=[("done", "gone")], withdrawn=True)
        _report(s, a, other, D1, posted=at(D1, 3), items=[("done", "elsewhere")])
        _report(s, a, project, D3, posted=at(D3, 3), items=[("done", "later")])
    with db.session(write=False) as s:
        rows = reports_q.items_between(s, project_id=world["project"], start=D1, end=D2)
    assert [text for *_rest, text in rows] == ["kept"]


def test_replace_items_replaces_the_earlier_lines(db: Database, world) -> None:
    with db.session() as s:
        project, _o, a, _b = _objects(s, world)
        report = _report(s, a, project, D1, posted=at(D1, 1),
                         items=[("done", "old-1"), ("problem", "old-2")])
        reports_q.replace_items(s, report_id=report.id, items=[("done", "new")])
    with db.session(write=False) as s:
        items = [(i.kind, i.text, i.position) for i in s.exec(select(ReportItem))]
    assert items == [("done", "new", 0)]


# --- insert_ignore --------------------------------------------------------------------------


def test_insert_ignore_returns_the_count_of_new_rows(db: Database, request: pytest.FixtureRequest) -> None:
    with db.session() as s:
        assert insert_ignore(s, HintLog, [{"user_id": 1, "day": D1},
                                          {"user_id": 2, "day": D1}]) == 2
    with db.session() as s:
        assert insert_ignore(s, HintLog, [{"user_id": 1, "day": D1},
                                          {"user_id": 1, "day": D2},
                                          {"user_id": 2, "day": D1}]) == 1
    with db.session(write=False) as s:
        assert len(list(s.exec(select(HintLog)))) == 3


def test_insert_ignore_counts_a_key_repeated_within_one_batch_once(db: Database, request: pytest.FixtureRequest) -> None:
    with db.session() as s:
        assert insert_ignore(s, HintLog, [{"user_id": 1, "day": D1},
                                          {"user_id": 1, "day": D1}]) == 1


def test_first_hint_today_is_true_once_per_person_per_day(
        db: Database, request: pytest.FixtureRequest) -> None:
    with db.session() as s:
        first = first_hint_today(s, user_id=5, today=D1)
    with db.session() as s:
        again = first_hint_today(s, user_id=5, today=D1)
    with db.session() as s:
        next_day = first_hint_today(s, user_id=5, today=D2)
    assert (first, again, next_day) == (True, False, True)


def test_insert_ignore_of_no_rows_is_zero(db: Database) -> None:
    with db.session() as s:
        assert insert_ignore(s, HintLog, []) == 0


# --- the session scope ----------------------------------------------------------------------


def test_session_commits_at_the_end(db: Database) -> None:
    with db.session() as s:
        s.add(Domain(name="项目建设"))
    with db.session(write=False) as s:
        assert [d.name for d in s.exec(select(Domain))] == ["项目建设"]


def test_session_rolls_back_everything_on_an_exception(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        s.add(Domain(name="第一"))
        s.flush()  # already sent to the database
        s.add(Domain(name="第二"))
        s.flush()
        raise RuntimeError("handler failed")
    with db.session(write=False) as s:
        assert list(s.exec(select(Domain))) == []


def test_session_rolls_back_earlier_writes_when_a_later_one_violates_a_key(db: Database) -> None:
    with db.session() as s:
        s.add(Domain(name="已有"))
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Domain(name="新的"))
        s.flush()
        s.add(Domain(name="已有"))
    with db.session(write=False) as s:
        assert [d.name for d in s.exec(select(Domain))] == ["已有"]


def test_read_session_does_not_commit(db: Database) -> None:
    with db.session(write=False) as s:
        s.add(Domain(name="不该保存"))
        s.flush()
    with db.session(write=False) as s:
        assert list(s.exec(select(Domain))) == []


def test_objects_stay_loaded_after_the_session_commits(db: Database) -> None:
    with db.session() as s:
        domain = Domain(name="项目建设")
        s.add(domain)
    assert domain.id is not None and domain.name == "项目建设"


def test_datetimes_come_back_aware_utc(db: Database) -> None:
    from zoneinfo import ZoneInfo
    created = datetime(2026, 11, 17, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    with db.session() as s:
        s.add(Domain(name="项目建设", created_at=created))
    with db.session(write=False) as s:
        back = s.exec(select(Domain)).one().created_at
    assert back == created and back.utcoffset() == timedelta(0)
