"""A group of report updates holds its new reports back (storage.held_reports): the group's
later updates still see them, and a replay among them is found, not acknowledged twice."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import select

from storage.tables import DailyReport, Inbox
from tests.auxil.cast import CADRE, GROUP, setup_project
from tests.auxil.factories import edit_of, make_message, make_user, message_update


def _reports(h) -> list[tuple[int, str, bool]]:
    with h.db.session(write=False) as s:
        return [(r.message_id, r.text, r.withdrawn)
                for r in s.exec(select(DailyReport).order_by(DailyReport.id))]


def _done(h, updates) -> list[str]:
    with h.db.session(write=False) as s:
        return [s.get(Inbox, u.update_id).status for u in updates]


def _alone(h, monkeypatch) -> list[int]:
    """The update ids processed in a transaction of their own (not as part of a group)."""
    alone: list[int] = []
    inbox = h.runtime.inbox
    original = inbox.process_one

    async def watching(update_id, *args, **kwargs):
        if kwargs.get("group") is None:
            alone.append(update_id)
        return await original(update_id, *args, **kwargs)

    monkeypatch.setattr(inbox, "process_one", watching)
    return alone


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
async def test_a_group_sees_the_reports_its_earlier_updates_held(harness, db_url, monkeypatch
                                                                 ) -> None:
    await setup_project(harness)
    alone = _alone(harness, monkeypatch)
    first = make_message(GROUP, CADRE, "#日报 第一条")
    second = make_message(GROUP, CADRE, "#日报 第二条")
    updates = [message_update(first), message_update(second),
               edit_of(first, "#日报 第一条（改）"),  # finds the report held just before
               message_update(make_message(GROUP, CADRE, "/undo", reply_to=second))]
    harness.runtime.inbox.store(updates)
    await harness.runtime.inbox.process_pending()
    await harness.runtime.settle()
    assert _reports(harness) == [(first.message_id, "#日报 第一条（改）", False),
                                 (second.message_id, "#日报 第二条", True)]
    assert _done(harness, updates) == ["done"] * 4
    assert alone == []  # one transaction for the four


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
async def test_a_replayed_message_in_a_group_is_stored_and_acknowledged_once(harness, db_url
                                                                            ) -> None:
    await setup_project(harness)
    again = make_message(GROUP, CADRE, "#日报 同一条消息")
    updates = [message_update(make_message(GROUP, CADRE, "#日报 之前")),
               message_update(again), message_update(again),  # one message, two updates
               message_update(make_message(GROUP, CADRE, "#日报 之后"))]
    harness.runtime.inbox.store(updates)
    await harness.runtime.inbox.process_pending()
    await harness.runtime.settle()
    assert [text for _m, text, _w in _reports(harness)] == ["#日报 之前", "#日报 同一条消息",
                                                           "#日报 之后"]
    assert _done(harness, updates) == ["done"] * 4
    reacted = [int(c.params["message_id"]) for c in harness.request.sent("setMessageReaction")]
    assert sorted(reacted) == sorted({u.message.message_id for u in updates})  # none twice


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
async def test_a_group_of_reports_writes_them_in_a_fixed_number_of_statements(harness, db_url
                                                                            ) -> None:
    await setup_project(harness)
    cadres = [make_user(3000 + i, f"干部{i}") for i in range(4)]
    for cadre in cadres:
        harness.runtime.inbox.store([message_update(make_message(
            GROUP, cadre, f"/register {cadre.first_name} 干部"))])
    await harness.runtime.inbox.process_pending()
    counts = []
    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    for n in (5, 20):
        seen.clear()
        event.listen(harness.db.engine, "before_cursor_execute", listener)
        harness.runtime.inbox.store([message_update(make_message(
            GROUP, cadres[i % 4], f"#日报 第{i}条\n完成：签约{i}户\n问题：管线迁改"))
            for i in range(n)])
        await harness.runtime.inbox.process_pending()
        event.remove(harness.db.engine, "before_cursor_execute", listener)
        counts.append(sum("daily_report" in sql or "report_item" in sql for sql in seen))
    assert counts[0] == counts[1] <= 2  # per group, not per report
    assert len(_reports(harness)) == 25
