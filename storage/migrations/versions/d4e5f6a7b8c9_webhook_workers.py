"""webhook workers: inbox claims (per-chat order index) and the shared send pace

Revision ID: d4e5f6a7b8c9
Revises: c3f1a2b4d5e6
Create Date: 2026-12-06 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'd4e5f6a7b8c9'
down_revision: str | None = 'c3f1a2b4d5e6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=True))
        batch_op.add_column(sa.Column('claim_expires_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                      nullable=True))
        batch_op.create_index('ix_inbox_chat_update', ['chat_id', 'update_id'], unique=False)
    op.create_table(
        'pace',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('times', sa.Text(), server_default='', nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_pace')),
    )


def downgrade() -> None:
    op.drop_table('pace')
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_chat_update')
        batch_op.drop_column('claim_expires_at')
        batch_op.drop_column('claimed_by')
