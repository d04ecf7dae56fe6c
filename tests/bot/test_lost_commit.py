"""A group's COMMIT that reached the database but whose answer was lost (the connection
dropped): the group committed, so its replies go, once, and nothing of it runs again."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from bot import group_commit
from storage.tables import DailyReport, Inbox
from tests.auxil.cast import CADRE, GROUP, setup_project
from tests.auxil.factories import make_message, message_update
from tests.auxil.watch import handled_updates

pytestmark = pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)


def _lose_the_answer(monkeypatch, step: str) -> None:
    """The commit of the transaction that ran inbox `step` lands, then raises as a dropped
    connection does."""
    original_step, original_commit = getattr(group_commit.inbox_q, step), Session.commit

    def marked(session: Session, **kwargs):  # type: ignore[no-untyped-def]
        session.info["lose"] = True
        return original_step(session, **kwargs)

    def commit(self: Session) -> None:
        original_commit(self)
        if self.info.pop("lose", False):
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(group_commit.inbox_q, step, marked)
    monkeypatch.setattr(Session, "commit", commit)


def _outcome(h, updates) -> tuple[int, set[str], int]:
    """Reports stored, the rows' statuses, 👌 sent."""
    with h.db.session(write=False) as s:
        reports = len(list(s.exec(select(DailyReport))))
        statuses = {s.get(Inbox, u.update_id).status for u in updates}
    return reports, statuses, len(h.request.sent("setMessageReaction"))


async def test_a_stored_group_whose_commit_landed_answers_once(harness, db_url, monkeypatch
                                                              ) -> None:
    await setup_project(harness)
    updates = [message_update(make_message(GROUP, CADRE, f"#日报 第{i}条")) for i in range(3)]
    harness.runtime.inbox.store(updates)
    _lose_the_answer(monkeypatch, "mark_all_done")
    handled = handled_updates(harness)
    await harness.runtime.inbox.process_pending()
    await harness.runtime.settle()
    assert _outcome(harness, updates) == (3, {"done"}, 3)
    assert sorted(handled) == sorted(u.update_id for u in updates)  # not run again


async def test_a_fresh_group_whose_commit_landed_answers_once(harness, db_url, monkeypatch
                                                             ) -> None:
    """Without this its rows, stored done, would never be processed again: replies lost."""
    await setup_project(harness)
    updates = [message_update(make_message(GROUP, CADRE, f"#日报 第{i}条")) for i in range(3)]
    _lose_the_answer(monkeypatch, "add_done")
    handled = handled_updates(harness)
    await harness.runtime.inbox.take([u.to_dict() for u in updates])
    await harness.runtime.settle()
    assert _outcome(harness, updates) == (3, {"done"}, 3)
    assert sorted(handled) == sorted(u.update_id for u in updates)
