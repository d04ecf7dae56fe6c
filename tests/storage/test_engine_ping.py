"""PostgreSQL connections are checked before use only after PING_IDLE seconds unused: a busy
worker pays no round trip per session, and a connection the server dropped is still replaced."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from storage import db as db_module
from storage.db import Database
from tests.conftest import PG_URL


@pytest.fixture
def pg(pg_url: str) -> Iterator[Database]:
    database = Database(pg_url)
    yield database
    database.dispose()


def _backend(database: Database) -> int:
    with database.session(write=False) as s:
        return s.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _kill(pid: int) -> None:
    """The server drops a connection (a restart, an idle timeout, an operator)."""
    other = create_engine(PG_URL)
    with other.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()


def _statements(database: Database) -> list[str]:
    seen: list[str] = []
    event.listen(database.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: seen.append(statement))
    return seen


def test_a_connection_in_use_is_lent_again_without_a_ping(pg: Database) -> None:
    _backend(pg)
    seen = _statements(pg)
    for _ in range(3):
        _backend(pg)
    assert seen == ["SELECT pg_backend_pid()"] * 3  # the pre-ping would add a SELECT 1 each


def test_an_idle_connection_the_server_dropped_is_replaced(pg: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dropped = _backend(pg)
    _kill(dropped)
    monkeypatch.setattr(db_module, "PING_IDLE", 0.0)  # it has been idle long enough
    assert _backend(pg) != dropped  # checked, found gone, replaced: the caller saw nothing


def test_a_busy_connection_the_server_dropped_fails_once(pg: Database) -> None:
    dropped = _backend(pg)
    _kill(dropped)
    with pytest.raises(OperationalError):
        _backend(pg)
    assert _backend(pg) != dropped  # the pool was renewed
