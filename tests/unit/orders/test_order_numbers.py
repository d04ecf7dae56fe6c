"""Order numbers ZG-<year>-<4 digits>: taken in the issuing transaction, never twice (SPEC §7).

Real concurrency: each thread has its own Database (engine, connection) and its own
transaction calling core.orders.issue, on SQLite and on PostgreSQL (the `db` fixture).
"""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, date, datetime

from sqlmodel import select

from core.orders import orders
from core.org.people import UserInfo, actor_for
from storage import orders as orders_q
from storage.db import Database
from storage.tables import (
    Domain,
    Membership,
    OrderCounter,
    Person,
    Project,
    Rectification,
    RectificationEvent,
)

EXAMINER_TG, CADRE_TG = 4001, 2001
TODAY = date(2026, 11, 20)
ISSUERS = 20
HOLD = 0.05  # each transaction keeps its number a moment before committing: real overlap


class Boom(Exception):
    """The issuing transaction fails after taking its number."""


def seed(db: Database) -> int:
    """A project, an examiner of every project and one cadre; the cadre's person id."""
    with db.session() as s:
        domain = Domain(name="项目建设")
        s.add(domain)
        s.flush()
        project = Project(domain_id=domain.id, name="城南快速路", join_token="tok")
        s.add_all([project, Person(tg_id=EXAMINER_TG, name="考察员甲", is_examiner=True)])
        cadre = Person(tg_id=CADRE_TG, name="张三", post="科员")
        s.add(cadre)
        s.flush()
        s.add(Membership(person_id=cadre.id, project_id=project.id,
                         joined_at=datetime(2026, 10, 1, tzinfo=UTC)))
        return cadre.id


def issue_one(db: Database, cadre_id: int, *, today: date = TODAY, fail: bool = False) -> str:
    """One issuing transaction; raises Boom (rolled back) after numbering when `fail`."""
    with db.session() as s:
        actor = actor_for(s, UserInfo(id=EXAMINER_TG), admins=frozenset())
        cadre = s.get(Person, cadre_id)
        assert cadre is not None
        number = orders.issue(s, actor, cadre, "管线迁改滞后", today=today).number
        time.sleep(HOLD)
        if fail:
            raise Boom(number)
    return number


def issue_concurrently(url: str, cadre_id: int, fails: set[int]) -> tuple[list[str], list[str]]:
    """ISSUERS threads, released together; (committed numbers, numbers rolled back)."""
    barrier = threading.Barrier(ISSUERS)
    committed: list[str] = []
    rolled_back: list[str] = []
    errors: list[BaseException] = []

    def run(n: int) -> None:
        db = Database(url)
        try:
            barrier.wait(timeout=30)
            committed.append(issue_one(db, cadre_id, fail=n in fails))
        except Boom as boom:
            rolled_back.append(str(boom))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(ISSUERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(committed) + len(rolled_back) == ISSUERS
    return committed, rolled_back


def stored_numbers(db: Database) -> list[str]:
    with db.session(write=False) as s:
        return sorted(s.exec(select(Rectification.number)))


def expected(count: int, year: int = 2026) -> list[str]:
    return [f"ZG-{year}-{n:04d}" for n in range(1, count + 1)]


def test_twenty_concurrent_issuers_get_twenty_different_numbers(db: Database) -> None:
    cadre_id = seed(db)
    committed, _ = issue_concurrently(db.url, cadre_id, fails=set())
    assert sorted(committed) == expected(ISSUERS)
    assert stored_numbers(db) == expected(ISSUERS)
    assert all(re.fullmatch(r"ZG-2026-\d{4}", n) for n in committed)


def test_concurrent_rollbacks_leave_committed_numbers_unique_and_gap_free(db: Database) -> None:
    cadre_id = seed(db)
    committed, rolled_back = issue_concurrently(db.url, cadre_id, fails={3, 7, 11, 15, 19})
    assert len(rolled_back) == 5
    # the counter's increment rolls back with the order, so a later issuer takes that number
    assert sorted(committed) == stored_numbers(db) == expected(ISSUERS - 5)
    with db.session(write=False) as s:
        assert s.get(OrderCounter, 2026).last == ISSUERS - 5
        assert len(s.exec(select(RectificationEvent)).all()) == ISSUERS - 5


def test_a_rolled_back_number_is_given_to_the_next_order(db: Database) -> None:
    cadre_id = seed(db)
    assert issue_one(db, cadre_id) == "ZG-2026-0001"
    try:
        issue_one(db, cadre_id, fail=True)
    except Boom as boom:
        assert str(boom) == "ZG-2026-0002"
    assert issue_one(db, cadre_id) == "ZG-2026-0002"
    assert stored_numbers(db) == expected(2)


def test_each_year_starts_again_at_one(db: Database) -> None:
    cadre_id = seed(db)
    issue_one(db, cadre_id, today=date(2026, 12, 31))
    issue_one(db, cadre_id, today=date(2026, 12, 31))
    assert issue_one(db, cadre_id, today=date(2027, 1, 1)) == "ZG-2027-0001"


def test_next_seq_alone_counts_up_inside_one_transaction(db: Database) -> None:
    with db.session() as s:
        assert [orders_q.next_seq(s, year=2030) for _ in range(3)] == [1, 2, 3]
    with db.session(write=False) as s:
        assert s.get(OrderCounter, 2030).last == 3
