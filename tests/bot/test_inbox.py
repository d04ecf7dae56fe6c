"""The inbox: failures roll back, are retried, then parked; nothing is half-written."""

from __future__ import annotations

from sqlmodel import select

from bot import payloads
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


def _payloads(h) -> list[str]:  # type: ignore[no-untyped-def]
    with h.db.session(write=False) as s:
        return [row.payload for row in s.exec(select(Inbox))]


async def test_a_private_update_stored_elsewhere_is_unsealed_to_be_processed(harness) -> None:
    """Another process stored it (nothing is held here): read from its sealed payload."""
    stranger = make_user(6_100_000_001, "路人")
    harness.runtime.inbox.store([message_update(make_message(private(stranger), stranger,
                                                             "/help"))])
    [stored] = _payloads(harness)
    assert stored.startswith(payloads.SEALED) and str(stranger.id) not in stored
    harness.runtime.inbox.held = payloads.Held()  # as a worker that did not store it
    await harness.runtime.inbox.process_pending()
    await harness.runtime.settle()
    assert harness.texts(stranger.id)


async def test_updates_this_process_stored_are_processed_without_decrypting(harness,  # type: ignore[no-untyped-def]
                                                                            monkeypatch) -> None:
    """Held as received until processed: a rater's every step costs no decryption."""
    def no_unseal(*_args: object) -> None:
        raise AssertionError("decrypted an update this process had just stored")

    monkeypatch.setattr(payloads.keys, "unseal", no_unseal)
    users = [make_user(6_100_000_002 + i, "路人") for i in range(3)]
    await harness.feed(message_update(make_message(private(users[0]), users[0], "/help")))
    await harness.feed(*[message_update(make_message(private(u), u, "/help")) for u in users])
    assert all(harness.texts(u.id) for u in users)
    assert all(p.startswith(payloads.SEALED) or p == "" for p in _payloads(harness))
