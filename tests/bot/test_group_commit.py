"""Group commit: a batch of updates in one transaction keeps each update's own outcome, sends
nothing before the commit, and falls back to one by one when the batch cannot commit."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot import group_commit
from handlers import reports as report_handlers
from storage import inbox
from storage.tables import DailyReport, Inbox, Person
from tests.auxil.cast import ADMIN, CADRE, GROUP, setup_project
from tests.auxil.factories import (
    make_group,
    make_message,
    make_user,
    member_left,
    message_update,
    private,
)


def _stored(h) -> list[str]:
    with h.db.session(write=False) as s:
        return [r.text for r in s.exec(select(DailyReport).order_by(DailyReport.id))]


def _statuses(h, updates) -> list[tuple[str, int]]:
    with h.db.session(write=False) as s:
        return [(row.status, row.attempts) for row in
                (s.get(Inbox, u.update_id) for u in updates)]


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
async def test_one_failing_update_in_a_group_fails_alone(harness, db_url, monkeypatch) -> None:
    await setup_project(harness)
    original = report_handlers.reports.record

    def record_or_crash(*args, **kwargs):
        recorded = original(*args, **kwargs)  # written first: the write must not survive
        if "坏" in kwargs["msg"].text:
            raise RuntimeError("boom")
        return recorded

    monkeypatch.setattr(report_handlers.reports, "record", record_or_crash)
    updates = [message_update(make_message(GROUP, CADRE, f"#日报 第{i}条{'坏' if i == 2 else ''}"))
               for i in range(5)]
    harness.runtime.inbox.store(updates)
    await harness.runtime.inbox.process_pending()
    await harness.runtime.settle()
    assert _stored(harness) == [f"#日报 第{i}条" for i in (0, 1, 3, 4)]
    assert _statuses(harness, updates) == [("done", 0)] * 2 + [("dead", 3)] + [("done", 0)] * 2
    reacted = [c.params["message_id"] for c in harness.request.calls
               if c.method == "setMessageReaction"]
    assert sorted(int(m) for m in reacted) == sorted(
        u.message.message_id for i, u in enumerate(updates) if i != 2)


async def test_a_refusal_in_a_group_is_answered_and_done(harness) -> None:
    await setup_project(harness)
    updates = [message_update(make_message(GROUP, CADRE, "#日报 第一条")),
               message_update(make_message(GROUP, CADRE, "/undo")),  # not a reply: refused
               message_update(make_message(GROUP, CADRE, "#日报 第二条"))]
    harness.runtime.inbox.store(updates)
    await harness.runtime.inbox.process_pending()
    await harness.runtime.settle()
    assert _stored(harness) == ["#日报 第一条", "#日报 第二条"]
    assert _statuses(harness, updates) == [("done", 0)] * 3
    assert len(harness.texts(GROUP.id)) == 1  # the one line of the refusal


async def test_replies_are_submitted_once_the_whole_group_committed(harness, monkeypatch
                                                                   ) -> None:
    await setup_project(harness)
    updates = [message_update(make_message(GROUP, CADRE, f"#日报 第{i}条")) for i in range(3)]
    harness.runtime.inbox.store(updates)
    submitted: list[tuple[int, list[tuple[str, int]]]] = []
    sender = harness.runtime.sender
    original = sender.submit

    def watching(outgoing):
        submitted.append((len(outgoing), _statuses(harness, updates)))  # what is committed
        return original(outgoing)

    monkeypatch.setattr(sender, "submit", watching)
    await harness.runtime.inbox.process_pending()
    await harness.runtime.settle()
    assert submitted == [(3, [("done", 0)] * 3)]  # one submission, after the one commit
    assert len(harness.request.sent("setMessageReaction")) == 3


async def test_a_group_that_cannot_commit_is_processed_one_by_one(harness, monkeypatch) -> None:
    await setup_project(harness)
    updates = [message_update(make_message(GROUP, CADRE, f"#日报 第{i}条")) for i in range(4)]
    harness.runtime.inbox.store(updates)
    calls = {"n": 0}
    original = inbox.mark_all_done

    def fail_once(session, *, update_ids, holder=None):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("the disk is full")
        return original(session, update_ids=update_ids, holder=holder)

    monkeypatch.setattr(group_commit.inbox_q, "mark_all_done", fail_once)
    await harness.runtime.inbox.process_pending()
    await harness.runtime.settle()
    assert calls["n"] == 1  # one group tried; then each update in its own transaction
    assert _stored(harness) == [f"#日报 第{i}条" for i in range(4)]  # once each, not twice
    assert _statuses(harness, updates) == [("done", 0)] * 4
    assert len(harness.request.sent("setMessageReaction")) == 4  # one 👌 each


def _group_sizes(monkeypatch) -> list[int]:
    """The size of each batch run as one transaction, in order."""
    sizes: list[int] = []
    original = group_commit._group

    async def watching(inbox_, batch, holder=None):
        sizes.append(len(batch))
        return await original(inbox_, batch, holder)

    monkeypatch.setattr(group_commit, "_group", watching)
    return sizes


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
async def test_a_refusal_before_any_write_keeps_the_group(harness, db_url, monkeypatch) -> None:
    await setup_project(harness)
    sizes = _group_sizes(monkeypatch)
    updates = [message_update(make_message(GROUP, CADRE, "#日报 第一条")),
               message_update(make_message(GROUP, CADRE, "/undo")),  # refused, wrote nothing
               message_update(make_message(GROUP, CADRE, "#日报 第二条"))]
    harness.runtime.inbox.store(updates)
    await harness.runtime.inbox.process_pending()
    assert sizes == [3]  # one transaction for all three: nothing to run again
    assert _stored(harness) == ["#日报 第一条", "#日报 第二条"]


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
async def test_a_failure_after_a_write_runs_the_others_again_as_groups(harness, db_url,
                                                                       monkeypatch) -> None:
    await setup_project(harness)
    original = report_handlers.reports.record

    def record_or_crash(*args, **kwargs):
        recorded = original(*args, **kwargs)
        if "坏" in kwargs["msg"].text:
            raise RuntimeError("boom")
        return recorded

    monkeypatch.setattr(report_handlers.reports, "record", record_or_crash)
    sizes = _group_sizes(monkeypatch)
    updates = [message_update(make_message(GROUP, CADRE, f"#日报 第{i}条{'坏' if i == 3 else ''}"))
               for i in range(7)]
    harness.runtime.inbox.store(updates)
    await harness.runtime.inbox.process_pending()
    await harness.runtime.settle()
    # the batch broke at the 4th; the three before it again as a group, it alone, the rest
    # as a group; a later pass tries it again alone until it is dead
    assert sizes == [7, 3, 3]
    assert _stored(harness) == [f"#日报 第{i}条" for i in (0, 1, 2, 4, 5, 6)]
    assert _statuses(harness, updates) == [("done", 0)] * 3 + [("dead", 3)] + [("done", 0)] * 3
    assert len(harness.request.sent("setMessageReaction")) == 6  # one 👌 each, none twice


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
async def test_a_failed_statement_breaks_the_group_even_without_a_write(harness, db_url) -> None:
    from sqlalchemy import text

    with harness.db.session() as session:
        group = group_commit.Group(session)
        with pytest.raises(group_commit.Broken), group_commit.unit(harness.db, group) as s:
            s.execute(text("SELECT * FROM no_such_table"))  # PostgreSQL aborts the transaction
        session.rollback()
        with pytest.raises(RuntimeError), group_commit.unit(harness.db, group) as s:
            s.execute(text("SELECT 1"))
            raise RuntimeError("a refusal, say: nothing written, the group goes on")


async def test_a_group_sees_who_registered_and_bound_before(harness) -> None:
    """Reads shared by a group's updates are dropped once an update changes them."""
    await setup_project(harness)
    newcomer = make_user(2002, "李四", "lisi")
    other = make_group(-100777)
    updates = [message_update(make_message(GROUP, newcomer, "#日报 我还没登记")),
               message_update(make_message(GROUP, newcomer, "/register 李四 副站长")),
               message_update(make_message(GROUP, newcomer, "#日报 登记后第一条")),
               message_update(make_message(other, CADRE, "#日报 群还没绑定")),
               message_update(make_message(other, ADMIN, "/bind 城南快速路")),
               message_update(make_message(other, CADRE, "#日报 绑定后第一条"))]
    harness.runtime.inbox.store(updates)
    await harness.runtime.inbox.process_pending()
    await harness.runtime.settle()
    assert _stored(harness) == ["#日报 登记后第一条", "#日报 绑定后第一条"]


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
async def test_a_statement_that_changed_no_row_is_no_write(harness, db_url) -> None:
    from sqlalchemy import text

    harness.runtime.inbox.store([message_update(make_message(GROUP, CADRE, "#日报"))])
    with harness.db.session() as session:
        group = group_commit.Group(session)
        with pytest.raises(RuntimeError), group_commit.unit(harness.db, group) as s:
            s.execute(text("UPDATE inbox SET attempts = 1 WHERE update_id = -1"))
            raise RuntimeError("a stale press: its UPDATE matched nothing, the group goes on")
        with pytest.raises(group_commit.Broken), group_commit.unit(harness.db, group) as s:
            s.execute(text("DELETE FROM inbox"))  # one row gone
            raise RuntimeError("after a write")


