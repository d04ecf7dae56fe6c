"""What every table shares: the constraint naming convention, aware-UTC times, 64-bit ids."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger
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
