"""The examiners' dashboard (SPEC §12): the page, its static files and its JSON API."""

from __future__ import annotations

from starlette.routing import BaseRoute

from web.dashboard import page
from web.dashboard.api import Api
from web.dashboard.deps import Deps


def routes(deps: Deps) -> list[BaseRoute]:
    """Every route of the dashboard, under deps.base."""
    return [*Api(deps).routes(), *page.routes(deps)]
