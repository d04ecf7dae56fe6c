"""The webhook's intake: POSTs in flight together are processed and stored done in one
transaction when their chats are free (PostgreSQL), else stored first for the workers, and
the worker told."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.webhook import Handoff
from handlers import reports as report_handlers
from storage.tables import DailyReport, Inbox
from tests.auxil.cast import CADRE, GROUP, setup_project
from tests.auxil.factories import make_message, message_update

on_postgresql = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


def _reports(h) -> list[str]:  # type: ignore[no-untyped-def]
    with h.db.session(write=False) as s:
        return [r.text for r in s.exec(select(DailyReport).order_by(DailyReport.id))]


def _rows(h, updates) -> list[tuple[str, bool] | None]:  # type: ignore[no-untyped-def]
    """Each update's inbox row: its status and whether its payload was kept."""
    with h.db.session(write=False) as s:
        rows = [s.get(Inbox, u.update_id) for u in updates]
        return [None if r is None else (r.status, bool(r.payload)) for r in rows]


@on_postgresql
async def test_posts_in_flight_together_are_processed_and_stored_done_at_once(harness, db_url
                                                                               ) -> None:
    await setup_project(harness)
    updates = [message_update(make_message(GROUP, CADRE, f"#日报 第{i}条")) for i in range(3)]
    assert await harness.runtime.inbox.accept([u.to_dict() for u in reversed(updates)],
                                                 holder="w1")
    await harness.runtime.settle()
    assert _reports(harness) == [f"#日报 第{i}条" for i in range(3)]  # in update_id order
    assert _rows(harness, updates) == [("done", False)] * 3
    with harness.db.session(write=False) as s:  # which worker processed them
        assert {s.get(Inbox, u.update_id).claimed_by for u in updates} == {"w1"}
    assert len(harness.request.sent("setMessageReaction")) == 3


@on_postgresql
async def test_an_update_behind_one_that_waits_in_the_inbox_is_stored_first(harness, db_url
                                                                            ) -> None:
    await setup_project(harness)
    waiting, later = (message_update(make_message(GROUP, CADRE, t)) for t in ("#日报 先", "#日报 后"))
    harness.runtime.inbox.store([waiting])  # stored, not processed yet (a worker's, say)
    assert not await harness.runtime.inbox.accept([later.to_dict()], holder="w1")
    assert _reports(harness) == [] and _rows(harness, [waiting, later]) == [
        ("pending", True), None]  # nothing of the later one kept: the caller stores it


@on_postgresql
async def test_a_failing_update_leaves_nothing_of_its_batch(harness, db_url, monkeypatch
                                                          ) -> None:  # type: ignore[no-untyped-def]
    await setup_project(harness)

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(report_handlers.reports, "record", crash)
    updates = [message_update(make_message(GROUP, CADRE, f"#日报 {i}")) for i in range(2)]
    assert not await harness.runtime.inbox.accept([u.to_dict() for u in updates], holder="w1")
    assert _rows(harness, updates) == [None, None] and harness.request.calls == []


async def test_on_sqlite_updates_are_stored_first(harness) -> None:
    """One process (SQLite writers are serialized): no fresh groups beside the worker's."""
    update = message_update(make_message(GROUP, CADRE, "#日报 一"))
    assert not await harness.runtime.inbox.accept([update.to_dict()], holder="w1")
    assert _rows(harness, [update]) == [None]


class _Inbox:
    """An inbox whose fresh groups hold or not; it records what it stores for the workers."""

    def __init__(self, held: bool) -> None:
        self.held, self.stored = held, []

    is_update = staticmethod(lambda value: True)

    async def accept(self, updates: list[dict], *, holder: str) -> bool:
        return self.held

    async def commit(self, updates: list[dict]) -> int:
        self.stored.append(updates)
        return len(updates)


@pytest.mark.parametrize(("held", "stored"), [(True, []), (False, [[{"update_id": 1}]])])
async def test_what_no_fresh_group_took_is_stored_for_the_workers(held, stored) -> None:  # type: ignore[no-untyped-def]
    inbox, kicked = _Inbox(held), []
    handoff = Handoff(inbox, "w1", lambda: kicked.append(1))  # type: ignore[arg-type]
    assert await handoff.commit([{"update_id": 1}]) == 1
    assert inbox.stored == stored and kicked == [1] * len(stored)  # the worker looks at once
