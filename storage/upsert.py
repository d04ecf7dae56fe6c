"""INSERT … ON CONFLICT DO NOTHING for SQLite and PostgreSQL alike."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


@cache
def _insert_ignore(table: Any, dialect_name: str) -> Any:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    key = next(iter(table.primary_key.columns))
    return dialect.insert(table).on_conflict_do_nothing().returning(key)  # type: ignore[attr-defined]


def arrays(columns: dict[str, str]) -> str:
    """PostgreSQL: these columns' parameters as typed arrays, as unnest takes them (one
    statement text for any number of rows, so it is prepared once per connection)."""
    return ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in columns.items())


def insert_ignore(session: Session, model: type, rows: list[dict[str, Any]]) -> int:
    """Insert rows, skipping those that hit a unique key; returns how many were new."""
    return len(inserted(session, model, rows))


def inserted(session: Session, model: type, rows: list[dict[str, Any]]) -> list[Any]:
    """Insert rows, skipping those that hit a unique key; the primary keys of the new ones.

    One statement built once per table; with RETURNING, SQLAlchemy sends a batch as one
    INSERT of many VALUES ("insertmanyvalues"): one round trip, nothing compiled per batch.
    """
    if not rows:
        return []
    session.flush()  # as the ORM statement did: pending objects go first
    connection = session.connection()
    stmt = _insert_ignore(model.__table__, connection.dialect.name)  # type: ignore[attr-defined]
    return list(connection.execute(stmt, rows).scalars())


@cache
def _insert_new(table: Any, dialect_name: str) -> Any:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return (dialect.insert(table)  # type: ignore[attr-defined]
            .on_conflict_do_nothing().returning(table.c.id))


def insert_new(session: Session, model: type, values: dict[str, Any]) -> int | None:
    """Insert one row unless a unique key holds it already; its id, or None (a replay).

    A Core statement on the table, built once (a report outside a group, a recap).
    """
    connection = session.connection()
    stmt = _insert_new(model.__table__, connection.dialect.name)  # type: ignore[attr-defined]
    return connection.execute(stmt, values).scalar()
