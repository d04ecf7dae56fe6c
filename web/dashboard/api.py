"""The dashboard's JSON API: every answer read through core as the chat commands read it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.common.errors import UserError
from core.documents import cadre_page, file_requests
from core.org.people import Actor
from core.review import dashboard
from web.dashboard import views
from web.dashboard.auth import Launches, Unauthorized
from web.dashboard.deps import Deps

log = logging.getLogger(__name__)


class Api:
    """Endpoints under <base>/api; each checks the launch, then reads in a session of its own."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.launches = Launches(deps.settings.telegram_bot_token)

    def routes(self) -> list[Route]:
        """GET scopes, board, orders, cadre/<id>; POST send."""
        base = f"{self.deps.base}/api"
        return [Route(f"{base}/scopes", self.scopes), Route(f"{base}/board", self.board),
                Route(f"{base}/orders", self.orders),
                Route(f"{base}/cadre/{{person_id:int}}", self.cadre),
                Route(f"{base}/send", self.send, methods=["POST"])]

    def _line(self, key: str, **params: Any) -> str:
        """A template's one line (a refusal, a button's answer)."""
        return self.deps.pages.text(key, **params)

    async def _answer(self, request: Request, work: Callable[[Session, Actor], Any], *,
                      write: bool = False) -> JSONResponse:
        """401 for a bad launch or a non-examiner, 400 with one line for a refusal."""
        try:
            user = self.launches.user(request.headers.get("authorization"))
        except Unauthorized as exc:
            return JSONResponse({"error": self._line(exc.key)}, status_code=401)

        def run() -> Any:
            with self.deps.session(write=write) as session:
                try:
                    actor = dashboard.viewer(session, user,
                                             admins=self.deps.settings.frontline_admins)
                except UserError as exc:
                    raise Unauthorized(exc.key) from None
                return work(session, actor)

        try:
            body = await asyncio.to_thread(run)
        except Unauthorized as exc:
            return JSONResponse({"error": self._line(exc.key)}, status_code=401)
        except UserError as exc:
            return JSONResponse({"error": self._line(exc.key, **exc.params)}, status_code=400)
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    @staticmethod
    def _int(request: Request, name: str) -> int | None:
        """A query parameter as a positive integer, else None."""
        value = request.query_params.get(name, "")
        return int(value) if value.isascii() and value.isdigit() else None

    async def scopes(self, request: Request) -> JSONResponse:
        """The picker: who is looking, their domains, projects and periods."""
        def work(session: Session, actor: Actor) -> Any:
            me = {"name": actor.person.name if actor.person else actor.user.display,
                  "role": actor.role}
            return views.choices(dashboard.choices(session, actor), me)

        return await self._answer(request, work)

    async def board(self, request: Request) -> JSONResponse:
        """?scope=&period= → every cadre's composite, grade, parts and figures."""
        d = self.deps
        scope, period_id = request.query_params.get("scope"), self._int(request, "period")
        return await self._answer(request, lambda session, actor: views.board(dashboard.board(
            session, actor, scope, period_id, today=d.today(), grading=d.grading,
            tz=d.settings.tz)))

    async def orders(self, request: Request) -> JSONResponse:
        """?scope= → the orders board."""
        scope = request.query_params.get("scope")
        return await self._answer(request, lambda session, actor: views.orders(
            dashboard.order_board(session, actor, scope, today=self.deps.today())))

    async def cadre(self, request: Request) -> JSONResponse:
        """/cadre/<person id>?period= → the cadre's page."""
        d = self.deps
        person_id, period_id = request.path_params["person_id"], self._int(request, "period")
        return await self._answer(request, lambda session, actor: views.cadre(cadre_page.page(
            session, actor, person_id, period_id, today=d.today(), grading=d.grading,
            tz=d.settings.tz), d.settings.tz))

    async def send(self, request: Request) -> JSONResponse:
        """Plan the /dossier or /export files for the examiner's private chat, then flush."""
        try:
            asked = await request.json()
        except ValueError:
            asked = None
        if not isinstance(asked, dict):
            asked = {}
        kind = str(asked.get("kind", ""))
        person_id = asked.get("person") if isinstance(asked.get("person"), int) else None
        period_id = asked.get("period") if isinstance(asked.get("period"), int) else None
        scope = asked.get("scope") if isinstance(asked.get("scope"), str) else None

        def work(session: Session, actor: Actor) -> Any:
            name = file_requests.check(session, actor, kind, person_id=person_id, scope=scope,
                               period_id=period_id)
            caption = self._line(f"dashboard.{kind}_caption", name=name)
            fresh = file_requests.plan(session, actor, kind, person_id=person_id, scope=scope,
                               period_id=period_id, caption=caption, now=datetime.now(UTC))
            return {"line": self._line("dashboard.file_planned" if fresh
                                       else "dashboard.file_already", name=name)}

        answer = await self._answer(request, work, write=True)
        if answer.status_code == 200 and self.deps.kick is not None:
            self.deps.kick()  # after the commit: the ledger sends it once, rate-limited
        return answer
