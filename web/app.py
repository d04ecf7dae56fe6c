"""The one Starlette app every webhook worker serves; other features add their routes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from web import health, webhook

if TYPE_CHECKING:
    from bot.app import Runtime


def create_app(runtime: Runtime, *, routes: Sequence[BaseRoute] = (),
               on_stored: webhook.Stored | None = None) -> Starlette:
    """Health checks, the webhook at its URL's path (when set), then `routes` (the dashboard)."""
    app = Starlette(routes=[*health.routes(), *webhook.routes(runtime, on_stored), *routes])
    app.state.runtime = runtime
    return app
