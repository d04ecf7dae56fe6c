"""One user's first updates on two workers at once: one person row, no unique-key error."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlmodel import Session, func, select

from core.org import people
from storage import migrate
from storage import people as people_q
from storage.db import Database
from storage.tables import Person

USER = people.UserInfo(id=777_001, username="zhang", display="张三")


def _count(db: Database) -> int:
    with db.session(write=False) as s:
        return s.exec(select(func.count()).select_from(Person)
                      .where(Person.tg_id == USER.id)).one()


def test_a_row_added_between_the_lookup_and_the_insert_is_the_same_person(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other worker's row lands after this one looked and found nobody."""
    lookup = people_q.by_tg

    def late(session: Session, *, tg_id: int) -> Person | None:
        found = lookup(session, tg_id=tg_id)
        if found is None and not raced:
            raced.append(True)
            session.add(Person(tg_id=tg_id, username="zhang", display="张三(另一处)"))
            session.flush()  # not seen by the lookup above: there, no such person yet
        return found

    raced: list[bool] = []
    monkeypatch.setattr(people_q, "by_tg", late)
    with db.session() as s:
        person = people.ensure_person(s, USER)
        assert raced and person.display == "张三(另一处)"
    assert _count(db) == 1


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    database = Database(pg_url)
    migrate.upgrade(database)
    yield database
    database.dispose()


@pytest.mark.postgres
def test_two_workers_adding_one_user_at_once_make_one_row(pg_db: Database) -> None:
    """Two transactions both miss the lookup; the second insert waits for the first's commit,
    then adds nothing (no unique violation) and reads the committed row."""
    first_looked, second_inserted = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with pg_db.session() as s:
                assert people_q.by_tg(s, tg_id=USER.id) is None
                first_looked.wait(10)
                people.ensure_person(s, USER)
                second_inserted.set()
        except BaseException as exc:
            errors.append(exc)
            second_inserted.set()

    thread = threading.Thread(target=second)
    thread.start()
    with pg_db.session() as s:
        assert people_q.by_tg(s, tg_id=USER.id) is None
        first_looked.set()
        second_inserted.wait(10)  # it has inserted (not committed) and holds the key
        people.ensure_person(s, USER)
    thread.join(10)
    assert errors == [] and _count(pg_db) == 1
