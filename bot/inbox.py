"""Inbox-first update handling (SPEC §10): store, confirm, then process one at a time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import anyio
from sqlmodel import Session
from telegram import Update
from telegram.ext import Application

from bot import group_commit, inbox_rows
from bot.group_commit import Group, Stored, unit
from bot.inbox_rows import SEALED
from core.common.errors import UserError
from core.org.chats import first_hint_today
from core.ratings import rater_keys as keys
from handlers.context import CURRENT, Outgoing, UpdateScope
from handlers.errors import describe
from scheduler.sender import Sender
from storage import inbox as inbox_q
from storage.db import Database
from storage.tables import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
KEEP_DONE = timedelta(hours=48)


class _Abort(Exception):
    """The handler failed: roll the update's transaction back."""


def _mark_done(session: Session, update_id: int, holder: str | None, group: Group | None
               ) -> None:
    """The update succeeded: its row is done in this transaction (a group marks all at once)."""
    if group is None:
        inbox_q.mark_done(session, update_id=update_id, holder=holder)
    else:
        group.mark_done(update_id)


class Inbox:
    """Commits updates before they are confirmed, then feeds them to the Application."""

    def __init__(self, app: Application, db: Database, sender: Sender,
                 on_planned: Callable[[], None] | None = None) -> None:
        self.app, self.db, self.sender = app, db, sender
        self.on_planned = on_planned  # triggered messages were committed: flush the ledger
        self._settled = False  # nothing waits in the inbox (known after a full pass)
        self._left_behind = False  # an attempt failed during this pass

    is_update = staticmethod(inbox_rows.is_update)  # the webhook checks a body before storing it

    @property
    def secret(self) -> str:
        return self.app.bot_data.settings.frontline_secret

    def store(self, updates: list[Update] | list[dict]) -> int:
        """Commit received updates (PTB objects, or Telegram's JSON); returns how many were new.
        Private (and chat-less) ones are sealed under a keyed chat key (bot.inbox_rows)."""
        return len(self._store(updates))

    async def commit(self, updates: list[dict]) -> int:
        """store() off the event loop (the webhook's POSTs), on anyio's own threads: never
        queued behind the sender's work in the loop's executor."""
        return await anyio.to_thread.run_sync(self.store, updates)

    def _store(self, updates: list[Update] | list[dict]) -> list[Stored]:
        """Commit received updates; the new ones, with their JSON still in hand."""
        raw = [u.to_dict() if isinstance(u, Update) else u for u in updates]
        rows = [inbox_rows.row(self.secret, u) for u in raw]
        with self.db.session() as session:
            new = set(inbox_q.add(session, rows=rows))
        return [Stored(row["update_id"], row["payload"], update)
                for row, update in zip(rows, raw, strict=True) if row["update_id"] in new]

    async def take(self, updates: list[Update] | list[dict]) -> None:
        """Commit what getUpdates returned and process it, from memory (nothing read back or
        decrypted again), before the next call confirms it.

        When nothing waits in the inbox, the batch is processed and stored as done in one
        transaction (group_commit.process_fresh). If any update of it fails or was stored
        before, nothing of that is kept: the batch is stored first, then processed as a
        group; while earlier rows wait in the inbox, it goes through the rows instead."""
        raw = [u.to_dict() if isinstance(u, Update) else u for u in updates]
        if self._settled and await self._fresh(raw):
            return
        new = self._store(raw)
        if len(new) < len(raw):  # some were stored before: perhaps left pending, go through
            self._settled = False
        if self._settled:
            self._settled = self._left_behind = False
            await group_commit.process(self, new)
            self._settled = not self._left_behind  # a failed attempt waits for the next pass
        if not self._settled:
            await self.process_pending()

    async def accept(self, updates: list[dict], *, holder: str) -> bool:
        """Webhook updates posted together: processed by worker `holder` and stored done in
        one transaction when their chats are free (PostgreSQL), True; False when nothing of
        them was kept (they are to be stored for the workers)."""
        if self.db.is_sqlite:  # writers take turns anyway: stored, then claimed by the worker
            return False
        return await self._fresh(sorted(updates, key=lambda u: u["update_id"]), holder=holder)

    async def _fresh(self, raw: list[dict], *, holder: str | None = None) -> bool:
        """Try the updates as a fresh group (group_commit.process_fresh); True if it held."""
        # rows stored done: nothing of their JSON is kept
        rows = [inbox_rows.row(self.secret, u, payload=False) for u in raw]
        fresh = [Stored(row["update_id"], row["payload"], update)
                 for row, update in zip(rows, raw, strict=True)]
        return await group_commit.process_fresh(self, fresh, rows, received=utcnow(),
                                                holder=holder)

    def opened(self, row: Stored) -> dict | None:
        """A stored update's JSON: in hand, or read from its payload (unsealed); None when it
        cannot be read (`process_one` then reads it again, and counts the failure)."""
        if row.update is not None:
            return row.update
        try:
            update = inbox_rows.opened(self.secret, row.payload)
        except Exception:
            return None
        return update if isinstance(update, dict) else None

    async def process_pending(self) -> int:
        """Process every unfinished row, oldest first; returns how many were handled."""
        handled = 0
        while True:
            with self.db.session(write=False) as session:
                rows = inbox_q.unfinished(session, limit=200, max_attempts=MAX_ATTEMPTS)
            if not rows:
                self._settled = True  # nothing left behind: polling may work from memory
                return handled
            await group_commit.process(self, [Stored(*row) for row in rows])
            handled += len(rows)

    async def process_one(self, update_id: int, payload: str, update: dict | None = None, *,
                          holder: str | None = None, group: Group | None = None) -> None:
        """Handle one update in one transaction (or its turn in the group's); its replies go
        out after the commit.

        `holder` is the webhook worker holding the row's claim (None when polling): the row
        is marked done only while that claim still holds. `update`: its JSON, when in hand.
        """
        sealed = payload.startswith(SEALED)
        update = self._read(update_id, payload, update, sealed=sealed, group=group)
        if update is None:
            return
        scope, failure = await self._handle(update, update_id, holder, group)
        if failure is not None and group is not None and group.trial and not isinstance(
                scope.error if scope and scope.error else failure, UserError):
            raise group_commit.Abandoned  # a fresh group: stored first, tried again there
        if failure is not None and not self._settle(update, update_id, scope, failure,
                                                    sealed=sealed, holder=holder, group=group):
            return
        if scope is not None:
            scope.outgoing = self._one_answer(update, scope)
        self._after_commit(scope, group)

    def _read(self, update_id: int, payload: str, given: dict | None, *, sealed: bool,
              group: Group | None) -> Update | None:
        """The stored update as PTB's object; an unreadable one counts as a failed attempt."""
        try:
            data = inbox_rows.opened(self.secret, payload) if given is None else given
            return Update.de_json(data, self.app.bot)
        except Exception as exc:
            if group is not None and group.trial:
                raise group_commit.Abandoned from exc
            log.error("update %s cannot be read: %s", update_id, describe(exc))
            self._fail(update_id, exc, sealed=sealed, group=group)
            return None

    async def _handle(self, update: Update, update_id: int, holder: str | None,
                      group: Group | None) -> tuple[UpdateScope | None, Exception | None]:
        """Run the handlers in one unit of work, committed with the row marked done (or not)."""
        scope = None
        try:
            with unit(self.db, group) as session:
                scope = UpdateScope(session=session, trial=group is not None and group.trial)
                token = CURRENT.set(scope)
                try:
                    await self.app.process_update(update)
                finally:
                    CURRENT.reset(token)
                if scope.error is not None:
                    raise _Abort
                _mark_done(session, update_id, holder, group)
        except group_commit.Broken:
            raise  # the group starts again without it
        except Exception as exc:
            return scope, exc
        return scope, None

    def _settle(self, update: Update, update_id: int, scope: UpdateScope | None,
                failure: Exception, *, sealed: bool, holder: str | None, group: Group | None
                ) -> bool:
        """Record a rolled-back attempt; True when its (possibly changed) replies still go."""
        if isinstance(failure, inbox_q.ClaimLost):
            log.warning("update %s was taken over by another worker", update_id)
            return False
        error = scope.error if scope and scope.error else failure
        if isinstance(error, UserError):  # a refusal: done, its one line is the reply
            return self._refused(update_id, scope, holder, group)
        if not isinstance(failure, _Abort):
            if sealed:  # a private chat may be a rater's: never their id in a log
                log.error("update %s failed: %s", update_id, describe(failure))
            else:
                log.error("update %s failed", update_id, exc_info=failure)
        if self._fail(update_id, error, sealed=sealed, group=group) != "dead":
            return False  # tried again on the next pass; replies wait for success
        if scope is not None:
            scope.outgoing = self._internal_error(update, scope)
        return True

    def _refused(self, update_id: int, scope: UpdateScope | None, holder: str | None,
                 group: Group | None) -> bool:
        """Mark a refused update done; a stranger's hint goes at most once a day."""
        try:
            with unit(self.db, group) as session:
                _mark_done(session, update_id, holder, group)
                if scope and scope.throttle_user and not first_hint_today(
                        session, user_id=keys.pseudonym(self.secret, scope.throttle_user),
                        today=self.app.bot_data.today()):
                    scope.outgoing = []
        except inbox_q.ClaimLost:
            return False
        return True

    def _after_commit(self, scope: UpdateScope | None, group: Group | None) -> None:
        """Queue the replies, and flush triggered messages the update planned (in a group,
        both wait for the group's one commit)."""
        if scope is None:
            return
        if group is not None:
            group.outgoing += scope.outgoing
            group.planned = group.planned or (scope.planned and scope.error is None)
            return
        if scope.outgoing:
            self.sender.submit(scope.outgoing)
        if scope.planned and scope.error is None and self.on_planned:
            self.on_planned()

    def _fail(self, update_id: int, error: BaseException | None, *, sealed: bool = False,
              group: Group | None = None) -> str:
        """Count a failed attempt; for private chats the error is kept without its message."""
        self._left_behind = True  # until it is dead, the next pass tries it again
        with unit(self.db, group) as session:
            return inbox_q.mark_failed(session, update_id=update_id,
                                 error=describe(error) if sealed else repr(error),
                                 max_attempts=MAX_ATTEMPTS)

    def _internal_error(self, update: Update, scope: UpdateScope) -> list[Outgoing]:
        """One line saying something went wrong, never a stack trace (only for commands)."""
        message = update.effective_message
        if message is None or not (message.text or "").startswith("/"):
            return []
        renderer = self.app.bot_data.renderer
        return [Outgoing("send_message", {"chat_id": message.chat_id,
                                          "text": renderer.text("errors.internal"),
                                          "parse_mode": "HTML"}, chat_id=message.chat_id)]

    def _one_answer(self, update: Update, scope: UpdateScope) -> list[Outgoing]:
        """A button press is answered exactly once (SPEC §11), whatever happened to it: the
        last answer queued wins (an error's line over a nested re-run's), a press nothing
        answered gets a silent one, a press that failed for good gets the one line."""
        query = update.callback_query
        calls = scope.outgoing
        if query is None:
            return calls
        answers = [o for o in calls if o.method == "answer_callback_query"]
        rest = [o for o in calls if o.method != "answer_callback_query"]
        if answers:
            return [answers[-1], *rest]
        kwargs: dict = {"callback_query_id": query.id}
        if scope.error is not None and not isinstance(scope.error, UserError):
            kwargs["text"] = self.app.bot_data.renderer.text("errors.internal")[:200]
        return [Outgoing("answer_callback_query", kwargs), *rest]

    def prune(self) -> int:
        with self.db.session() as session:
            return inbox_q.prune(session, before=utcnow() - KEEP_DONE)

