"""The tables (SPEC §3). Telegram ids are BIGINT; `*_at` times are aware UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Aware UTC now, the form every `*_at` column holds."""
    return datetime.now(UTC)


def tg_id(**kw: object) -> object:
    """A Telegram id column (64-bit)."""
    return Field(sa_type=BigInteger, **kw)  # type: ignore[arg-type]


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


class DailyReport(SQLModel, table=True):
    """每日动态: one report message; the name and (chat_id, message_id) are fixed by SPEC §3."""

    __tablename__ = "daily_report"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id"),
        # covering: a scope's reported days and 完成 lines come from the index alone
        Index("ix_daily_report_project_date_person", "project_id", "local_date", "person_id",
              "withdrawn"),
        Index("ix_daily_report_person_date", "person_id", "local_date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    project_id: int = Field(foreign_key="project.id")
    chat_id: int = tg_id()
    message_id: int = tg_id()
    local_date: date
    posted_at: datetime
    on_time: bool = True
    backfilled: bool = False
    text: str = Field(sa_column=Column(Text, nullable=False))
    photos: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    progress: int | None = None
    edited_at: datetime | None = None
    withdrawn: bool = False


class ReportItem(SQLModel, table=True):
    """A structured line of a report: 完成 (achievement), 问题 (problem) or 计划 (plan)."""

    __tablename__ = "report_item"
    __table_args__ = (Index("ix_report_item_report_kind", "report_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="daily_report.id", ondelete="CASCADE")
    kind: str = Field(max_length=8)
    position: int = 0
    text: str = Field(sa_column=Column(Text, nullable=False))


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


class Pending(SQLModel, table=True):
    """A question the bot asked with buttons; the button data names this row and is signed."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: str = Field(max_length=16)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    answered_at: datetime | None = None


class HintLog(SQLModel, table=True):
    """The once-a-day hint to a stranger or in an unbound group (SPEC §11)."""

    __tablename__ = "hint_log"
    user_id: int = tg_id(primary_key=True)
    day: date = Field(primary_key=True)


class Inbox(SQLModel, table=True):
    """A received update, committed before Telegram is told we have it (SPEC §10)."""

    update_id: int = tg_id(primary_key=True, sa_column_kwargs={"autoincrement": False})
    chat_id: int | None = tg_id(default=None)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=8, index=True)
    attempts: int = 0
    error: str = Field(default="", max_length=500)
    received_at: datetime = Field(default_factory=utcnow, index=True)
    processed_at: datetime | None = None


class Summary(SQLModel, table=True):
    """周/月梳理: a cadre's answer to the weekly or monthly prompt (#周报, #月报)."""

    __table_args__ = (UniqueConstraint("chat_id", "message_id"),
                      Index("ix_summary_project_kind_period", "project_id", "kind", "period_key"))
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    project_id: int = Field(foreign_key="project.id")
    chat_id: int = tg_id()
    message_id: int = tg_id()
    kind: str = Field(max_length=8)  # weekly | monthly
    period_key: str = Field(max_length=10)  # 2026-W47 | 2026-11
    text: str = Field(sa_column=Column(Text, nullable=False))
    posted_at: datetime
    edited_at: datetime | None = None


class Delivery(SQLModel, table=True):
    """One planned scheduled message: the send ledger (SPEC §5, §10)."""

    __table_args__ = (UniqueConstraint("job", "target", "period_key"),
                      Index("ix_delivery_status_claim", "status", "claim_expires_at"),
                      Index("ix_delivery_status_due", "status", "due_at"))
    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=32)
    target: str = Field(max_length=64)  # chat:<id>, person:<id> (a part suffix for split digests)
    period_key: str = Field(max_length=32)
    chat_id: int | None = tg_id(default=None)
    status: str = Field(default="pending", max_length=12)
    claimed_by: str | None = Field(default=None, max_length=64)
    claim_expires_at: datetime | None = None
    attempts: int = 0
    error: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    # Triggered messages (alerts, order notices) are planned by handlers in their transaction:
    # sent from `due_at` on, with what to send in `payload` (JSON).
    due_at: datetime | None = None
    payload: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Lease(SQLModel, table=True):
    """Leader election: the holder of an unexpired lease runs the scheduler loop."""

    name: str = Field(primary_key=True, max_length=32)
    holder: str = Field(max_length=64)
    expires_at: datetime
