"""The examiners' judgement (SPEC §4, §8): periods, notes, grades, the trail, scores, 三期管理."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables.base import utcnow


class Period(SQLModel, table=True):
    """考察期: one theme over dates and projects (一期一主题); a review period is a 回头看."""

    id: int | None = Field(default=None, primary_key=True)
    theme: str = Field(max_length=64)
    start: date
    end: date
    kind: str = Field(default="regular", max_length=8)  # regular | review
    status: str = Field(default="open", max_length=8)  # open | closed
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class PeriodProject(SQLModel, table=True):
    """A project assessed in a period."""

    __tablename__ = "period_project"
    period_id: int = Field(foreign_key="period.id", primary_key=True)
    project_id: int = Field(foreign_key="project.id", primary_key=True, index=True)


class Grade(SQLModel, table=True):
    """考核组: one examiner's assessment of a cadre in a period (the latest counts)."""

    __table_args__ = (UniqueConstraint("period_id", "person_id", "examiner_id"),)
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    examiner_id: int = Field(foreign_key="person.id")
    score: int
    comment: str = Field(default="", max_length=500)
    at: datetime = Field(default_factory=utcnow)


class Observation(SQLModel, table=True):
    """考察纪实: a field note on a cadre, optionally with points (积分) within ±10."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    examiner_id: int | None = Field(default=None, foreign_key="person.id")
    points: int = 0
    text: str = Field(sa_column=Column(Text, nullable=False))
    at: datetime = Field(default_factory=utcnow, index=True)


class Trail(SQLModel, table=True):
    """工作纪实: every examiner action on a cadre — who, when, what."""

    __table_args__ = (Index("ix_trail_person_at", "person_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    at: datetime = Field(default_factory=utcnow)
    action: str = Field(max_length=24)
    detail: str = Field(default="", max_length=500)


class DomainWeights(SQLModel, table=True):
    """A domain's scoring weights (实绩, 状态, 评价, 考核组), summing to 100."""

    __tablename__ = "domain_weights"
    domain_id: int = Field(foreign_key="domain.id", primary_key=True)
    achievement: int
    diligence: int
    rating: int
    examiners: int


class ScoreSnapshot(SQLModel, table=True):
    """A cadre's score and grade frozen when the period closed."""

    __tablename__ = "score_snapshot"
    __table_args__ = (UniqueConstraint("period_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    composite: float | None = None
    grade: str = Field(max_length=4)  # 优秀 | 良好 | 一般 | "" (no data)
    parts: str = Field(sa_column=Column(Text, nullable=False))  # JSON: the breakdown


class StageEntry(SQLModel, table=True):
    """三期管理: a cadre graded 一般 moves through 摸底排查期 → 预警考察期 → 跟踪观察期, or out."""

    __tablename__ = "stage_entry"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    period_id: int = Field(foreign_key="period.id")
    stage: str = Field(max_length=12)  # screening | warning | watching | out
    at: datetime = Field(default_factory=utcnow)


class Star(SQLModel, table=True):
    """先进典型: a report an examiner marked as a typical achievement."""

    report_id: int = Field(foreign_key="daily_report.id", primary_key=True,
                           sa_column_kwargs={"autoincrement": False})
    by_id: int | None = Field(default=None, foreign_key="person.id")
    at: datetime = Field(default_factory=utcnow)


class PeriodReport(SQLModel, table=True):
    """一期一专报: a project's report for a closed period, kept to send again."""

    __tablename__ = "period_report"
    __table_args__ = (UniqueConstraint("period_id", "project_id"),)
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id")
    project_id: int = Field(foreign_key="project.id")
    html: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
