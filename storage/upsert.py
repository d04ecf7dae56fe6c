"""INSERT … ON CONFLICT DO NOTHING for SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def insert_ignore(session: Session, model: type, rows: list[dict[str, Any]]) -> int:
    """Insert rows, skipping those that hit a unique key; returns how many were new."""
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (dialect.insert(model).values(rows)  # type: ignore[attr-defined]
            .on_conflict_do_nothing().execution_options(preserve_rowcount=True))
    return session.execute(stmt).rowcount or 0
