"""The shared send pace (SQLite and PostgreSQL): every worker books through the database."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.app import Runtime, scheduler_runtime
from core.ratings.rater_keys import pseudonym
from handlers.context import Outgoing
from scheduler.shared_limits import PRUNE_AFTER, Ask, SharedPace, _earliest, prune
from storage import migrate, pacing
from storage.db import Database
from storage.tables import Delivery, Pace
from tests.auxil.offline import OfflineRequest
from tests.auxil.runners import make_runner
from tests.conftest import make_settings


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def paces(db: Database, n: int = 3) -> tuple[list[SharedPace], Clock]:
    clock = Clock()
    return [SharedPace(db, pseudonym=_pseudonym, clock=clock, margin=0.0) for _ in range(n)
            ], clock


def _pseudonym(chat_id: int) -> int:
    return pseudonym("test-secret", chat_id)


def _person(chat_id: int, secret: str = "test-secret") -> str:
    """A private chat's pace row: keyed by its pseudonym, never its id."""
    return f"person:{pseudonym(secret, chat_id)}"


def test_the_ledger_stays_within_30_per_second_across_workers(db: Database) -> None:
    workers, _clock = paces(db)
    waits = [workers[i % 3].reserve(1000 + i, bulk=True) for i in range(90)]
    assert waits[:30] == [0.0] * 30
    assert all(0.99 < w <= 1.0 for w in waits[30:60])
    assert all(1.99 < w <= 2.0 for w in waits[60:])


def test_replies_are_not_held_to_the_bots_30_per_second(db: Database) -> None:
    workers, _clock = paces(db)
    assert [workers[i % 3].reserve(1000 + i, bulk=False) for i in range(60)] == [0.0] * 60


def test_one_chat_gets_one_message_a_second_whichever_worker_sends(db: Database) -> None:
    workers, _clock = paces(db)
    assert [w.reserve(42, bulk=False) for w in workers] == [0.0, 1.0, 2.0]


def test_a_group_gets_20_a_minute_and_acknowledgements_over_it_are_dropped(db: Database) -> None:
    workers, clock = paces(db)
    for n in range(20):
        clock.now = 1_000_000.0 + 1.5 * n  # spaced past the per-chat second
        assert workers[n % 3].reserve(-100, bulk=False) == 0.0
    clock.now += 1.5
    assert workers[0].reserve(-100, bulk=False, droppable=True) is None
    # Not droppable: booked when the window's first send leaves it (1,000,000 + 60).
    assert workers[1].reserve(-100, bulk=False) == pytest.approx(30.0)
    clock.now += 61
    assert workers[2].reserve(-100, bulk=False, droppable=True) == 0.0
    assert workers[0].reserve(-100, bulk=False, droppable=True) == 1.0  # full no more


def test_earliest_finds_the_first_free_moment_among_future_bookings() -> None:
    booked = [10.0, 10.2, 12.0]
    assert _earliest(booked, 9.0, count=2, window=1.0) == 9.0
    assert _earliest(booked, 10.1, count=2, window=1.0) == 11.0
    assert _earliest(booked, 11.5, count=2, window=1.0) == 11.5


def _keys(db: Database) -> set[str]:
    with db.session(write=False) as session:
        return set(session.exec(select(Pace.key)).all())


def test_the_pace_of_chats_gone_quiet_is_forgotten(db: Database) -> None:
    (worker,), clock = paces(db, 1)
    worker.reserve(1, bulk=True)
    clock.now += 300
    worker.reserve(2, bulk=False)
    with db.session() as session:
        assert pacing.prune(session, before=clock.now - 200, page=1) == 2  # bot, user 1
    assert _keys(db) == {_person(2)}
    assert prune(db, now=clock.now + PRUNE_AFTER + 1) == 1
    assert _keys(db) == set()
    assert worker.reserve(2, bulk=True) == 0.0  # booked afresh
    assert _keys(db) == {"bot", _person(2)}


async def test_the_scheduler_prunes_the_pace_in_its_hourly_sweep(db: Database) -> None:
    with db.session() as session:
        session.add(Pace(key="chat:7", times=f"{time.time() - PRUNE_AFTER - 60:.3f}"))
        session.add(Pace(key="chat:8", times=f"{time.time():.3f}"))
    runner = await make_runner(db, OfflineRequest())
    await runner.run(datetime.now(UTC), jobs=())
    assert _keys(db) == {"chat:8"}


