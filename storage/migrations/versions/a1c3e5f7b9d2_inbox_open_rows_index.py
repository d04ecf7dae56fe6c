"""The inbox's index by chat holds only the rows still to process (pending, failed, claimed):
a chat's earliest open row, and whether a chat has one, without reading its done rows (kept
48 hours)

Revision ID: a1c3e5f7b9d2
Revises: f7b9d1e3a5c2
Create Date: 2026-12-06 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a1c3e5f7b9d2'
down_revision: str | None = 'f7b9d1e3a5c2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("status IN ('pending', 'failed', 'claimed')")


def upgrade() -> None:
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_chat_update')
        batch_op.create_index('ix_inbox_open_chat', ['chat_id', 'update_id'], unique=False,
                              postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_open_chat')
        batch_op.create_index('ix_inbox_chat_update', ['chat_id', 'update_id'], unique=False)
