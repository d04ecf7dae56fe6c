"""Domains, projects, people and their roles, bound chats, milestones, leave (SPEC §3)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables.base import tg_id, utcnow


class Domain(SQLModel, table=True):
    """领域: a group of projects (e.g. 项目建设, 乡村振兴)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class Project(SQLModel, table=True):
    """项目: a key project cadres work on."""

    id: int | None = Field(default=None, primary_key=True)
    domain_id: int = Field(foreign_key="domain.id", index=True)
    name: str = Field(unique=True, max_length=64)
    unit: str = Field(default="", max_length=128)
    join_token: str = Field(unique=True, max_length=60)
    created_at: datetime = Field(default_factory=utcnow)


class Person(SQLModel, table=True):
    """A Telegram user the bot knows: cadre, examiner or admin."""

    id: int | None = Field(default=None, primary_key=True)
    tg_id: int | None = tg_id(default=None, unique=True)
    name: str = Field(default="", max_length=32, index=True)
    post: str = Field(default="", max_length=64)
    username: str | None = Field(default=None, max_length=64, index=True)
    display: str = Field(default="", max_length=128)
    is_admin: bool = False
    is_examiner: bool = False
    reachable: bool = False
    join_project_id: int | None = Field(default=None, foreign_key="project.id")
    created_at: datetime = Field(default_factory=utcnow)


class ExaminerProject(SQLModel, table=True):
    """An examiner limited to a project (an examiner with no rows sees every project)."""

    __tablename__ = "examiner_project"
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    project_id: int = Field(foreign_key="project.id", primary_key=True)


class Membership(SQLModel, table=True):
    """A cadre on a project (负责人 or 成员)."""

    __table_args__ = (UniqueConstraint("person_id", "project_id"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    role: str = Field(default="成员", max_length=16)
    active: bool = True
    joined_at: datetime = Field(default_factory=utcnow)
    left_at: datetime | None = None


class Chat(SQLModel, table=True):
    """A Telegram chat the bot is in; bound chats belong to a project."""

    id: int = tg_id(primary_key=True)
    title: str = Field(default="", max_length=255)
    type: str = Field(default="group", max_length=16)
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    bound_at: datetime | None = None
    tz: str = Field(default="Asia/Shanghai", max_length=64)
    daily_time: str = Field(default="18:00", max_length=5)
    weekly_day: int = -1  # -1 = the week's last working day, else 0=Mon … 6=Sun
    weekly_time: str = Field(default="16:00", max_length=5)
    monthly_day: int = 0  # 0 = last working day of the month, else 1-28
    monthly_time: str = Field(default="16:00", max_length=5)
    schedule_on: bool = True
    bot_status: str = Field(default="member", max_length=16)
    migrated_to: int | None = tg_id(default=None)
    migrated_from: int | None = tg_id(default=None)
    created_at: datetime = Field(default_factory=utcnow)


class Milestone(SQLModel, table=True):
    """节点: a dated project milestone, optionally on a cadre's 责任清单."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    due: date
    text: str = Field(max_length=500)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    done_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Leave(SQLModel, table=True):
    """请假/出差/借调: days that are neither nudged nor counted against the reporting rate."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    start: date
    end: date
    kind: str = Field(default="请假", max_length=8)
    reason: str = Field(default="", max_length=200)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
