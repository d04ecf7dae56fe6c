"""stage_entry.stage fits 'screening' (9 characters; VARCHAR(8) refused it on PostgreSQL)

Revision ID: c3f1a2b4d5e6
Revises: be2ed80063a6
Create Date: 2026-12-01 16:00:00.000000
"""

from collections.abc import Sequence

import sqlmodel
from alembic import op


revision: str = 'c3f1a2b4d5e6'
down_revision: str | None = 'be2ed80063a6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('stage_entry', schema=None) as batch_op:
        batch_op.alter_column('stage',
               existing_type=sqlmodel.sql.sqltypes.AutoString(length=8),
               type_=sqlmodel.sql.sqltypes.AutoString(length=12),
               existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('stage_entry', schema=None) as batch_op:
        batch_op.alter_column('stage',
               existing_type=sqlmodel.sql.sqltypes.AutoString(length=12),
               type_=sqlmodel.sql.sqltypes.AutoString(length=8),
               existing_nullable=False)
