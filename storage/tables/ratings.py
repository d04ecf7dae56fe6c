"""Anonymous ratings (听评价, SPEC §6): links, ratings, and the keyed state of a rating flow.

No table holds a rater's Telegram id: flows, floods and duplicates are keyed by HMACs, and
the opt-in 回访 contact is encrypted and kept apart from the rating.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from storage.tables.base import utcnow


class RatingLink(SQLModel, table=True):
    """A `r_<token>` deep link (and its QR poster) rating a project or one cadre."""

    __tablename__ = "rating_link"
    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(unique=True, max_length=40)
    project_id: int = Field(foreign_key="project.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class Rating(SQLModel, table=True):
    """One rater's rating of a target in a window (bucket), dated to the day only."""

    # covering for the window's counts by kind and level, read at every rating (anonymity)
    __table_args__ = (Index("ix_rating_target_bucket_level", "project_id", "person_id", "bucket",
                            "kind", "overall"),)
    id: int | None = Field(default=None, primary_key=True)
    link_id: int | None = Field(default=None, foreign_key="rating_link.id")
    project_id: int = Field(foreign_key="project.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")  # None: the project
    bucket: str = Field(max_length=16)  # P<period id> during a 考察期, else YYYY-MM
    dedupe: str = Field(unique=True, max_length=64)  # HMAC(secret, user, target, bucket)
    kind: str = Field(max_length=12)  # enterprise | resident | other
    overall: int
    service: int | None = None
    duty: int | None = None
    solving: int | None = None
    integrity: int | None = None
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    rated_on: date


class RatingRelease(SQLModel, table=True):
    """A published snapshot of a target's window: views show the latest, never live data."""

    __tablename__ = "rating_release"
    __table_args__ = (Index("ix_rating_release_target", "project_id", "person_id", "bucket"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    bucket: str = Field(max_length=16)
    count: int
    stats: str = Field(sa_column=Column(Text, nullable=False))  # JSON of the aggregates
    created_at: datetime = Field(default_factory=utcnow)


class RatingFlood(SQLModel, table=True):
    """A rater's ratings today, keyed by HMAC(secret, user, day): the flood limit."""

    __tablename__ = "rating_flood"
    key: str = Field(primary_key=True, max_length=64)
    day: date = Field(index=True)
    count: int = 0


class RatingFlow(SQLModel, table=True):
    """Where a rater is in the flow, keyed by HMAC(secret, user); gone when done or stale."""

    __tablename__ = "rating_flow"
    key: str = Field(primary_key=True, max_length=64)
    link_id: int = Field(foreign_key="rating_link.id")
    rating_id: int | None = Field(default=None, foreign_key="rating.id")
    step: int = 0
    nonce: str = Field(max_length=12)
    kind: str | None = Field(default=None, max_length=12)
    expires_at: datetime = Field(index=True)


class RatingContact(SQLModel, table=True):
    """The 回访 opt-in: the rater's chat, encrypted, apart from the rating; deleted after use."""

    __tablename__ = "rating_contact"
    id: int | None = Field(default=None, primary_key=True)
    rating_id: int = Field(foreign_key="rating.id", unique=True)
    sealed: str = Field(sa_column=Column(Text, nullable=False))  # Fernet token
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
