"""Shared fixtures: settings, databases (SQLite and PostgreSQL), and the bot harness."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import create_engine, text

from bot.app import Runtime
from bot.settings import Settings
from scheduler.limits import Limits
from storage import migrate
from storage.db import Database
from tests.auxil.offline import OfflineRequest

ADMIN_ID = 1001
PG_URL = os.environ.get("FRONTLINE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}"


_PG_MISSING = _pg_available()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test (skipped where PostgreSQL is absent, not in CI)."""
    if _PG_MISSING:
        if IN_CI:
            pytest.fail(f"CI=true but {_PG_MISSING}")
        pytest.skip(_PG_MISSING)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """Every storage test runs on both databases."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/frontline.db"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    migrate.upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path}/frontline.db")
    migrate.upgrade(database)
    yield database
    database.dispose()


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "telegram_bot_token": "123456:TESTTOKEN-abcdefghij",
        "frontline_secret": "test-secret-0123456789abcdef",
        "frontline_admins": frozenset({ADMIN_ID}),
        "database_url": database_url,
        "telegram_api_base_url": "http://127.0.0.1:9",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class Harness:
    """The real Application behind the inbox, talking to an offline Bot API."""

    def __init__(self, runtime: Runtime, request: OfflineRequest) -> None:
        self.runtime, self.request = runtime, request
        self.db = runtime.db
        self.presses: list[str] = []  # every callback query fed, by id

    async def feed(self, *updates) -> None:  # type: ignore[no-untyped-def]
        """Deliver updates as polling would: commit to the inbox, process, send replies."""
        self.presses += [u.callback_query.id for u in updates
                         if getattr(u, "callback_query", None) is not None]
        await self.runtime.inbox.take(list(updates))
        await self.runtime.settle()

    def texts(self, chat_id: int | None = None) -> list[str]:
        return self.request.texts(chat_id)

    def check_presses(self) -> None:
        """SPEC §11: every button press the bot received was answered, exactly once."""
        answers = self.request.answers
        assert {q: answers.get(q, 0) for q in self.presses} == dict.fromkeys(self.presses, 1)

    def last(self, chat_id: int | None = None) -> str:
        texts = self.texts(chat_id)
        assert texts, f"the bot said nothing; calls: {[c.method for c in self.request.calls]}"
        return texts[-1]


@pytest.fixture
async def harness(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[Harness]:
    """A bot on SQLite (or `db_url` when a test parametrizes it)."""
    url = request.getfixturevalue("db_url") if "db_url" in request.fixturenames \
        else f"sqlite:///{tmp_path}/frontline.db"
    settings = make_settings(url)
    database = Database(url)
    migrate.upgrade(database)
    offline = OfflineRequest()
    # paced in memory, without the 1 s per chat (the shared pace has tests of its own)
    async with Runtime(settings, database, request=offline, shared=False) as runtime:
        runtime.sender.limits = Limits(chat_gap=0.0)
        harness = Harness(runtime, offline)
        yield harness
    database.dispose()
    harness.check_presses()
