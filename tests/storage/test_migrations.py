"""Alembic migrations on SQLite and PostgreSQL: the stairway, the head check, models == schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers the tables on the metadata)
from storage import migrate
from storage.db import Database
from storage.migrate import OutdatedSchema


@pytest.fixture
def empty_db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


def _tables(db: Database) -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_there_is_at_least_one_revision_and_the_last_is_head() -> None:
    revisions = migrate.revisions()
    assert revisions and revisions[-1] == migrate.head()
    assert len(set(revisions)) == len(revisions)


def test_stairway_upgrade_downgrade_upgrade_each_revision(empty_db: Database) -> None:
    revisions = migrate.revisions()
    for i, revision in enumerate(revisions):
        migrate.upgrade(empty_db, revision)
        assert migrate.current(empty_db) == revision
        previous = revisions[i - 1] if i else "base"
        migrate.downgrade(empty_db, previous)
        assert migrate.current(empty_db) == (revisions[i - 1] if i else None)
        migrate.upgrade(empty_db, revision)
        assert migrate.current(empty_db) == revision
    assert migrate.current(empty_db) == migrate.head()
    migrate.require_current(empty_db)


def test_downgrade_to_base_removes_every_table(empty_db: Database) -> None:
    migrate.upgrade(empty_db)
    assert "daily_report" in _tables(empty_db)
    migrate.downgrade(empty_db, "base")
    assert _tables(empty_db) == set()
    assert migrate.current(empty_db) is None


def test_upgrade_twice_is_harmless(empty_db: Database) -> None:
    migrate.upgrade(empty_db)
    migrate.upgrade(empty_db)
    assert migrate.current(empty_db) == migrate.head()


def test_empty_database_has_no_revision(empty_db: Database) -> None:
    assert migrate.current(empty_db) is None


def test_require_current_refuses_an_empty_database(empty_db: Database) -> None:
    with pytest.raises(OutdatedSchema, match="frontline migrate"):
        migrate.require_current(empty_db)


def test_require_current_refuses_a_database_behind_head(empty_db: Database) -> None:
    revisions = migrate.revisions()
    migrate.upgrade(empty_db)
    migrate.downgrade(empty_db, revisions[-2] if len(revisions) > 1 else "base")
    with pytest.raises(OutdatedSchema):
        migrate.require_current(empty_db)


def test_require_current_passes_after_upgrade(empty_db: Database) -> None:
    migrate.upgrade(empty_db)
    migrate.require_current(empty_db)  # no exception


def test_migrated_schema_has_every_model_table(empty_db: Database) -> None:
    migrate.upgrade(empty_db)
    assert _tables(empty_db) == set(SQLModel.metadata.tables)


def test_daily_report_has_unique_chat_and_message_id_in_the_schema(empty_db: Database) -> None:
    migrate.upgrade(empty_db)
    uniques = inspect(empty_db.engine).get_unique_constraints("daily_report")
    assert ["chat_id", "message_id"] in [u["column_names"] for u in uniques]


def test_models_and_migrations_agree(empty_db: Database) -> None:
    migrate.upgrade(empty_db)
    with empty_db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_pace_rows_keyed_by_a_private_chats_id_are_dropped(empty_db: Database) -> None:
    from sqlalchemy import text

    migrate.upgrade(empty_db, "e6a8c0d2f4b1")
    with empty_db.engine.begin() as conn:
        conn.execute(text("INSERT INTO pace (key, times) VALUES ('bot', ''), "
                          "('chat:-100', '1.0'), ('chat:7123456789', '1.0')"))
    migrate.upgrade(empty_db)
    with empty_db.engine.connect() as conn:
        keys = set(conn.execute(text("SELECT key FROM pace")).scalars())
    assert keys == {"bot", "chat:-100"}
