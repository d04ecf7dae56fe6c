"""The one ASGI app: Starlette with health checks, the webhook (in webhook workers) and the
routes other parts give it (the dashboard)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from web import health, webhook
from web.runtime import Runtime


def create_app(runtime: Runtime | None = None, *, routes: Sequence[BaseRoute] = ()
               ) -> Starlette:
    """With a runtime: health checks and the webhook at its URL's path (when set); then `routes`."""
    served = list(routes)
    if runtime is not None:
        served = [*health.routes(), *webhook.routes(runtime), *served]
    app = Starlette(routes=served)
    app.state.runtime = runtime
    return app
