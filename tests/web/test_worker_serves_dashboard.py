"""Every webhook worker serves the dashboard beside the webhook (SPEC §9, §12): one app."""

from __future__ import annotations

from starlette.testclient import TestClient

from bot.app import Runtime
from bot.webhook import _dashboard_routes
from storage.db import Database
from tests.auxil.offline import OfflineRequest
from tests.conftest import make_settings
from tests.web.conftest import URL, launch
from web.app import create_app

HOOK = "https://bot.example.org/tg/hook"


def _app(demo: Database, **settings: str) -> TestClient:
    found = make_settings(demo.url, frontline_webhook_url=HOOK, **settings)
    runtime = Runtime(found, demo, request=OfflineRequest())
    routes = _dashboard_routes(found, demo, runtime)
    return TestClient(create_app(runtime, routes=routes), base_url="https://dash.example.org")


def test_a_worker_serves_the_board_beside_the_webhook(demo) -> None:  # type: ignore[no-untyped-def]
    client = _app(demo, frontline_webapp_url=URL)
    assert client.get("/healthz").status_code == 200
    assert client.post("/tg/hook", content=b"{}").status_code == 403  # the webhook is there
    board = client.get("/dashboard/api/board", headers=launch())
    assert board.status_code == 200 and board.json()["rows"]
    assert client.get("/dashboard").status_code == 200


def test_without_the_url_a_worker_serves_no_dashboard(demo) -> None:  # type: ignore[no-untyped-def]
    client = _app(demo)
    assert client.get("/dashboard/api/board", headers=launch()).status_code == 404
