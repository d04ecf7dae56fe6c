"""The page itself and its static files (script, style, the vendored Chart.js): all served
from the bot's own origin, with a Content-Security-Policy that allows nothing else."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from web.dashboard.deps import Deps

STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'")


def routes(deps: Deps) -> list[BaseRoute]:
    """GET <base> (the page) and <base>/static/…"""
    base = deps.base

    async def page(request: Request) -> Response:
        html = deps.pages.document("dashboard", base=base, lang=deps.settings.frontline_lang)
        return HTMLResponse(html, headers={"Content-Security-Policy": CSP,
                                           "Cache-Control": "no-cache",
                                           "Referrer-Policy": "no-referrer"})

    found: list[BaseRoute] = [Route(base or "/", page)]
    if base:
        found.append(Route(f"{base}/", page))
    found.append(Mount(f"{base}/static", StaticFiles(directory=STATIC), name="dashboard-static"))
    return found
