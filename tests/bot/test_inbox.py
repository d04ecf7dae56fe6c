"""The inbox: failures roll back, are retried, then parked; nothing is half-written."""

from __future__ import annotations

from sqlmodel import select

from handlers import reports as report_handlers
from storage import inbox
from storage.tables import DailyReport, Inbox
from tests.auxil.cast import CADRE, GROUP, setup_project
from tests.auxil.factories import make_message, message_update


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
