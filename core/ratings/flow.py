"""The rating flow in private (SPEC §6): Start → who you are → the overall level (recorded at
that third tap) → optional dimensions, a comment, 回访, 完成. State is keyed by an HMAC of the
rater; every step checks the button's nonce and step, so forged or replayed presses fail.

A step reads the flow's state (its link, the target's names, the rating so far) in one
statement and writes what it changes with one statement per table: a rater's taps load no
ORM object and leave nothing to flush.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from core.common.errors import UsageError
from core.org import periods
from core.org.people import Actor
from core.ratings import links, releases
from core.ratings import rater_keys as keys
from core.ratings.anonymity import DIMENSIONS
from core.ratings.links import Rated
from storage import people as people_q
from storage import ratings as ratings_q
from storage.tables import Person

KIND, OVERALL, FIRST_DIM, MENU, COMMENT = 1, 2, 3, 7, 8  # steps; 3–6 are the dimensions
KIND_CODES = {"e": "enterprise", "r": "resident", "o": "other"}
FLOW_FOR = timedelta(minutes=30)
ALERT_AFTER = timedelta(minutes=10)  # a 差评 alert waits for the optional steps, at most this
CONTACT_FOR = timedelta(days=60)
COMMENT_MAX = 500
BAD = 2  # overall ≤ 2 is a 差评


@dataclass(frozen=True)
class Settings:
    """What the flow needs from the bot's settings."""

    secret: str
    flood_limit: int = 20
    minimum: int = 5
    min_comments: int = 5
    admins: frozenset[int] = frozenset()


@dataclass
class RatingView:
    """The rating as the rater gave it so far (no rater in it): what the step and a 差评's
    alert show."""

    id: int
    overall: int
    service: int | None = None
    duty: int | None = None
    solving: int | None = None
    integrity: int | None = None
    comment: str | None = None


@dataclass
class Step:
    """Where the flow is now, for the handler to render: the step, its nonce, the target."""

    step: int
    nonce: str
    target: Rated
    rating: RatingView | None = None
    alert: Alert | None = None
    done: bool = False
    offer_followup: bool = False


@dataclass
class Alert:
    """A 差评 for the project's examiners: plan it, or update its text, due at `due_at`."""

    rating: RatingView
    target: Rated
    examiners: list[Person] = field(default_factory=list)
    due_at: datetime | None = None
    new: bool = False
    withdrawn: bool = False  # rated again, no longer a 差评: the pending alert is dropped


@dataclass
class _State:
    """A rater's flow as stored, with its link and the rating so far."""

    key: str
    step: int
    nonce: str
    kind: str | None
    expires_at: datetime
    link: links.Opened
    rating: RatingView | None
    period_id: int | None = None  # the open period covering today, when read with it

    @classmethod
    def of(cls, key: str, row: Mapping[str, Any]) -> _State:
        """From a row of `ratings_q.flow_state` (or a RETURNING clause with its columns)."""
        rating = None
        if row["rating_id"] is not None and row["overall"] is not None:
            rating = RatingView(row["rating_id"], row["overall"],
                                *[row[d] for d in DIMENSIONS], row["comment"])
        return cls(key, row["step"], row["nonce"], row["kind"], row["expires_at"],
                   links.Opened.of(row), rating, row.get("period_id"))


def start(session: Session, actor: Actor, token: str, *, cfg: Settings, now: datetime,
          today: date | None = None) -> Step:
    """/start r_<token>: a valid link, not the rater's own project, within the flood limit."""
    day = today or now.date()  # the bot's day, not UTC's
    link, rated_today = links.usable(session, token, now=now,
                                     flood_key=keys.flood(cfg.secret, actor.user.id, day))
    links.refuse_own_cadres(actor, link)
    if rated_today >= cfg.flood_limit:
        raise UsageError("ratings.flood", limit=cfg.flood_limit)
    nonce = secrets.token_urlsafe(6)
    ratings_q.open_flow(session, key=keys.flow(cfg.secret, actor.user.id), link_id=link.id,
                        step=KIND, nonce=nonce, expires_at=now + FLOW_FOR)
    return Step(KIND, nonce, link.rated)


