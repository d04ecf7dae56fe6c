"""The rating flow in private (SPEC §6): Start → who you are → the overall level (recorded at
that third tap) → optional dimensions, a comment, 回访, 完成. State is keyed by an HMAC of the
rater; every step checks the button's nonce and step, so forged or replayed presses fail.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session

from core.common.errors import UsageError
from core.org import periods
from core.org.people import Actor
from core.ratings import anonymity, links
from core.ratings import rater_keys as keys
from core.ratings.anonymity import DIMENSIONS
from storage import people as people_q
from storage import ratings as ratings_q
from storage.tables import Person, Rating, RatingContact, RatingFlow, RatingRelease, utcnow

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
class Step:
    """Where the flow is now, for the handler to render: the step, its nonce, the target."""

    step: int
    nonce: str
    target: links.Target
    rating: Rating | None = None
    alert: Alert | None = None
    done: bool = False
    offer_followup: bool = False


@dataclass
class Alert:
    """A 差评 for the project's examiners: plan it, or update its text, due at `due_at`."""

    rating: Rating
    target: links.Target
    examiners: list[Person] = field(default_factory=list)
    due_at: datetime | None = None
    new: bool = False
    withdrawn: bool = False  # rated again, no longer a 差评: the pending alert is dropped


def start(session: Session, actor: Actor, token: str, *, cfg: Settings, now: datetime,
          today: date | None = None) -> Step:
    """/start r_<token>: a valid link, not the rater's own project, within the flood limit."""
    link = links.usable(session, token, now=now)
    links.refuse_own_cadres(actor, link)
    day = today or now.date()  # the bot's day, not UTC's
    if ratings_q.flood_count(session, key=keys.flood(cfg.secret, actor.user.id,
                                                     day)) >= cfg.flood_limit:
        raise UsageError("ratings.flood", limit=cfg.flood_limit)
    key = keys.flow(cfg.secret, actor.user.id)
    flow = ratings_q.flow(session, key=key) or RatingFlow(key=key, link_id=link.id, nonce="",
                                                 expires_at=now)
    flow.link_id, flow.rating_id, flow.kind, flow.step = link.id, None, None, KIND
    flow.nonce, flow.expires_at = secrets.token_urlsafe(6), now + FLOW_FOR
    session.add(flow)
    return Step(KIND, flow.nonce, links.target_of(session, link))


def _flow(session: Session, actor: Actor, cfg: Settings, nonce: str, step: int, now: datetime
          ) -> RatingFlow:
    flow = ratings_q.flow(session, key=keys.flow(cfg.secret, actor.user.id))
    if flow is None or flow.nonce != nonce or flow.expires_at < now:
        raise UsageError("ratings.stale")
    if flow.step != step:
        raise UsageError("ratings.stale")
    return flow


def press(session: Session, actor: Actor, *, cfg: Settings, nonce: str, step: int, value: str,
          now: datetime, today: date) -> Step:
    """A button of the flow: the step it belongs to decides what its value means."""
    flow = _flow(session, actor, cfg, nonce, step, now)
    link = session.get(links.RatingLink, flow.link_id)
    assert link is not None
    target = links.target_of(session, link)
    flow.expires_at = now + FLOW_FOR
    if step == KIND:
        if value not in KIND_CODES:
            raise UsageError("errors.bad_button")
        flow.kind, flow.step = KIND_CODES[value], OVERALL
        session.add(flow)
        return Step(OVERALL, flow.nonce, target)
    if step == OVERALL:
        links.usable(session, link.token, now=now)  # it may have lapsed meanwhile
        rating, alert = _record(session, actor, cfg, flow, target, _level(value), today, now)
        flow.rating_id, flow.step = rating.id, FIRST_DIM
        session.add(flow)
        return Step(FIRST_DIM, flow.nonce, target, rating, alert)
    rating = session.get(Rating, flow.rating_id) if flow.rating_id else None
    if rating is None:
        raise UsageError("ratings.stale")
    if FIRST_DIM <= step < MENU:
        if value not in ("skip", "done"):
            setattr(rating, DIMENSIONS[step - FIRST_DIM], _level(value))
            session.add(rating)
        flow.step = MENU if value == "done" else step + 1
    elif step == MENU:
        return _menu(session, actor, cfg, flow, target, rating, value, now)
    session.add(flow)
    return Step(flow.step, flow.nonce, target, rating, _update(session, rating, target),
                offer_followup=rating.overall <= BAD)


