"""Dashboard fixtures: the demo district, the dashboard's ASGI app, signed launches."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from bot.dashboard import web_app
from bot.demo import ADMIN, CADRES, EXAMINER, TG_BASE, seed
from bot.settings import Settings
from storage import migrate
from storage.db import Database
from tests.auxil.launch import sign_launch
from tests.conftest import make_settings

TOKEN = "123456:TESTTOKEN-abcdefghij"  # make_settings's
URL = "https://dash.example.org/dashboard"
EXAMINER_TG, ADMIN_TG = EXAMINER[2], ADMIN[2]
CADRE_TG = TG_BASE + 1  # the demo's first cadre
CADRE_NAME = CADRES[0][0]


@pytest.fixture
def demo(tmp_path) -> Iterator[Database]:
    """The `frontline demo` district on SQLite."""
    database = Database(f"sqlite:///{tmp_path}/demo.db")
    migrate.upgrade(database)
    with database.session() as session:
        seed(session, tz=ZoneInfo("Asia/Shanghai"))
    yield database
    database.dispose()


@pytest.fixture
def settings(demo: Database) -> Settings:
    return make_settings(demo.url, frontline_webapp_url=URL)


@pytest.fixture
def client(settings: Settings, demo: Database) -> Iterator[TestClient]:
    with TestClient(web_app(settings, demo), base_url="https://dash.example.org") as found:
        yield found


def launch(user: int = EXAMINER_TG, token: str = TOKEN, **kw: object) -> dict[str, str]:
    """The Authorization header of a launch signed as Telegram signs it."""
    return {"Authorization": "tma " + sign_launch(token, user, **kw)}  # type: ignore[arg-type]
