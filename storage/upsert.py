"""INSERT … ON CONFLICT DO NOTHING for SQLite and PostgreSQL alike."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


@cache
def _insert_ignore(table: Any, dialect_name: str) -> Any:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return (dialect.insert(table)  # type: ignore[attr-defined]
            .on_conflict_do_nothing().execution_options(preserve_rowcount=True))


def insert_ignore(session: Session, model: type, rows: list[dict[str, Any]]) -> int:
    """Insert rows, skipping those that hit a unique key; returns how many were new.

    One statement with every row's VALUES (one round trip), in chunks that stay inside
    SQLite's limit on parameters.
    """
    if not rows:
        return 0
    session.flush()  # as the ORM statement did: pending objects go first
    connection = session.connection()
    stmt = _insert_ignore(model.__table__, connection.dialect.name)  # type: ignore[attr-defined]
    if any(row.keys() != rows[0].keys() for row in rows):  # VALUES rows must name the same columns
        return connection.execute(stmt, rows).rowcount or 0
    step = max(1, _MAX_PARAMETERS // len(rows[0]))
    return sum(connection.execute(stmt.values(rows[i:i + step])).rowcount or 0
               for i in range(0, len(rows), step))


_MAX_PARAMETERS = 30_000  # SQLite allows 32,766 bound parameters a statement


@cache
def _insert_new(table: Any, dialect_name: str) -> Any:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return (dialect.insert(table)  # type: ignore[attr-defined]
            .on_conflict_do_nothing().returning(table.c.id))


def insert_new(session: Session, model: type, values: dict[str, Any]) -> int | None:
    """Insert one row unless a unique key holds it already; its id, or None (a replay).

    A Core statement on the table, built once: this is the hot path of every report.
    """
    connection = session.connection()
    stmt = _insert_new(model.__table__, connection.dialect.name)  # type: ignore[attr-defined]
    return connection.execute(stmt, values).scalar()