def _state(session: Session, key: str, nonce: str, step: int, now: datetime, today: date
           ) -> _State:
    """The rater's flow (and the open period covering today), if this button is its current
    step's; else the button is stale."""
    row = ratings_q.flow_state(session, key=key, day=today)
    if row is None or row["nonce"] != nonce or row["expires_at"] < now or row["step"] != step:
        raise UsageError("ratings.stale")
    return _State.of(key, row)


def _moved(session: Session, key: str, nonce: str, at_step: int, now: datetime,
           **values: Any) -> _State:
    """Move the flow on if this button is its current step's, reading what the next step
    shows in the same statement; else the button is stale."""
    row = ratings_q.move_flow(session, key=key, nonce=nonce, at_step=at_step, now=now,
                              **values)
    if row is None:
        raise UsageError("ratings.stale")
    return _State.of(key, row)


def _rating_of(state: _State) -> RatingView:
    if state.rating is None:  # past the overall tap, a flow always has its rating
        raise UsageError("ratings.stale")
    return state.rating


def press(session: Session, rater: int, *, cfg: Settings, nonce: str, step: int, value: str,
          now: datetime, today: date) -> Step:
    """A button of the flow (pressed by Telegram user `rater`): its step decides what the
    value means. Each step but the overall one is a single statement on the flow."""
    key, later = keys.flow(cfg.secret, rater), now + FLOW_FOR
    if step == KIND:
        if value not in KIND_CODES:
            raise UsageError("errors.bad_button")
        state = _moved(session, key, nonce, step, now, kind=KIND_CODES[value], step=OVERALL,
                       expires_at=later)
        return Step(OVERALL, nonce, state.link.rated)
    if step == OVERALL:  # read first: nothing is written before the link and flood checks
        state = _state(session, key, nonce, step, now, today)
        links.still(state.link, now=now)  # it may have lapsed meanwhile
        rating, alert = _record(session, rater, cfg, state, _level(value), today, now)
        ratings_q.set_flow(session, key=key, rating_id=rating.id, step=FIRST_DIM,
                           expires_at=later)
        return Step(FIRST_DIM, nonce, state.link.rated, rating, alert)
    if step == MENU:
        return _menu(session, rater, cfg, key, nonce, value, now)
    if not FIRST_DIM <= step < MENU:  # no such step: the flow stays where it is
        state = _moved(session, key, nonce, step, now, expires_at=later)
        rating = _rating_of(state)
        return Step(step, nonce, state.link.rated, rating, offer_followup=rating.overall <= BAD)
    level = None if value in ("skip", "done") else _level(value)
    moved = MENU if value == "done" else step + 1
    state = _moved(session, key, nonce, step, now, step=moved, expires_at=later)
    rating, alert = _rating_of(state), None
    if level is not None:
        dim = DIMENSIONS[step - FIRST_DIM]
        ratings_q.set_rating(session, rating_id=rating.id, **{dim: level})
        setattr(rating, dim, level)
        alert = _update(rating, state.link.rated)  # a 差评's alert says what was added
    return Step(moved, nonce, state.link.rated, rating, alert,
                offer_followup=rating.overall <= BAD)


