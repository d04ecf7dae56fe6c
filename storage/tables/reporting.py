"""What cadres post: daily reports (`daily_report`), their structured lines, 周/月梳理 recaps."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables.base import tg_id


class DailyReport(SQLModel, table=True):
    """每日动态: one report message; the name and (chat_id, message_id) are fixed by SPEC §3."""

    __tablename__ = "daily_report"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id"),
        # covering: a scope's reported days, their status, its 完成 lines from the index alone
        Index("ix_daily_report_project_date_person", "project_id", "local_date", "person_id",
              "withdrawn", "on_time"),
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


class Recap(SQLModel, table=True):
    """周/月梳理: a cadre's answer to the weekly or monthly prompt (#周报, #月报)."""

    __tablename__ = "summary"  # the table's name from before the word "recap"
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
