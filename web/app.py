"""The one ASGI app: Starlette with the routes its parts give it."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.routing import BaseRoute


def create_app(*, routes: Sequence[BaseRoute] = ()) -> Starlette:
    """A Starlette app serving these routes (webhook, health, dashboard)."""
    return Starlette(routes=list(routes))