@pytest.mark.postgres
async def test_frontline_scheduler_paces_its_sends_with_the_workers(pg_url: str) -> None:
    """On PostgreSQL `frontline scheduler` books its sends in the shared pace (SPEC §9)."""
    db = Database(pg_url)
    migrate.upgrade(db)
    now = datetime.now(UTC)
    with db.session() as session:
        session.add(Delivery(job="order-notice", target="person:5", period_key="k", chat_id=5,
                             due_at=now, payload=json.dumps({"text": "通知"})))
    request = OfflineRequest()
    async with scheduler_runtime(make_settings(pg_url), db, request=request) as runtime:
        await runtime.runner.flush(now)
    assert request.texts(5) == ["通知"]
    assert _keys(db) == {"bot", _person(5, runtime.settings.frontline_secret)}
    db.dispose()


def test_sends_booked_in_one_round_trip_keep_every_limit(db: Database) -> None:
    (worker,), _clock = paces(db, 1)
    asked = [Ask(1000 + n, bulk=True) for n in range(40)] + [Ask(7, False), Ask(7, False)]
    waits = worker.reserve_all(asked)
    assert waits[:30] == [0.0] * 30 and all(0.99 < w <= 1.0 for w in waits[30:40])
    assert waits[40:] == [0.0, 1.0]  # one chat: a second apart, within one batch too
    assert worker.reserve(1999, bulk=True) == pytest.approx(1.0)  # the batch was recorded


async def test_sends_asked_for_together_share_a_round_trip(db: Database) -> None:
    (worker,), _clock = paces(db, 1)
    trips: list[int] = []
    reserve_all = worker.reserve_all

    def counted(asked: list[Ask]) -> list[float | None]:
        trips.append(len(asked))
        return reserve_all(asked)

    worker.reserve_all = counted  # type: ignore[method-assign]
    waits = await asyncio.gather(*(worker.book(2000 + n, bulk=True) for n in range(31)))
    assert waits[:30] == [0.0] * 30 and 0.99 < waits[30] <= 1.0  # type: ignore[operator]
    assert trips == [31]


def test_a_private_chat_is_paced_under_its_pseudonym_never_its_id(db: Database) -> None:
    """A private chat's id is a person's, perhaps a rater's (SPEC §6): no plain trace."""
    workers, _clock = paces(db, 2)
    rater = 7_123_456_789
    assert [w.reserve(rater, bulk=False) for w in workers] == [0.0, 1.0]  # still 1/s
    with db.session(write=False) as session:
        stored = session.exec(select(Pace.key, Pace.times)).all()
    assert stored and not any(str(rater) in f"{key} {times}" for key, times in stored)
    assert {key for key, _times in stored} == {_person(rater)}


@pytest.mark.postgres
async def test_frontline_run_paces_its_replies_with_every_other_process(pg_url: str) -> None:
    """`frontline run` on PostgreSQL may have a `frontline scheduler` or `frontline jobs run`
    beside it: its replies book the shared pace too, so a chat gets ≈1/s from all of them."""
    db = Database(pg_url)
    migrate.upgrade(db)
    request = OfflineRequest()
    async with Runtime(make_settings(pg_url), db, request=request) as runtime:
        runtime.sender.submit([Outgoing("send_message", {"chat_id": 5, "text": "回复"},
                                        chat_id=5)])
        await runtime.settle(timeout=5)
    assert request.texts(5) == ["回复"]
    assert _keys(db) == {_person(5, runtime.settings.frontline_secret)}
    db.dispose()


async def test_frontline_run_on_sqlite_paces_in_memory(tmp_path) -> None:
    """SQLite is one process: its sends are paced in memory, no pace rows written."""
    url = f"sqlite:///{tmp_path / 'one.db'}"
    db = Database(url)
    migrate.upgrade(db)
    async with Runtime(make_settings(url), db, request=OfflineRequest()) as runtime:
        runtime.sender.submit([Outgoing("send_message", {"chat_id": 5, "text": "回复"},
                                        chat_id=5)])
        await runtime.settle(timeout=5)
    assert runtime.sender.shared is None and _keys(db) == set()
    db.dispose()
