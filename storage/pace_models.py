"""The shared send pace: one row per limit key, read and written under a row lock."""

from __future__ import annotations

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class Pace(SQLModel, table=True):
    """Recent send times of one limit key (the bot, a chat), shared by every worker."""

    key: str = Field(primary_key=True, max_length=40)
    times: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
