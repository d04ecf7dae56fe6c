"""Apply and check Alembic migrations, under a lock so two processes never race."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from storage.db import Database

if TYPE_CHECKING:  # Alembic is imported where a migration runs: `frontline run` migrates in
    from alembic.config import Config  # a child process, so the bot never holds it

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
PG_LOCK_KEY = 0x46524F4E  # "FRON"


class OutdatedSchema(Exception):
    """The database is behind the code; `frontline migrate` fixes it."""


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision the code knows."""
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def current(db: Database) -> str | None:
    """The revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def _lock(db: Database) -> Iterator[Connection]:
    """A connection holding the migration lock (advisory lock on PG, a file lock for SQLite)."""
    if db.is_sqlite:
        path = Path(db.engine.url.database or "data/frontline.db")
        lock_path = path.with_name(path.name + ".migrate.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                with db.engine.connect() as conn:
                    yield conn
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    else:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_LOCK_KEY})
            conn.commit()
            try:
                yield conn
            finally:
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
                conn.commit()


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema up to `revision`."""
    from alembic import command
    with _lock(db) as conn:
        command.upgrade(_config(conn), revision)
        conn.commit()
    log.info("schema at %s", current(db))


def downgrade(db: Database, revision: str) -> None:
    """Take the schema down to `revision` (used by the stairway test)."""
    from alembic import command
    with _lock(db) as conn:
        command.downgrade(_config(conn), revision)
        conn.commit()


def revisions() -> list[str]:
    """All revisions, oldest first."""
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def require_current(db: Database) -> None:
    """Refuse to run on an outdated schema."""
    if current(db) != head():
        raise OutdatedSchema("the database schema is outdated: run `frontline migrate` first")


def autogenerate(db: Database, message: str) -> None:
    """Write a new revision from the models (a developer's tool)."""
    from alembic import command
    with _lock(db) as conn:
        command.revision(_config(conn), message=message, autogenerate=True)