def _menu(session: Session, actor: Actor, cfg: Settings, flow: RatingFlow,
          target: links.Target, rating: Rating, value: str, now: datetime) -> Step:
    """The optional end: write a comment, ask for 回访, or finish."""
    if value == "comment":
        flow.step = COMMENT
        session.add(flow)
        return Step(COMMENT, flow.nonce, target, rating)
    if value == "followup" and rating.overall <= BAD:
        if ratings_q.contact_of(session, rating_id=rating.id) is None:
            session.add(RatingContact(rating_id=rating.id, created_at=_day(now),
                                      expires_at=_day(now) + CONTACT_FOR,
                                      sealed=keys.seal(cfg.secret, "contact",
                                                       str(actor.user.id))))
        session.add(flow)
        return Step(MENU, flow.nonce, target, rating, offer_followup=False)
    if value != "done":
        raise UsageError("errors.bad_button")
    session.delete(flow)
    alert = _update(session, rating, target)
    if alert is not None:
        alert.due_at = now  # finished: the examiners hear of it now
    return Step(MENU, flow.nonce, target, rating, alert, done=True)


def comment(session: Session, actor: Actor, text: str, *, cfg: Settings, now: datetime
            ) -> Step | None:
    """The private message after 写评价; None when this rater is not writing one."""
    flow = ratings_q.flow(session, key=keys.flow(cfg.secret, actor.user.id))
    if flow is None or flow.step != COMMENT or flow.rating_id is None:
        return None
    if flow.expires_at < now:  # the question lapsed: say so rather than drop the comment
        raise UsageError("ratings.stale")
    text = text.strip()
    if len(text) > COMMENT_MAX:
        raise UsageError("ratings.comment_too_long", limit=COMMENT_MAX)
    rating = session.get(Rating, flow.rating_id)
    link = session.get(links.RatingLink, flow.link_id)
    assert rating is not None and link is not None
    rating.comment, flow.step = text or None, MENU
    session.add_all([rating, flow])
    target = links.target_of(session, link)
    return Step(MENU, flow.nonce, target, rating, _update(session, rating, target),
                offer_followup=rating.overall <= BAD)


def _day(moment: datetime) -> datetime:
    """A moment kept at day precision (SPEC §6: nothing times a rating more finely)."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _level(value: str) -> int:
    if value not in ("1", "2", "3", "4", "5"):
        raise UsageError("errors.bad_button")
    return int(value)


def _record(session: Session, actor: Actor, cfg: Settings, flow: RatingFlow,
            target: links.Target, level: int, today: date, now: datetime
            ) -> tuple[Rating, Alert | None]:
    """Store the rating (rating again in the window replaces it), count it, release, alert."""
    if ratings_q.bump_flood(session, key=keys.flood(cfg.secret, actor.user.id, today),
                    day=today) > cfg.flood_limit:
        raise UsageError("ratings.flood", limit=cfg.flood_limit)
    bucket = periods.rating_bucket(session, target.project.id, today)
    dedupe = keys.dedupe(cfg.secret, actor.user.id, target.key, bucket)
    rating = ratings_q.by_dedupe(session, dedupe=dedupe) or Rating(
        project_id=target.project.id, person_id=target.person.id if target.person else None,
        bucket=bucket, dedupe=dedupe, kind="", overall=0, rated_on=today)
    was_bad = 0 < rating.overall <= BAD
    rating.link_id, rating.kind, rating.overall, rating.rated_on = \
        flow.link_id, flow.kind or "other", level, today
    for dim in DIMENSIONS:
        setattr(rating, dim, None)
    rating.comment = None
    session.add(rating)
    session.flush()
    refresh(session, project_id=rating.project_id, person_id=rating.person_id, bucket=bucket,
            minimum=cfg.minimum, min_comments=cfg.min_comments)
    if level > BAD:
        return rating, Alert(rating, target, withdrawn=True) if was_bad else None
    examiners = people_q.examiners_of(session, project_id=target.project.id, admins=cfg.admins)
    return rating, Alert(rating, target, examiners, now + ALERT_AFTER, new=not was_bad)


def _update(session: Session, rating: Rating, target: links.Target) -> Alert | None:
    """A 差评's alert, to re-render with what the rater added (its recipients are planned)."""
    return Alert(rating, target) if rating.overall <= BAD else None


def refresh(session: Session, *, project_id: int, person_id: int | None, bucket: str,
            minimum: int, min_comments: int) -> bool:
    """Publish a new release of the window once enough new ratings came (anonymity)."""
    levels = ratings_q.levels(session, project_id=project_id, person_id=person_id, bucket=bucket)
    count = sum(n for _k, _l, n in levels)
    last = ratings_q.latest_release(session, project_id=project_id, person_id=person_id,
                                    bucket=bucket)
    if not anonymity.due(count, last.count if last else 0, minimum):
        return False
    live = anonymity.Stats.of(levels, ratings_q.dimensions(session, project_id=project_id,
                                                   person_id=person_id, bucket=bucket),
                              ratings_q.comments(session, project_id=project_id,
                                                 person_id=person_id,
                                         bucket=bucket))
    made = anonymity.release(live, anonymity.Release.from_json(last.stats) if last else None,
                             minimum=minimum, min_comments=min_comments)
    session.add(RatingRelease(project_id=project_id, person_id=person_id, bucket=bucket,
                              count=count, stats=made.to_json(), created_at=_day(utcnow())))
    return True
