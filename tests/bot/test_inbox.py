"""The inbox: failures roll back, are retried, then parked; nothing is half-written."""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import select

from bot.inbox import SEALED
from handlers import reports as report_handlers
from storage import inbox
from storage.tables import DailyReport, Inbox
from tests.auxil.cast import CADRE, GROUP, setup_project
from tests.auxil.factories import make_message, make_user, message_update, private


async def test_a_crashing_handler_rolls_back_and_is_parked_as_dead(harness, monkeypatch) -> None:
    await setup_project(harness)
    original = report_handlers.reports.record

    def record_then_crash(*args, **kwargs):
        original(*args, **kwargs)  # writes, then fails: the write must not survive
        raise RuntimeError("boom")

    monkeypatch.setattr(report_handlers.reports, "record", record_then_crash)
    update = message_update(make_message(GROUP, CADRE, "/daily 会失败的动态"))
    await harness.feed(update)
    with harness.db.session(write=False) as s:
        assert list(s.exec(select(DailyReport))) == []
        row = s.get(Inbox, update.update_id)
        assert (row.status, row.attempts) == ("dead", 3)
    assert "出错了" in harness.last()  # one line, no stack trace


async def test_unfinished_rows_are_processed_on_start_in_order(harness) -> None:
    await setup_project(harness)
    updates = [message_update(make_message(GROUP, CADRE, f"#日报 第{i}条")) for i in range(5)]
    harness.runtime.inbox.store(list(reversed(updates)))  # stored, not yet processed: a crash
    await harness.runtime.inbox.process_pending()
    with harness.db.session(write=False) as s:
        texts = [r.text for r in s.exec(select(DailyReport).order_by(DailyReport.id))]
        assert texts == [f"#日报 第{i}条" for i in range(5)]
        assert inbox.counts(s).get("pending", 0) == 0


def _inbox_reads(h) -> list[str]:
    """The SELECTs on the inbox table from here on."""
    seen: list[str] = []
    event.listen(h.db.engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: seen.append(
        sql) if sql.lstrip().upper().startswith("SELECT") and "FROM inbox" in sql else None)
    return seen


async def test_polling_processes_what_it_stored_without_reading_it_back(harness) -> None:
    await setup_project(harness)  # the inbox is settled: nothing waits there
    reads = _inbox_reads(harness)
    updates = [message_update(make_message(GROUP, CADRE, f"#日报 第{i}条")) for i in range(3)]
    await harness.runtime.inbox.take([u.to_dict() for u in updates])
    assert reads == []
    with harness.db.session(write=False) as s:
        assert [s.get(Inbox, u.update_id).status for u in updates] == ["done"] * 3


async def test_polling_goes_through_the_rows_while_earlier_ones_wait(harness) -> None:
    await setup_project(harness)
    waiting = [message_update(make_message(GROUP, CADRE, f"#日报 先到{i}")) for i in range(2)]
    harness.runtime.inbox.store(waiting)  # stored, not processed: a crash left them
    harness.runtime.inbox._settled = False  # as after a start, before the first full pass
    reads = _inbox_reads(harness)
    await harness.runtime.inbox.take([message_update(make_message(GROUP, CADRE, "#日报 后到"))])
    assert reads  # read from the inbox, oldest first
    with harness.db.session(write=False) as s:
        texts = [r.text for r in s.exec(select(DailyReport).order_by(DailyReport.id))]
    assert texts == ["#日报 先到0", "#日报 先到1", "#日报 后到"]


async def test_an_attempt_that_failed_in_memory_is_tried_again_from_the_inbox(harness,
                                                                              monkeypatch
                                                                              ) -> None:
    await setup_project(harness)
    original, calls = report_handlers.reports.record, []

    def fail_first(*args, **kwargs):
        calls.append(kwargs["msg"].text)
        if len(calls) == 1:
            raise RuntimeError("the first attempt fails")
        return original(*args, **kwargs)

    monkeypatch.setattr(report_handlers.reports, "record", fail_first)
    update = message_update(make_message(GROUP, CADRE, "#日报 第二次才成"))
    await harness.runtime.inbox.take([update])
    with harness.db.session(write=False) as s:
        row = s.get(Inbox, update.update_id)
        assert (row.status, row.attempts) == ("done", 1)
        assert [r.text for r in s.exec(select(DailyReport))] == ["#日报 第二次才成"]
    assert harness.runtime.inbox._settled  # and polling works from memory again


async def test_private_updates_waiting_in_the_inbox_are_unsealed_once_as_a_group(harness,  # type: ignore[no-untyped-def]
                                                                               monkeypatch
                                                                               ) -> None:
    """Rows left by another run: each sealed payload is read once, for the group's read-ahead
    and its handling both, and who sent them is read in one statement for the group."""
    from core.ratings import rater_keys

    unsealed: list[str] = []
    original = rater_keys.unseal

    def counting(secret: str, purpose: str, token: str) -> str | None:
        unsealed.append(token)
        return original(secret, purpose, token)

    monkeypatch.setattr(rater_keys, "unseal", counting)
    strangers = [make_user(6_100_000_001 + i, "路人") for i in range(3)]
    harness.runtime.inbox.store([message_update(make_message(private(u), u, "/help"))
                                 for u in strangers])  # stored, not processed: a restart
    with harness.db.session(write=False) as s:
        assert all(row.payload.startswith(SEALED) for row in s.exec(select(Inbox)))
    on_person: list[str] = []

    def watch(_conn, _cursor, statement: str, *_rest: object) -> None:  # type: ignore[no-untyped-def]
        if " person" in statement.split(" WHERE ")[0]:
            on_person.append(statement.split()[0])

    event.listen(harness.db.engine, "before_cursor_execute", watch)
    try:
        await harness.runtime.inbox.process_pending()
    finally:
        event.remove(harness.db.engine, "before_cursor_execute", watch)
    await harness.runtime.settle()
    assert all(harness.texts(u.id) for u in strangers)
    assert len(unsealed) == len(set(unsealed)) == 3
    assert on_person == ["SELECT"]
