"""Rating links (`r_<token>` and their QR posters): make, revoke, open (SPEC §4 /ratelink, §6)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from core.common.errors import Refused, UsageError
from core.org import people, trail
from core.org.people import Actor
from storage import people as people_q
from storage import projects as projects_q
from storage import ratings as ratings_q
from storage.tables import Person, Project, RatingLink, utcnow

DEFAULT_DAYS = 90
MAX_DAYS = 366
TOKEN_BYTES = 18  # 144 bits, 24 characters of [A-Za-z0-9_-]


def target_key(project_id: int | None, person_id: int | None) -> str:
    """The target's part of a rater's dedupe key: `person:<id>`, else `project:<id>`."""
    return f"person:{person_id}" if person_id else f"project:{project_id}"


@dataclass(frozen=True)
class Target:
    """What a link rates: a project as a whole, or one of its cadres."""

    project: Project
    person: Person | None = None

    @property
    def key(self) -> str:
        return target_key(self.project.id, self.person.id if self.person else None)

    @property
    def name(self) -> str:
        return self.person.name if self.person else self.project.name


@dataclass(frozen=True, slots=True)
class Named:
    """A project or cadre as a rater's flow shows it: its id and name."""

    id: int
    name: str


@dataclass(frozen=True)
class Rated:
    """What a link rates, as the rater's flow names it (read with the flow's own state)."""

    project: Named
    person: Named | None = None

    @property
    def key(self) -> str:
        """The target's part of a rater's dedupe key, as `Target.key`."""
        return target_key(self.project.id, self.person.id if self.person else None)


@dataclass(frozen=True)
class Opened:
    """A link as a rater meets it: whether it still holds, and what it rates."""

    id: int
    expires_at: datetime
    revoked_at: datetime | None
    rated: Rated

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Opened:
        """From a row of `ratings_q.link_named` (or `flow_state`, which has its columns)."""
        person = (Named(row["person_id"], row["person_name"])
                  if row["person_id"] and row["person_name"] is not None else None)
        return cls(row["link_id"], row["link_expires_at"], row["revoked_at"],
                   Rated(Named(row["project_id"], row["project_name"]), person))

    @property
    def project_id(self) -> int:
        """The rated project (a cadre's link: the cadre's project)."""
        return self.rated.project.id


def resolve_target(session: Session, actor: Actor, word: str) -> Target:
    """A project by name, else a cadre (by @username, id or registered name) of a project."""
    project = projects_q.project_by_name(session, name=word)
    if project is not None:
        actor.require_examiner(project.id)
        return Target(project)
    person = people.resolve(session, word)
    projects = [p for p in people_q.projects_of(session, person_id=person.id)]
    if not projects:
        raise UsageError("ratings.no_target", name=word)
    visible = [p for p in projects if actor.sees_project(p.id)]
    if not visible:
        actor.require_examiner(projects[0].id)
    return Target(visible[0], person)


def is_target(session: Session, word: str) -> bool:
    """Whether a word names a project or a person (else it may name a window)."""
    return (projects_q.project_by_name(session, name=word) is not None
            or people.is_person_token(session, word))


@dataclass(frozen=True)
class MadeLink:
    link: RatingLink
    target: Target
    expires_on: date


def make(session: Session, actor: Actor, target: Target, *, days: int | None,
         today: date) -> MadeLink:
    """A new link for the target, valid for `days` (default 90)."""
    actor.require_examiner(target.project.id)
    days = DEFAULT_DAYS if days is None else days
    if not 0 < days <= MAX_DAYS:
        raise UsageError("ratings.bad_days", limit=MAX_DAYS)
    expires_on = today + timedelta(days=days)
    link = RatingLink(token=secrets.token_urlsafe(TOKEN_BYTES), project_id=target.project.id,
                      person_id=target.person.id if target.person else None,
                      created_by=actor.person.id if actor.person else None,
                      expires_at=utcnow() + timedelta(days=days))
    session.add(link)
    session.flush()
    if target.person is not None:
        trail.record(session, actor, person_id=target.person.id, action="ratelink",
                     detail=f"{days}d")
    return MadeLink(link, target, expires_on)


def revoke(session: Session, actor: Actor, target: Target) -> int:
    """End the target's live links at once; how many there were."""
    actor.require_examiner(target.project.id)
    if target.person is None:
        ids: list[int] | None = [target.project.id]
    elif actor.is_admin or not actor.examiner_projects:
        ids = None  # every project the person's links were made under
    else:
        ids = actor.examiner_projects
    ended = ratings_q.revoke(session, project_ids=ids,
                     person_id=target.person.id if target.person else None, at=utcnow())
    if not ended:
        raise UsageError("ratings.nothing_to_revoke", name=target.name)
    return ended


def usable(session: Session, token: str, *, now: datetime, flood_key: str
           ) -> tuple[Opened, int]:
    """The link behind a token (or one line: unknown, revoked or expired), and the rater's
    ratings today under `flood_key`: one read."""
    row = ratings_q.link_named(session, token=token, flood_key=flood_key)
    if row is None:
        raise UsageError("ratings.unknown_link")
    link = Opened.of(row)
    still(link, now=now)
    return link, row["flood_count"] or 0


def still(link: Opened, *, now: datetime) -> None:
    """Refuse a link revoked or expired (by now), in one line."""
    if link.revoked_at is not None:
        raise UsageError("ratings.revoked_link")
    if link.expires_at < now:
        raise UsageError("ratings.expired_link", date=link.expires_at.date().isoformat())


def refuse_own_cadres(actor: Actor, link: Opened) -> None:
    """A cadre of the rated project cannot rate it (refused without detail)."""
    if link.project_id in actor.cadre_projects:
        raise Refused("ratings.not_for_you")
