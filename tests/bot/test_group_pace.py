"""Replies booked in the shared pace by the group's own transaction (several processes
sending): no booking round trip after the commit; the sender keeps the booked moments."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select
from telegram import Bot

from bot.app import Runtime
from core.ratings.rater_keys import pseudonym
from handlers.context import Outgoing
from scheduler.limits import Limits
from scheduler.sender import SENT, Sender
from scheduler.shared_limits import Ask, SharedPace
from storage import migrate
from storage.db import Database
from storage.tables import Pace
from tests.auxil.factories import make_message, make_user, message_update, private
from tests.auxil.offline import OfflineRequest
from tests.conftest import Harness, make_settings

pytestmark = pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
async def paced(db_url: str) -> AsyncIterator[Harness]:
    """A bot pacing through the database, as every process on PostgreSQL does."""
    database = Database(db_url)
    migrate.upgrade(database)
    offline = OfflineRequest()
    async with Runtime(make_settings(db_url), database, request=offline, shared=True
                       ) as runtime:
        yield Harness(runtime, offline)
    database.dispose()


async def _bot(request: OfflineRequest) -> Bot:
    bot = Bot("123456:TESTTOKEN-abcdefghij", request=request, get_updates_request=request)
    await bot.initialize()
    return bot


def _keys(db: Database) -> set[str]:
    with db.session(write=False) as s:
        return set(s.exec(select(Pace.key)).all())


async def test_a_groups_replies_are_booked_with_its_commit(paced: Harness, monkeypatch) -> None:
    pace = paced.runtime.sender.shared
    assert pace is not None
    trips: list[int] = []
    reserve_all = pace.reserve_all
    monkeypatch.setattr(pace, "reserve_all", lambda asked: trips.append(len(asked))
                        or reserve_all(asked))
    users = [make_user(700 + n, f"用户{n}") for n in range(3)]
    await paced.feed(*[message_update(make_message(private(u), u, "/whoami")) for u in users])
    assert all(paced.texts(u.id) for u in users)
    secret = paced.runtime.settings.frontline_secret
    assert _keys(paced.db) == {f"person:{pseudonym(secret, u.id)}" for u in users}
    assert trips == []  # no round trip of their own after the commit


async def test_a_booking_in_a_transaction_that_does_not_commit_is_undone(db: Database) -> None:
    pace = SharedPace(db, pseudonym=lambda chat: chat)
    with pytest.raises(RuntimeError), db.session() as session:
        assert pace.reserve_in(session, [Ask(5, bulk=False)]) == [0.0]
        raise RuntimeError("the group failed")
    assert _keys(db) == set()
    assert pace.reserve_all([Ask(5, bulk=False)]) == [0.0]  # nothing was booked for chat 5


async def test_the_sender_keeps_a_booked_moment_and_books_a_retry_anew(db: Database) -> None:
    request = OfflineRequest()
    request.fail("sendMessage", 429, "Too Many Requests: retry after 2",
                 parameters={"retry_after": 2})
    bot = await _bot(request)
    clock = [1_000_000.0]
    pace = SharedPace(db, pseudonym=lambda chat: chat, clock=lambda: clock[0])
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    sender = Sender(bot, limits=Limits(chat_gap=0), sleep=sleep, shared=pace)
    result = await sender.call("send_message", {"chat_id": 5, "text": "hi"}, 5, reply=True,
                               paced_at=clock[0] + 0.5)
    assert result.status == SENT and len(request.sent()) == 1
    # waited for its booked moment, then the 429's 2 s; the retry was booked in the database
    assert waits[:2] == [0.5, 2.0] and _keys(db) == {"person:5"}


async def test_a_booked_send_keeps_this_processs_own_gap_to_the_chat(db: Database) -> None:
    request = OfflineRequest()
    bot = await _bot(request)
    pace = SharedPace(db, pseudonym=lambda chat: chat)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    sender = Sender(bot, limits=Limits(chat_gap=1.0), sleep=sleep, shared=pace)
    now = pace.clock()
    sender.submit([Outgoing("send_message", {"chat_id": 5, "text": f"第{n}条"}, chat_id=5,
                            paced_at=now) for n in range(2)])
    await sender.drain(timeout=5)
    assert [c.params["text"] for c in request.sent()] == ["第0条", "第1条"]
    assert len(waits) == 1 and 0.9 < waits[0] <= 1.0  # the first at once; no bunching after