def _menu(session: Session, rater: int, cfg: Settings, key: str, nonce: str, value: str,
          now: datetime) -> Step:
    """The optional end: write a comment, ask for 回访, or finish."""
    later = now + FLOW_FOR
    if value == "comment":
        state = _moved(session, key, nonce, MENU, now, step=COMMENT, expires_at=later)
        return Step(COMMENT, nonce, state.link.rated, _rating_of(state))
    if value == "followup":
        state = _moved(session, key, nonce, MENU, now, expires_at=later)
        rating = _rating_of(state)
        if rating.overall > BAD:
            raise UsageError("errors.bad_button")
        ratings_q.add_contact(session, rating_id=rating.id, created_at=releases.day(now),
                              expires_at=releases.day(now) + CONTACT_FOR,
                              sealed=keys.seal(cfg.secret, "contact", str(rater)))
        return Step(MENU, nonce, state.link.rated, rating, offer_followup=False)
    if value != "done":
        raise UsageError("errors.bad_button")
    row = ratings_q.end_flow(session, key=key, nonce=nonce, at_step=MENU, now=now)
    if row is None:
        raise UsageError("ratings.stale")
    state = _State.of(key, row)
    rating = _rating_of(state)
    alert = _update(rating, state.link.rated)
    if alert is not None:
        alert.due_at = now  # finished: the examiners hear of it now
    return Step(MENU, nonce, state.link.rated, rating, alert, done=True)


def comment(session: Session, rater: int, text: str, *, cfg: Settings, now: datetime
            ) -> Step | None:
    """The private message after 写评价; None when this rater is not writing one."""
    key = keys.flow(cfg.secret, rater)
    row = ratings_q.flow_state(session, key=key)
    if row is None or row["step"] != COMMENT or row["rating_id"] is None:
        return None
    state = _State.of(key, row)
    if state.expires_at < now:  # the question lapsed: say so rather than drop the comment
        raise UsageError("ratings.stale")
    text = text.strip()
    if len(text) > COMMENT_MAX:
        raise UsageError("ratings.comment_too_long", limit=COMMENT_MAX)
    rating = state.rating
    assert rating is not None
    rating.comment = text or None
    ratings_q.set_rating(session, rating_id=rating.id, comment=rating.comment)
    ratings_q.set_flow(session, key=key, step=MENU)
    target = state.link.rated
    return Step(MENU, state.nonce, target, rating, _update(rating, target),
                offer_followup=rating.overall <= BAD)


def _level(value: str) -> int:
    if value not in ("1", "2", "3", "4", "5"):
        raise UsageError("errors.bad_button")
    return int(value)


def _record(session: Session, rater: int, cfg: Settings, state: _State, level: int,
            today: date, now: datetime) -> tuple[RatingView, Alert | None]:
    """Store the rating (rating again in the window replaces it), count it, release, alert."""
    if ratings_q.bump_flood(session, key=keys.flood(cfg.secret, rater, today),
                            day=today) > cfg.flood_limit:
        raise UsageError("ratings.flood", limit=cfg.flood_limit)
    target = state.link.rated
    project_id, person_id = target.project.id, target.person.id if target.person else None
    bucket = periods.rating_bucket(state.period_id, today)
    dedupe = keys.dedupe(cfg.secret, rater, target.key, bucket)
    before = ratings_q.overall_by_dedupe(session, dedupe=dedupe)
    was_bad = before is not None and 0 < before <= BAD
    rating_id = ratings_q.put_rating(session, values={
        "link_id": state.link.id, "project_id": project_id, "person_id": person_id,
        "bucket": bucket, "dedupe": dedupe, "kind": state.kind or "other", "overall": level,
        **dict.fromkeys(DIMENSIONS), "comment": None, "rated_on": today})
    rating = RatingView(rating_id, level)
    releases.refresh(session, project_id=project_id, person_id=person_id, bucket=bucket,
            minimum=cfg.minimum, min_comments=cfg.min_comments)
    if level > BAD:
        return rating, Alert(rating, target, withdrawn=True) if was_bad else None
    examiners = people_q.examiners_of(session, project_id=project_id, admins=cfg.admins)
    return rating, Alert(rating, target, examiners, now + ALERT_AFTER, new=not was_bad)


def _update(rating: RatingView, target: Rated) -> Alert | None:
    """A 差评's alert, to re-render with what the rater added (its recipients are planned)."""
    return Alert(rating, target) if rating.overall <= BAD else None

