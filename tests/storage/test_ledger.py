"""The Delivery ledger and the scheduler lease, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from storage import deliveries as deliveries_q
from storage.db import Database
from storage.tables import utcnow

ROW = {"job": "weekly-prompt", "target": "chat:-1#1", "period_key": "2026-W47", "chat_id": -1}
KEY = {k: ROW[k] for k in ("job", "target", "period_key")}


def _claim(db: Database, holder: str, now, minutes: int = 5):
    with db.session() as s:
        return deliveries_q.claim(s, **KEY, holder=holder, until=now + timedelta(minutes=minutes), now=now)


def test_planning_twice_keeps_one_row(db: Database) -> None:
    with db.session() as s:
        assert deliveries_q.plan(s, rows=[ROW]) == 1
        assert deliveries_q.plan(s, rows=[ROW]) == 0
        assert deliveries_q.counts(s) == {"pending": 1}


def test_a_claim_is_exclusive_until_it_expires(db: Database) -> None:
    now = utcnow()
    with db.session() as s:
        deliveries_q.plan(s, rows=[ROW])
    assert _claim(db, "a", now) is not None
    assert _claim(db, "b", now + timedelta(minutes=1)) is None
    assert _claim(db, "b", now + timedelta(minutes=6)) is not None  # a died: taken over


def test_a_finished_delivery_is_never_claimed_again(db: Database) -> None:
    now = utcnow()
    with db.session() as s:
        deliveries_q.plan(s, rows=[ROW])
    delivery_id = _claim(db, "a", now)
    with db.session() as s:
        deliveries_q.finish(s, delivery_id=delivery_id, status="sent")
    assert _claim(db, "b", now + timedelta(days=1)) is None
    with db.session(write=False) as s:
        assert deliveries_q.status_of(s, **KEY) == "sent"


def test_a_claim_lapsed_before_its_send_began_is_taken_over_and_sent(db: Database) -> None:
    now = utcnow()
    with db.session() as s:
        deliveries_q.plan(s, rows=[ROW])
    first = _claim(db, "a", now)
    later = now + timedelta(minutes=6)
    second = _claim(db, "b", later)
    assert second == first
    with db.session() as s:  # a's request never left: it may not start it now
        assert not deliveries_q.begin_send(s, delivery_id=first, holder="a")
        assert deliveries_q.begin_send(s, delivery_id=second, holder="b")


def test_a_send_begun_by_a_dead_holder_is_uncertain_never_resent(db: Database) -> None:
    now = utcnow()
    with db.session() as s:
        deliveries_q.plan(s, rows=[ROW])
    delivery_id = _claim(db, "a", now)
    with db.session() as s:
        assert deliveries_q.begin_send(s, delivery_id=delivery_id, holder="a")
    later = now + timedelta(minutes=6)
    with db.session() as s:
        assert [r.id for r in deliveries_q.due(s, now=later)] == []  # no payload: not listed
        assert not deliveries_q.abandon(s, **KEY, now=now)  # a still within its claim
    assert _claim(db, "b", later) is None
    with db.session() as s:
        assert deliveries_q.abandon(s, **KEY, now=later)
        assert not deliveries_q.abandon(s, **KEY, now=later)
    with db.session(write=False) as s:
        assert deliveries_q.status_of(s, **KEY) == "uncertain"
    assert _claim(db, "c", later + timedelta(days=1)) is None


def test_pending_deliveries_follow_a_migrated_chat(db: Database) -> None:
    with db.session() as s:
        deliveries_q.plan(s, rows=[ROW])
        deliveries_q.move_chat(s, old_id=-1, new_id=-1001)
    with db.session(write=False) as s:
        from sqlmodel import select

        from storage.tables import Delivery
        assert s.exec(select(Delivery.chat_id)).one() == -1001


def test_one_lease_holder_at_a_time_and_takeover_after_expiry(db: Database) -> None:
    now = utcnow()
    ttl = timedelta(seconds=30)
    with db.session() as s:
        assert deliveries_q.hold_lease(s, name="scheduler", holder="a", now=now, until=now + ttl)
    with db.session() as s:
        assert not deliveries_q.hold_lease(s, name="scheduler", holder="b", now=now, until=now + ttl)
    with db.session() as s:  # a renews
        assert deliveries_q.hold_lease(s, name="scheduler", holder="a", now=now + ttl / 2,
                            until=now + ttl * 1.5)
    later = now + ttl * 2
    with db.session() as s:  # a stopped renewing: b takes over
        assert deliveries_q.hold_lease(s, name="scheduler", holder="b", now=later, until=later + ttl)
    with db.session() as s:
        assert not deliveries_q.hold_lease(s, name="scheduler", holder="a", now=later, until=later + ttl)


def test_released_lease_is_free_at_once(db: Database) -> None:
    now = utcnow()
    with db.session() as s:
        deliveries_q.hold_lease(s, name="scheduler", holder="a", now=now, until=now + timedelta(hours=1))
        deliveries_q.release_lease(s, name="scheduler", holder="a")
    with db.session() as s:
        assert deliveries_q.hold_lease(s, name="scheduler", holder="b", now=utcnow() + timedelta(seconds=1),
                            until=now + timedelta(hours=1))


def test_only_one_scheduler_leads_and_a_standby_takes_over(db: Database) -> None:
    import time

    from scheduler.loop import Leader

    first, second = Leader(db, "first", ttl=0.3), Leader(db, "second", ttl=0.3)
    assert first.hold() and not second.hold()
    assert first.hold()  # renewing keeps it
    time.sleep(0.4)  # the first stops renewing (died)
    assert second.hold() and not first.hold()
    second.release()
    assert first.hold()
