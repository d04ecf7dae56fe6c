"""Webhook workers' inbox claims (SQLite and PostgreSQL): one chat at a time, in order; lapsed
claims taken over; a lost claim rolls back; a stopping worker gives its claims back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage import inbox as q
from storage.db import Database
from storage.tables import Inbox, utcnow


def store(db: Database, rows: list[tuple[int, int | None]]) -> None:
    with db.session() as s:
        q.add(s, rows=[{"update_id": u, "chat_id": c, "payload": f"p{u}"} for u, c in rows])


def claim(db: Database, holder: str, *, limit: int = 10, now=None, until=None) -> list[int]:
    now = now or utcnow()
    with db.session() as s:
        return [u for u, _p in q.claim(s, holder=holder, now=now,
                                        until=until or now + timedelta(seconds=15), limit=limit,
                                        max_attempts=3)]


def done(db: Database, update_id: int, holder: str) -> None:
    with db.session() as s:
        q.mark_done(s, update_id=update_id, holder=holder)


def test_only_the_oldest_open_update_of_each_chat_is_claimed(db: Database) -> None:
    store(db, [(3, -1), (1, -1), (2, -2), (4, -2), (5, None), (6, None)])
    assert claim(db, "a") == [1, 2, 5, 6]  # chat-less updates keep no order
    assert claim(db, "b") == []  # the rest wait for their chat's earlier update
    done(db, 1, "a")
    assert claim(db, "b") == [3]
    done(db, 2, "a")
    assert claim(db, "b") == [4]


def test_claims_are_taken_in_small_batches_oldest_first(db: Database) -> None:
    store(db, [(n, -n) for n in range(1, 8)])
    assert claim(db, "a", limit=3) == [1, 2, 3]
    assert claim(db, "b", limit=3) == [4, 5, 6]
    assert claim(db, "c", limit=3) == [7]


def test_a_lapsed_claim_is_taken_over_and_counted_as_an_attempt(db: Database) -> None:
    store(db, [(1, -1), (2, -1)])
    now = utcnow()
    assert claim(db, "dead", now=now, until=now + timedelta(seconds=15)) == [1]
    assert claim(db, "alive", now=now + timedelta(seconds=10)) == []
    assert claim(db, "alive", now=now + timedelta(seconds=16)) == [1]
    with db.session(write=False) as s:
        row = s.get(Inbox, 1)
        assert (row.claimed_by, row.attempts) == ("alive", 1)


def test_the_worker_that_lost_its_claim_cannot_mark_it_done(db: Database) -> None:
    store(db, [(1, -1)])
    now = utcnow()
    claim(db, "slow", now=now, until=now + timedelta(seconds=1))
    claim(db, "other", now=now + timedelta(seconds=2))
    with pytest.raises(q.ClaimLost), db.session() as s:
        q.mark_done(s, update_id=1, holder="slow")
    done(db, 1, "other")
    with db.session(write=False) as s:
        assert s.get(Inbox, 1).status == "done"


def test_a_stopping_worker_gives_its_claims_back(db: Database) -> None:
    store(db, [(1, -1), (2, -2)])
    assert claim(db, "stopping") == [1, 2]
    done(db, 1, "stopping")
    with db.session() as s:
        assert q.release(s, holder="stopping") == 1
    assert claim(db, "next") == [2]


def test_polling_picks_up_lapsed_claims_too(db: Database) -> None:
    store(db, [(1, -1)])
    now = utcnow() - timedelta(minutes=1)
    claim(db, "gone", now=now, until=now + timedelta(seconds=15))
    with db.session(write=False) as s:
        assert [r.update_id for r in q.unfinished(s, max_attempts=3)] == [1]


def test_a_group_is_marked_done_only_while_every_claim_in_it_holds(db: Database) -> None:
    store(db, [(1, -1), (2, -2), (3, -3)])
    now = utcnow()
    assert claim(db, "a", now=now, until=now + timedelta(seconds=1)) == [1, 2, 3]
    later = now + timedelta(seconds=2)
    with db.session() as s:  # b takes the oldest lapsed row (1) over
        q.claim(s, holder="b", now=later, until=later + timedelta(seconds=15), limit=1,
                max_attempts=3)
    with pytest.raises(q.ClaimLost), db.session() as s:
        q.mark_all_done(s, update_ids=[1, 2, 3], holder="a")
    with db.session() as s:
        q.mark_all_done(s, update_ids=[2, 3], holder="a")
    with db.session(write=False) as s:
        assert [s.get(Inbox, u).status for u in (1, 2, 3)] == ["claimed", "done", "done"]
