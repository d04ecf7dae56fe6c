"""The engine and the one session scope: the only place a transaction is committed."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, create_engine

from storage import held_reports

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 15_000


def _sqlite_setup(engine: Engine) -> None:
    """WAL, busy timeout, and BEGIN IMMEDIATE for writers (the pysqlite recipe)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # let SQLAlchemy's "begin" event emit BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _count_writes(engine: Engine) -> None:
    """Count each connection's writes (and the tables they touch) and its failed statements:
    a group of updates sharing one transaction reads them to know what an update changed.
    An INSERT, UPDATE or DELETE that changed no row (a replay, a stale button) wrote nothing."""

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, _params, context, _many) -> None:  # type: ignore[no-untyped-def]
        if context is None:
            return
        if cursor.rowcount == 0 and "RETURNING" not in statement.upper():
            return  # changed nothing (with RETURNING, SQLite counts rows only once fetched)
        if context.isinsert or context.isupdate or context.isdelete:
            table = getattr(context.compiled.statement, "table", None)
            names: tuple = (getattr(table, "name", None),)
        elif (declared := context.execution_options.get("writes_to")) is not None:
            names = declared  # a statement that writes through a CTE names its tables
        elif statement.lstrip()[:9].upper().startswith(_READS):
            return
        else:
            names = (None,)  # plain SQL that may write: assume it touched anything
        info = conn.info
        info["writes"] = info.get("writes", 0) + 1
        if any(name is None or name in WATCHED for name in names):
            info["watched_writes"] = info.get("watched_writes", 0) + 1

    @event.listens_for(engine, "handle_error")
    def _failed(context) -> None:  # type: ignore[no-untyped-def]
        if context.connection is not None:
            info = context.connection.info
            info["failures"] = info.get("failures", 0) + 1


PING_IDLE = 10.0  # seconds: a pooled connection unused this long is checked before it is lent


def _ping_when_idle(engine: Engine) -> None:
    """pool_pre_ping for connections idle over PING_IDLE only: a busy worker lends its pooled
    connections thousands of times a second, and each ping is a round trip. A connection
    that died while in use fails its next statement once; SQLAlchemy then renews the pool."""

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _used(_dbapi_conn, record) -> None:  # type: ignore[no-untyped-def]
        record.info["used_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn, record, _proxy) -> None:  # type: ignore[no-untyped-def]
        if time.monotonic() - record.info.get("used_at", 0.0) <= PING_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:  # gone: the pool connects afresh
            raise DisconnectionError from exc


_READS = ("SELECT", "BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "PRAGMA", "COMMIT")
# the tables whose reads a group of updates may share (storage.memo): who people are, where
# chats belong; any write to one of them (or an unknown write) drops the shared reads
WATCHED = frozenset({"person", "membership", "examiner_project", "chat", "project", "domain"})


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Build an engine; SQLite files get their folder created and the WAL recipe."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo,
                               connect_args={"check_same_thread": False,
                                             "timeout": BUSY_TIMEOUT_MS / 1000})
        _sqlite_setup(engine)
        _count_writes(engine)
        held_reports.install(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    engine = create_engine(url, echo=echo)
    _ping_when_idle(engine)
    _count_writes(engine)
    held_reports.install(engine)
    return engine


class Database:
    """An engine and the session scope over it; build one per process, at start."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._writer = (self.engine.execution_options(sqlite_begin="IMMEDIATE")
                        if self.is_sqlite else self.engine)

    @property
    def safe_url(self) -> str:
        """The URL with its password hidden, fit for logs."""
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """One unit of work: commit at the end, roll back on error. Reads take no write lock."""
        with Session(self._writer if write else self.engine, expire_on_commit=False) as session:
            try:
                yield session
                if write:
                    session.commit()  # a read session just closes: its objects stay loaded
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()
