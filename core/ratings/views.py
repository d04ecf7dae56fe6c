"""What examiners and cadres see of ratings: /ratings, /my, /summary — all through
`anonymity.disclose` (SPEC §6)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from core.common import names
from core.common.errors import UsageError
from core.org import periods
from core.org.people import Actor
from core.ratings import anonymity
from core.ratings.anonymity import Disclosure
from storage import people as people_q
from storage import periods as periods_q
from storage import ratings as ratings_q
from storage.tables import Person, Project

_MONTH = re.compile(r"^\d{4}-\d{2}$")
TOKEN = re.compile(r"^(month|period|\d{4}-\d{2})$", re.IGNORECASE)



@dataclass(frozen=True)
class RatingBucket:
    """The fixed bucket ratings count in: a calendar month (outside 考察期) or one 考察期."""

    bucket: str
    label: str  # 2026-11 | the period's theme


def bucket_for(session: Session, project: Project, token: str | None, today: date
           ) -> RatingBucket:
    """month | YYYY-MM | period | a period's theme; by default the open 考察期, else this month."""
    named = _named_period(session, project, token or "")
    if named is not None:
        return named
    token = (token or "").lower()
    if token in ("", "period"):
        period = periods.open_period(session, project.id)
        if period is not None:
            return RatingBucket(periods.period_bucket(period), period.theme)
        if token == "period":
            raise UsageError("ratings.no_period", project=project.name)
    if token and _MONTH.match(token):
        if token > periods.month_bucket(today):
            raise UsageError("errors.future_date", date=token)
        return RatingBucket(token, token)
    if token not in ("", "month", "period"):
        raise UsageError("ratings.bad_window", value=token)
    return RatingBucket(periods.month_bucket(today), periods.month_bucket(today))


def _named_period(session: Session, project: Project, word: str) -> RatingBucket | None:
    """A period of the project named by its theme (open or closed), if the word is one."""
    if not word or word.lower() in ("month", "period") or _MONTH.match(word):
        return None
    for found in periods_q.by_theme(session, theme=word):
        if project.id in periods_q.project_ids(session, period_id=found.id):
            return RatingBucket(periods.period_bucket(found), found.theme)
    return None


def is_window(session: Session, word: str) -> bool:
    """Whether a word names a rating window: month, period, YYYY-MM or a period's theme."""
    return bool(TOKEN.match(word)) or bool(periods_q.by_theme(session, theme=word))


def _disclose(releases: dict, key: tuple, thresholds: anonymity.Thresholds) -> Disclosure:
    found = releases.get(key)
    published = anonymity.Release.from_json(found.stats) if found is not None else None
    return anonymity.disclose(published, minimum=thresholds.minimum,
                              min_comments=thresholds.min_comments)


@dataclass
class RatingsView:
    """/ratings for a project (its own rating and each cadre's) or for one cadre."""

    project: Project
    bucket: RatingBucket
    own: Disclosure | None  # the project as a whole; None when one cadre was asked for
    cadres: list[tuple[Person, Disclosure]]
    thresholds: anonymity.Thresholds


def for_project(session: Session, actor: Actor, project: Project, token: str | None, *,
                today: date, thresholds: anonymity.Thresholds, person: Person | None = None
                ) -> RatingsView:
    """The project's released ratings in the window, or one cadre's (2 queries + window)."""
    actor.require_examiner(project.id)
    chosen = bucket_for(session, project, token, today)
    releases = ratings_q.releases_of_projects(session, project_ids=[project.id],
                                              buckets=[chosen.bucket])
    if person is not None:
        return RatingsView(project, chosen, None,
                           [(person, _disclose(releases, (project.id, person.id, chosen.bucket),
                                               thresholds))], thresholds)
    cadres = [p for p, _m in names.leaders_first(
        people_q.members(session, project_id=project.id), lambda pm: pm[1].role,
        lambda pm: pm[0].name)]
    whole = _disclose(releases, (project.id, None, chosen.bucket), thresholds)
    return RatingsView(project, chosen, whole,
                       [(p, _disclose(releases, (project.id, p.id, chosen.bucket), thresholds))
                        for p in cadres], thresholds)


@dataclass
class OwnRatings:
    """A cadre's own ratings in each of their projects' current window (for /my)."""

    rows: list[tuple[Project, RatingBucket, Disclosure]]
    thresholds: anonymity.Thresholds


def own(session: Session, person: Person, projects: list[Project], *, today: date,
        thresholds: anonymity.Thresholds) -> OwnRatings:
    """My released ratings, project by project, only over the threshold."""
    buckets = {p.id: bucket_for(session, p, None, today) for p in projects}
    releases = ratings_q.releases_of_projects(session, project_ids=list(buckets),
                                              buckets=[w.bucket for w in buckets.values()])
    rows = [(p, buckets[p.id],
             _disclose(releases, (p.id, person.id, buckets[p.id].bucket), thresholds))
            for p in projects]
    return OwnRatings(rows, thresholds)
