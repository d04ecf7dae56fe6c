"""rectification orders and their events; triggered deliveries (due time, payload)

Revision ID: 7c2d9e4a1b3f
Revises: 5b8e0c2d4f1a
Create Date: 2026-12-01 14:56:05.790932
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '7c2d9e4a1b3f'
down_revision: str | None = '5b8e0c2d4f1a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('order_counter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_order_counter'))
    )
    op.create_table('rectification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('rating_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('reviewed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('followup', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.ForeignKeyConstraint(['issuer_id'], ['person.id'], name=op.f('fk_rectification_issuer_id_person')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_rectification_person_id_person')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_rectification_project_id_project')),
    sa.ForeignKeyConstraint(['rating_id'], ['rating.id'], name=op.f('fk_rectification_rating_id_rating')),
    sa.ForeignKeyConstraint(['report_id'], ['daily_report.id'], name=op.f('fk_rectification_report_id_daily_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification')),
    sa.UniqueConstraint('number', name=op.f('uq_rectification_number'))
    )
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_issuer_id'), ['issuer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_rectification_state_deadline', ['state', 'deadline'], unique=False)

    op.create_table('rectification_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('from_state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('to_state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('comment', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['person.id'], name=op.f('fk_rectification_event_actor_id_person')),
    sa.ForeignKeyConstraint(['order_id'], ['rectification.id'], name=op.f('fk_rectification_event_order_id_rectification')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_event'))
    )
    with op.batch_alter_table('rectification_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_event_order_id'), ['order_id'], unique=False)

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('payload', sa.Text(), nullable=True))
        batch_op.alter_column('period_key',
               existing_type=sa.VARCHAR(length=16),
               type_=sqlmodel.sql.sqltypes.AutoString(length=32),
               existing_nullable=False)
        batch_op.create_index('ix_delivery_status_due', ['status', 'due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_status_due')
        batch_op.alter_column('period_key',
               existing_type=sqlmodel.sql.sqltypes.AutoString(length=32),
               type_=sa.VARCHAR(length=16),
               existing_nullable=False)
        batch_op.drop_column('payload')
        batch_op.drop_column('due_at')

    with op.batch_alter_table('rectification_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_event_order_id'))

    op.drop_table('rectification_event')
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.drop_index('ix_rectification_state_deadline')
        batch_op.drop_index(batch_op.f('ix_rectification_project_id'))
        batch_op.drop_index(batch_op.f('ix_rectification_person_id'))
        batch_op.drop_index(batch_op.f('ix_rectification_issuer_id'))

    op.drop_table('rectification')
    op.drop_table('order_counter')
