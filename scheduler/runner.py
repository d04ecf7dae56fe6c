"""Due work at a moment: plan every chat's due slots into the ledger, claim, send, record."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session
from telegram import InlineKeyboardMarkup

from core.ratings import rater_contacts as contacts
from core.review import schedule
from scheduler import shared_limits
from scheduler.jobs import Planned, Texts, plan, slot_marker
from scheduler.limits import where
from scheduler.sender import FAILED, NOT_SENT, SENT, Before, Result, Sender
from scheduler.uploads import Upload
from storage import deliveries as deliveries_q
from storage import projects as projects_q
from storage.db import Database
from storage.tables import Chat, utcnow

log = logging.getLogger(__name__)

CLAIM_FOR = timedelta(minutes=5)
SWEEP_EVERY = timedelta(hours=1)
FINAL = {"sent", "failed", "unreachable", "skipped", "uncertain"}


@dataclass
class Outcome:
    """What one run did: counts by status."""

    counts: Counter = field(default_factory=Counter)

    def line(self) -> str:
        c = self.counts
        return (f"sent {c['sent']}, skipped {c['skipped']}, failed {c['failed']}"
                f" (unreachable {c['unreachable']}, uncertain {c['uncertain']},"
                f" busy elsewhere {c['busy']})")


class Runner:
    """Sends the due work of the jobs through the Delivery ledger; safe in any number of copies."""

    def __init__(self, db: Database, sender: Sender, texts: Texts, *, admins: frozenset[int],
                 secret: str = "", default_tz: str = "Asia/Shanghai",
                 files: Callable[[dict], list[tuple[str, Upload]]] | None = None,
                 holder: str | None = None, concurrency: int = 64,
                 claim_for: timedelta = CLAIM_FOR) -> None:
        self.db, self.sender, self.texts, self.admins = db, sender, texts, admins
        self.secret, self.default_tz, self.files = secret, default_tz, files
        self.holder = holder or f"runner-{uuid.uuid4().hex[:12]}"
        self.concurrency, self.claim_for = concurrency, claim_for
        self._sending: set[asyncio.Task] = set()
        self._swept_at: datetime | None = None

    async def run(self, moment: datetime, *, jobs: tuple[str, ...] = schedule.JOBS,
                  live: bool = True) -> Outcome:
        """Every due slot at `moment` (aware): sent once; missed earlier slots recorded skipped."""
        outcome = Outcome()
        chat_ids = await asyncio.to_thread(self._chat_ids)
        gate = asyncio.Semaphore(self.concurrency)

        async def one(chat_id: int, chat_jobs: tuple[str, ...]) -> None:
            async with gate:
                for job in (j for j in jobs if j in chat_jobs):
                    try:
                        await self._slot(chat_id, job, moment, live, outcome)
                    except Exception:
                        log.exception("%s for chat %s failed", job, where(chat_id))
                        outcome.counts["failed"] += 1

        await asyncio.gather(*(one(c, chat_jobs) for c, chat_jobs in chat_ids))
        if live:
            flushed = await self.flush(moment)
            outcome.counts.update(flushed.counts)
            if self._swept_at is None or moment - self._swept_at > SWEEP_EVERY:
                self._swept_at = moment
                await asyncio.to_thread(self._sweep, moment)
        return outcome

    def _sweep(self, moment: datetime) -> None:
        """Forget what raters left behind (stale flows, old counters, lapsed 回访 contacts)
        and the send pace of chats gone quiet."""
        with self.db.session() as session:
            contacts.sweep(session, now=moment)
        shared_limits.prune(self.db)  # chats not sent to lately: their pace rows

    def _chat_ids(self) -> list[tuple[int, tuple[str, ...]]]:
        """Every bound group with the jobs on its clock, and our own clock."""
        with self.db.session(write=False) as session:
            chats = [*projects_q.scheduled_chats(session), self._clock(None)]
            return [(c.id, schedule.jobs_for(c)) for c in chats]

    def _clock(self, session: Session | None, chat_id: int = schedule.DEFAULT_CLOCK
               ) -> Chat | None:
        """A group's row, or our own clock (FRONTLINE_TZ, default times) for chat id 0."""
        if chat_id == schedule.DEFAULT_CLOCK:
            return Chat(id=schedule.DEFAULT_CLOCK, title="", tz=self.default_tz)
        return session.get(Chat, chat_id) if session is not None else None

    async def _slot(self, chat_id: int, job: str, moment: datetime, live: bool,
                    outcome: Outcome) -> None:
        planned, marker = await asyncio.to_thread(self._plan, chat_id, job, moment, live, outcome)
        if marker is None:
            return
        results = [await self._deliver(p, outcome) for p in planned]
        if all(status in FINAL for status in results):
            await asyncio.to_thread(self._finish_marker, *marker)

    def _plan(self, chat_id: int, job: str, moment: datetime, live: bool, outcome: Outcome
              ) -> tuple[list[Planned], tuple[str, str, str] | None]:
        """Record a missed past slot as skipped; plan the current one unless already done."""
        with self.db.session(write=False) as session:  # most ticks find nothing to do
            chat = self._clock(session, chat_id)
            if chat is None:
                return [], None
            missed, slot = self._todo(session, chat, job, moment, live)
        if missed is None and slot is None:
            return [], None
        with self.db.session() as session:
            chat = self._clock(session, chat_id)
            if missed is not None and deliveries_q.plan(session, rows=[{
                    "job": job, "target": slot_marker(chat), "period_key": missed.period_key,
                    "chat_id": chat.id, "status": "skipped"}]):
                outcome.counts["skipped"] += 1  # missed while down, and no longer relevant
            if slot is None:
                return [], None
            marker = (job, slot_marker(chat), slot.period_key)
            planned = plan(session, chat, slot, admins=self.admins, texts=self.texts,
                           secret=self.secret, rehearsal=not live)
            deliveries_q.plan(session, rows=[{"job": p.job, "target": p.target,
                                              "period_key": p.period_key,
                                   "chat_id": p.chat_id} for p in planned]
                   + [{"job": job, "target": marker[1], "period_key": marker[2],
                       "chat_id": chat.id}])
            return planned, marker

    @staticmethod
    def _todo(session: Session, chat: Chat, job: str, moment: datetime, live: bool
              ) -> tuple[schedule.Slot | None, schedule.Slot | None]:
        """(the previous slot, if missed and unrecorded; the current slot, if due and not done).

        Only the live loop records missed slots: `jobs run --at T` must not mark a period
        skipped that the live scheduler has yet to reach. Neither sends for a slot before the
        chat was bound when live.
        """
        bound = chat.bound_at
        marker = slot_marker(chat)
        missed = schedule.previous_slot(chat, job, moment) if live else None
        if missed is not None and (
                (bound is not None and bound > missed.at)
                or deliveries_q.status_of(session, job=job, target=marker,
                                          period_key=missed.period_key)):
            missed = None
        slot = schedule.slot(chat, job, moment)
        if slot is not None and (slot.at > moment or (live and bound is not None
                                                      and bound > slot.at)
                                 or deliveries_q.status_of(session, job=job, target=marker,
                                                period_key=slot.period_key) in FINAL):
            slot = None
        return missed, slot

    async def _deliver(self, item: Planned, outcome: Outcome) -> str:
        delivery_id = await asyncio.to_thread(self._claim, item)
        if delivery_id is None:
            status = await asyncio.to_thread(self._status, item)
            outcome.counts["skipped" if status in FINAL else "busy"] += 1
            return status or "pending"
        # Once claimed, send and record as one step that a cancelled pass cannot cut in half:
        # a send whose outcome was never recorded would be sent again after the claim expires.
        task = asyncio.ensure_future(self._send(item, delivery_id, outcome))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)
        return await asyncio.shield(task)

    async def settle(self) -> None:
        """Wait for sends already under way (a stopping process records their outcome)."""
        while self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)

    async def flush(self, now: datetime | None = None) -> Outcome:
        """Send the triggered messages that are due (order notices, alerts), each once."""
        outcome = Outcome()
        while True:
            due = await asyncio.to_thread(self._due, now or utcnow())
            if not due:
                return outcome
            for item in due:
                await self._deliver(item, outcome)

    def _due(self, now: datetime) -> list[Planned]:
        with self.db.session(write=False) as session:
            rows = deliveries_q.due(session, now=now, limit=200)
        planned = []
        for row in rows:
            payload = json.loads(row.payload or "{}")
            planned.append(Planned(row.job, row.target, row.period_key, row.chat_id,
                                   payload.get("text", ""), payload.get("reply_markup"),
                                   payload.get("contact"), payload.get("document")))
        return planned

    async def _send(self, item: Planned, delivery_id: int, outcome: Outcome) -> str:
        kwargs: dict = {"chat_id": item.chat_id, "text": item.text, "parse_mode": "HTML"}
        if item.markup:
            kwargs["reply_markup"] = InlineKeyboardMarkup.de_json(item.markup, self.sender.bot)
        chat_id = item.chat_id
        if item.contact is not None:  # a rater's 回访: opened only to send, then forgotten
            chat_id = kwargs["chat_id"] = await asyncio.to_thread(self._open_contact,
                                                                  item.contact)
        begin = functools.partial(self._begin_send, delivery_id)
        if chat_id is None:
            result = Result(FAILED, error="no chat to send to")
        elif item.document is not None:
            result = await self._send_files(item, chat_id, begin)
        else:
            result = await self.sender.call("send_message", kwargs, chat_id, before=begin)
        if result.status == NOT_SENT:  # the claim went elsewhere, or the database is away
            outcome.counts["busy"] += 1
            return "pending"
        await asyncio.to_thread(self._finish, delivery_id, result.status, result.error,
                                item.contact, item.job)
        outcome.counts[result.status] += 1
        if result.status == FAILED:
            log.warning("%s to %s failed: %s", item.job, where(item.chat_id), result.error)
        return result.status

    async def _begin_send(self, delivery_id: int) -> bool:
        """Record that this claim's request may leave now; False: do not send it."""
        try:
            return await asyncio.to_thread(self._mark_sending, delivery_id)
        except Exception:
            log.exception("could not record a send's start; left for a retry")
            return False

    def _mark_sending(self, delivery_id: int) -> bool:
        with self.db.session() as session:
            return deliveries_q.begin_send(session, delivery_id=delivery_id, holder=self.holder)

    async def _send_files(self, item: Planned, chat_id: int, begin: Before) -> Result:
        """Build the files off the event loop, then send them (the text as the caption)."""
        try:
            files = await asyncio.to_thread(self.files, item.document) if self.files else []
        except Exception as exc:
            log.exception("building %s failed", item.job)
            return Result(FAILED, error=repr(exc)[:200])
        return await self.sender.send_documents(chat_id, files, item.text,
                                                self.texts.text("files.file_failed"),
                                                before=begin)

    def _claim(self, item: Planned) -> int | None:
        """Our claim on the item; None if not ours (a dead sender's begun send: uncertain)."""
        now = utcnow()
        key = {"job": item.job, "target": item.target, "period_key": item.period_key}
        with self.db.session() as session:
            delivery_id = deliveries_q.claim(session, **key, holder=self.holder,
                                             until=now + self.claim_for, now=now)
            if delivery_id is None and deliveries_q.abandon(session, **key, now=now):
                log.warning("%s to %s: its sender died mid-send; recorded uncertain, not "
                            "sent again", item.job, where(item.chat_id))
            return delivery_id

    def _status(self, item: Planned) -> str | None:
        with self.db.session(write=False) as session:
            return deliveries_q.status_of(session, job=item.job, target=item.target,
                               period_key=item.period_key)

    def _finish(self, delivery_id: int, status: str, error: str,
                contact: int | None = None, job: str = "") -> None:
        with self.db.session() as session:
            deliveries_q.finish(session, delivery_id=delivery_id, status=status, error=error,
                                job=job)
            if contact is not None:
                contacts.forget(session, contact_id=contact)

    def _open_contact(self, contact_id: int) -> int | None:
        with self.db.session(write=False) as session:
            return contacts.chat_of(session, contact_id=contact_id, secret=self.secret)

    def _finish_marker(self, job: str, target: str, period_key: str) -> None:
        with self.db.session() as session:
            delivery_id = deliveries_q.claim(session, job=job, target=target, period_key=period_key,
                                  holder=self.holder, until=utcnow(), now=utcnow())
            if delivery_id is not None:
                deliveries_q.finish(session, delivery_id=delivery_id, status=SENT)