def _reachable(h, user) -> bool:  # type: ignore[no-untyped-def]
    with h.db.session(write=False) as s:
        return s.exec(select(Person).where(Person.tg_id == user.id)).one().reachable


def _set_reachable(h, user, reachable: bool) -> None:  # type: ignore[no-untyped-def]
    with h.db.session() as s:
        person = s.exec(select(Person).where(Person.tg_id == user.id)).one()
        person.reachable = reachable
        s.add(person)


@pytest.mark.parametrize("alone", [True, False])
async def test_a_private_message_makes_a_known_person_reachable_again(harness, alone) -> None:
    """Alone or in a group whose shared reads saw them unreachable; their messages in the
    group chat, and strangers' in private, change nothing."""
    await setup_project(harness)
    _set_reachable(harness, CADRE, False)
    stranger = make_user(6_000_000_001, "路人")
    await harness.feed(message_update(make_message(GROUP, CADRE, "#日报 群里说的")),
                       message_update(make_message(private(stranger), stranger, "/help")))
    assert not _reachable(harness, CADRE)
    mine = [message_update(make_message(private(CADRE), CADRE, "/my"))]
    if not alone:
        mine = [message_update(make_message(GROUP, CADRE, "#日报 又一条")),
                message_update(make_message(private(stranger), stranger, "/help")), *mine,
                message_update(make_message(private(CADRE), CADRE, "/whoami"))]
    await harness.feed(*mine)
    assert _reachable(harness, CADRE)


async def test_reachability_follows_blocking_and_writing_within_one_group(harness) -> None:
    """The group read the person as reachable before it began: a block, then a message,
    leaves them reachable; a message, then a block, leaves them unreachable."""
    await setup_project(harness)
    blocked = member_left(private(CADRE), CADRE, bot=True)
    wrote = message_update(make_message(private(CADRE), CADRE, "/whoami"))
    await harness.feed(blocked, wrote)
    assert _reachable(harness, CADRE)
    wrote = message_update(make_message(private(CADRE), CADRE, "/whoami"))
    await harness.feed(wrote, member_left(private(CADRE), CADRE, bot=True))
    assert not _reachable(harness, CADRE)
