"""anonymous ratings: links, ratings, releases, keyed flow state, sealed contacts

Revision ID: 5b8e0c2d4f1a
Revises: 111b9b9b61df
Create Date: 2026-12-01 14:56:05.790932
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '5b8e0c2d4f1a'
down_revision: str | None = '111b9b9b61df'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rating_flood',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rating_flood'))
    )
    with op.batch_alter_table('rating_flood', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_flood_day'), ['day'], unique=False)

    op.create_table('rating_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['person.id'], name=op.f('fk_rating_link_created_by_person')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_rating_link_person_id_person')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_rating_link_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_link')),
    sa.UniqueConstraint('token', name=op.f('uq_rating_link_token'))
    )
    with op.batch_alter_table('rating_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_link_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_link_project_id'), ['project_id'], unique=False)

    op.create_table('rating_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('bucket', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('stats', sa.Text(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_rating_release_person_id_person')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_rating_release_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_release'))
    )
    with op.batch_alter_table('rating_release', schema=None) as batch_op:
        batch_op.create_index('ix_rating_release_target', ['project_id', 'person_id', 'bucket'], unique=False)

    op.create_table('rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('bucket', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('dedupe', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('overall', sa.Integer(), nullable=False),
    sa.Column('service', sa.Integer(), nullable=True),
    sa.Column('duty', sa.Integer(), nullable=True),
    sa.Column('solving', sa.Integer(), nullable=True),
    sa.Column('integrity', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('rated_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['rating_link.id'], name=op.f('fk_rating_link_id_rating_link')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_rating_person_id_person')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_rating_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating')),
    sa.UniqueConstraint('dedupe', name=op.f('uq_rating_dedupe'))
    )
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index('ix_rating_target_bucket', ['project_id', 'person_id', 'bucket'], unique=False)

    op.create_table('rating_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['rating_id'], ['rating.id'], name=op.f('fk_rating_contact_rating_id_rating')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_contact')),
    sa.UniqueConstraint('rating_id', name=op.f('uq_rating_contact_rating_id'))
    )
    with op.batch_alter_table('rating_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_contact_expires_at'), ['expires_at'], unique=False)

    op.create_table('rating_flow',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=True),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('nonce', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['rating_link.id'], name=op.f('fk_rating_flow_link_id_rating_link')),
    sa.ForeignKeyConstraint(['rating_id'], ['rating.id'], name=op.f('fk_rating_flow_rating_id_rating')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rating_flow'))
    )
    with op.batch_alter_table('rating_flow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_flow_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rating_flow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_flow_expires_at'))

    op.drop_table('rating_flow')
    with op.batch_alter_table('rating_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_contact_expires_at'))

    op.drop_table('rating_contact')
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_target_bucket')

    op.drop_table('rating')
    with op.batch_alter_table('rating_release', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_release_target')

    op.drop_table('rating_release')
    with op.batch_alter_table('rating_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_link_project_id'))
        batch_op.drop_index(batch_op.f('ix_rating_link_person_id'))

    op.drop_table('rating_link')
    with op.batch_alter_table('rating_flood', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_flood_day'))

    op.drop_table('rating_flood')
