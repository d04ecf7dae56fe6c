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
from tests.auxil.watch import handled_updates


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
    """The SELECTs of stored updates (their payloads) from here on."""
    seen: list[str] = []
    event.listen(h.db.engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: seen.append(
        sql) if sql.lstrip().upper().startswith("SELECT") and "FROM inbox" in sql
        and "payload" in sql else None)
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

    def fail_twice(*args, **kwargs):
        calls.append(kwargs["msg"].text)
        if len(calls) <= 2:  # processed fresh, then stored and processed from memory
            raise RuntimeError("the first attempts fail")
        return original(*args, **kwargs)

    monkeypatch.setattr(report_handlers.reports, "record", fail_twice)
    update = message_update(make_message(GROUP, CADRE, "#日报 第三次才成"))
    await harness.runtime.inbox.take([update])
    assert len(calls) == 3  # the third from the inbox's row
    with harness.db.session(write=False) as s:
        row = s.get(Inbox, update.update_id)
        assert (row.status, row.attempts) == ("done", 1)  # the fresh attempt left no trace
        assert [r.text for r in s.exec(select(DailyReport))] == ["#日报 第三次才成"]
    assert harness.runtime.inbox._settled  # and polling works from memory again


def _commits(h) -> list[str]:
    """The statements from here on, COMMIT included."""
    seen: list[str] = []
    event.listen(h.db.engine, "before_cursor_execute",
                 lambda _c, _cur, sql, *_a: seen.append(sql.split()[0].upper()))
    event.listen(h.db.engine, "commit", lambda _c: seen.append("COMMIT"))
    return seen


async def test_a_fresh_batch_is_stored_done_with_its_work_in_one_transaction(harness) -> None:
    await setup_project(harness)
    seen = _commits(harness)
    updates = [message_update(make_message(GROUP, CADRE, f"#日报 第{i}条")) for i in range(3)]
    await harness.runtime.inbox.take([u.to_dict() for u in updates])
    await harness.runtime.sender.drain()
    assert seen.count("COMMIT") == 1 and "UPDATE" not in seen  # nothing stored, then marked
    with harness.db.session(write=False) as s:
        rows = [s.get(Inbox, u.update_id) for u in updates]
        assert {(r.status, r.payload, r.attempts) for r in rows} == {("done", "", 0)}
        assert len(list(s.exec(select(DailyReport)))) == 3
    assert len(harness.request.sent("setMessageReaction")) == 3


async def test_a_batch_polled_again_is_not_processed_twice(harness) -> None:
    """Committed, then stopped before the next getUpdates confirmed it: Telegram sends the
    batch again; its work is rolled back and nothing is sent twice."""
    await setup_project(harness)
    updates = [message_update(make_message(GROUP, CADRE, f"#日报 第{i}条")) for i in range(2)]
    await harness.runtime.inbox.take([u.to_dict() for u in updates])
    await harness.runtime.sender.drain()
    handled = handled_updates(harness)
    await harness.runtime.inbox.take([u.to_dict() for u in updates])
    await harness.runtime.sender.drain()
    assert handled == []  # the replay was seen before any handler ran
    with harness.db.session(write=False) as s:
        assert len(list(s.exec(select(DailyReport)))) == 2
    assert len(harness.request.sent("setMessageReaction")) == 2


async def test_rows_left_pending_are_processed_when_their_batch_is_polled_again(harness
                                                                               ) -> None:
    """Stored, then stopped before processing and before the next getUpdates confirmed them:
    the batch comes again, finds its rows, and they are processed from the inbox."""
    await setup_project(harness)
    updates = [message_update(make_message(GROUP, CADRE, f"#日报 第{i}条")) for i in range(2)]
    harness.runtime.inbox.store(updates)
    assert harness.runtime.inbox._settled  # nothing else told it they wait
    await harness.runtime.inbox.take([u.to_dict() for u in updates])
    with harness.db.session(write=False) as s:
        assert {s.get(Inbox, u.update_id).status for u in updates} == {"done"}
        assert len(list(s.exec(select(DailyReport)))) == 2


async def test_a_fresh_attempt_that_fails_is_neither_logged_nor_counted(harness, monkeypatch,
                                                                        caplog) -> None:  # type: ignore[no-untyped-def]
    await setup_project(harness)
    original, calls = report_handlers.reports.record, []

    def fail_first(*args, **kwargs):
        calls.append(kwargs["msg"].text)
        if len(calls) == 1:
            raise RuntimeError("the fresh attempt fails")
        return original(*args, **kwargs)

    monkeypatch.setattr(report_handlers.reports, "record", fail_first)
    update = message_update(make_message(GROUP, CADRE, "#日报 第二次就成"))
    with caplog.at_level("INFO"):
        await harness.runtime.inbox.take([update.to_dict()])
    assert len(calls) == 2 and not [r for r in caplog.records if r.levelname == "ERROR"]
    with harness.db.session(write=False) as s:
        row = s.get(Inbox, update.update_id)
        assert (row.status, row.attempts) == ("done", 0)


async def test_one_failed_update_leaves_nothing_of_its_fresh_batch(harness, monkeypatch
                                                                   ) -> None:  # type: ignore[no-untyped-def]
    await setup_project(harness)
    original, calls = report_handlers.reports.record, []

    def second_fails_once(*args, **kwargs):
        calls.append(kwargs["msg"].text)
        if calls == ["#日报 一", "#日报 二"]:
            raise RuntimeError("fails once")
        return original(*args, **kwargs)

    monkeypatch.setattr(report_handlers.reports, "record", second_fails_once)
    updates = [message_update(make_message(GROUP, CADRE, t)) for t in ("#日报 一", "#日报 二",
                                                                        "#日报 三")]
    await harness.runtime.inbox.take([u.to_dict() for u in updates])
    await harness.runtime.sender.drain()
    with harness.db.session(write=False) as s:
        assert sorted(r.text for r in s.exec(select(DailyReport))) == [
            "#日报 一", "#日报 三", "#日报 二"]
        assert {s.get(Inbox, u.update_id).status for u in updates} == {"done"}
    assert len(harness.request.sent("setMessageReaction")) == 3  # each once


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
