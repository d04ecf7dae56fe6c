"""A chat's turn (PostgreSQL, webhook workers): a fresh group processes new updates only while
it holds their chats' turns and nothing of theirs waits; claims pass a chat in its turn by."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage import inbox as q
from storage.db import Database
from storage.tables import utcnow

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


def store(db: Database, rows: list[tuple[int, int | None]]) -> None:
    with db.session() as s:
        q.add(s, rows=[{"update_id": u, "chat_id": c, "payload": f"p{u}"} for u, c in rows])


def turns(db: Database, update_ids: list[int], chat_ids: list[int]) -> bool:
    with db.session() as s:
        return q.take_turns(s, update_ids=update_ids, chat_ids=chat_ids)


def claim(db: Database, holder: str) -> list[int]:
    now = utcnow()
    with db.session() as s:
        return [u for u, _ in q.claim(s, holder=holder, now=now, until=now + timedelta(
            seconds=15), limit=10, max_attempts=3)]


def test_new_updates_of_free_chats_may_go_at_once(db: Database) -> None:
    assert turns(db, [1, 2], [-1, -2])
    assert turns(db, [3], [])  # chat-less: no turn to take


def test_an_update_stored_before_or_a_chat_with_an_open_row_goes_through_the_inbox(
        db: Database) -> None:
    store(db, [(1, -1)])
    assert not turns(db, [1], [-9])  # a replay
    assert not turns(db, [2], [-1])  # update 1 of chat -1 waits: 2 may not pass it
    assert turns(db, [2], [-2])
    with db.session() as s:
        q.mark_done(s, update_id=1)
    assert turns(db, [2], [-1])  # the chat's open rows are all done


def test_a_chat_in_another_transactions_turn_is_neither_taken_nor_claimed(db: Database) -> None:
    store(db, [(5, -1), (6, -2)])
    with db.session() as s:
        q.mark_done(s, update_id=5)
    store(db, [(7, -1)])
    with db.session() as holding:  # a fresh group of chat -1 in progress on another worker
        holding.connection().exec_driver_sql(
            f"SELECT pg_advisory_xact_lock({q.TURNS}, hashint8(-1::bigint))")
        assert not turns(db, [8], [-1])
        assert claim(db, "b") == [6]  # chat -1's row waits for the end of the turn
    assert claim(db, "b") == [7]


def test_a_claim_holds_the_turn_only_while_it_claims(db: Database) -> None:
    store(db, [(1, -1)])
    assert claim(db, "a") == [1]
    assert not turns(db, [2], [-1])  # the claimed row is open: 2 waits behind it
    with db.session() as s:
        q.mark_done(s, update_id=1, holder="a")
    assert turns(db, [2], [-1])
