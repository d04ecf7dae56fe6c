"""Webhook workers' inbox claims (SQLite and PostgreSQL): one chat at a time, in order, a
chat's waiting run taken together; lapsed claims taken over; a lost claim rolls back; a
stopping worker gives its claims back."""

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


def test_a_chats_open_updates_are_claimed_together_in_order(db: Database) -> None:
    store(db, [(3, -1), (1, -1), (2, -2), (4, -2), (5, None), (6, None)])
    assert claim(db, "a") == [1, 2, 3, 4, 5, 6]  # one worker takes each chat's run
    store(db, [(7, -1), (8, -3)])
    assert claim(db, "b") == [8]  # 7 waits behind a's live claims of its chat
    done(db, 1, "a")
    assert claim(db, "b") == []  # 3 is still a's
    done(db, 3, "a")
    assert claim(db, "b") == [7]


def test_a_chats_run_stops_at_the_limit_and_the_rest_waits_for_it(db: Database) -> None:
    store(db, [(1, -1), (2, -1), (3, -1), (4, -2)])
    assert claim(db, "a", limit=2) == [1, 2]
    assert claim(db, "b") == [4]  # chat -1's 3 waits until a's 1 and 2 are done
    done(db, 1, "a")
    done(db, 2, "a")
    assert claim(db, "b") == [3]


def test_a_run_stops_at_a_row_that_may_not_be_claimed(db: Database) -> None:
    store(db, [(1, -1), (2, -1), (3, -1)])
    with db.session() as s:  # 2: its claims lapsed as often as an update may be tried
        s.get(Inbox, 2).sqlmodel_update({"status": "claimed", "claimed_by": "gone",
                                         "attempts": 3, "claim_expires_at": utcnow()})
    assert claim(db, "b") == [1]  # 3 may not pass 2


def test_a_dead_update_no_longer_holds_its_chat_back(db: Database) -> None:
    store(db, [(1, -1), (2, -1)])
    with db.session() as s:
        q.mark_failed(s, update_id=1, error="x", max_attempts=1)
    assert claim(db, "b") == [2]


def test_claims_are_taken_in_small_batches_oldest_first(db: Database) -> None:
    store(db, [(n, -n) for n in range(1, 8)])
    assert claim(db, "a", limit=3) == [1, 2, 3]
    assert claim(db, "b", limit=3) == [4, 5, 6]
    assert claim(db, "c", limit=3) == [7]


def test_a_lapsed_claim_is_taken_over_and_counted_as_an_attempt(db: Database) -> None:
    store(db, [(1, -1), (2, -1)])
    now = utcnow()
    assert claim(db, "dead", now=now, until=now + timedelta(seconds=15)) == [1, 2]
    store(db, [(3, -1)])
    assert claim(db, "alive", now=now + timedelta(seconds=10)) == []
    assert claim(db, "alive", now=now + timedelta(seconds=16)) == [1, 2, 3]
    with db.session(write=False) as s:
        assert [(s.get(Inbox, u).claimed_by, s.get(Inbox, u).attempts) for u in (1, 2, 3)
                ] == [("alive", 1), ("alive", 1), ("alive", 0)]


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
