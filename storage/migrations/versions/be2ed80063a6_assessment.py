"""assessment: periods, grades, notes, trail, weights, scores, 三期管理, stars, reports

Revision ID: be2ed80063a6
Revises: 7c2d9e4a1b3f
Create Date: 2026-12-01 14:56:05.790932
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'be2ed80063a6'
down_revision: str | None = '7c2d9e4a1b3f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('domain_weights',
    sa.Column('domain_id', sa.Integer(), nullable=False),
    sa.Column('achievement', sa.Integer(), nullable=False),
    sa.Column('diligence', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('examiners', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['domain_id'], ['domain.id'], name=op.f('fk_domain_weights_domain_id_domain')),
    sa.PrimaryKeyConstraint('domain_id', name=op.f('pk_domain_weights'))
    )
    op.create_table('observation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('examiner_id', sa.Integer(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['examiner_id'], ['person.id'], name=op.f('fk_observation_examiner_id_person')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_observation_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observation'))
    )
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observation_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_observation_person_id'), ['person_id'], unique=False)

    op.create_table('period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['person.id'], name=op.f('fk_period_created_by_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period'))
    )
    op.create_table('trail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['person.id'], name=op.f('fk_trail_actor_id_person')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_trail_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trail'))
    )
    with op.batch_alter_table('trail', schema=None) as batch_op:
        batch_op.create_index('ix_trail_person_at', ['person_id', 'at'], unique=False)

    op.create_table('grade',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('examiner_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['examiner_id'], ['person.id'], name=op.f('fk_grade_examiner_id_person')),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], name=op.f('fk_grade_period_id_period')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_grade_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grade')),
    sa.UniqueConstraint('period_id', 'person_id', 'examiner_id', name=op.f('uq_grade_period_id'))
    )
    with op.batch_alter_table('grade', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grade_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grade_person_id'), ['person_id'], unique=False)

    op.create_table('period_project',
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], name=op.f('fk_period_project_period_id_period')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_period_project_project_id_project')),
    sa.PrimaryKeyConstraint('period_id', 'project_id', name=op.f('pk_period_project'))
    )
    with op.batch_alter_table('period_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_project_project_id'), ['project_id'], unique=False)

    op.create_table('period_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], name=op.f('fk_period_report_period_id_period')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_period_report_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_report')),
    sa.UniqueConstraint('period_id', 'project_id', name=op.f('uq_period_report_period_id'))
    )
    op.create_table('score_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('composite', sa.Float(), nullable=True),
    sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('parts', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], name=op.f('fk_score_snapshot_period_id_period')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_score_snapshot_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_snapshot')),
    sa.UniqueConstraint('period_id', 'person_id', name=op.f('uq_score_snapshot_period_id'))
    )
    with op.batch_alter_table('score_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_snapshot_period_id'), ['period_id'], unique=False)

    op.create_table('stage_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], name=op.f('fk_stage_entry_period_id_period')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_stage_entry_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_entry'))
    )
    with op.batch_alter_table('stage_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_entry_person_id'), ['person_id'], unique=False)

    op.create_table('star',
    sa.Column('report_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['person.id'], name=op.f('fk_star_by_id_person')),
    sa.ForeignKeyConstraint(['report_id'], ['daily_report.id'], name=op.f('fk_star_report_id_daily_report')),
    sa.PrimaryKeyConstraint('report_id', name=op.f('pk_star'))
    )


def downgrade() -> None:
    op.drop_table('star')
    with op.batch_alter_table('stage_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_entry_person_id'))

    op.drop_table('stage_entry')
    with op.batch_alter_table('score_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_snapshot_period_id'))

    op.drop_table('score_snapshot')
    op.drop_table('period_report')
    with op.batch_alter_table('period_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_project_project_id'))

    op.drop_table('period_project')
    with op.batch_alter_table('grade', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grade_person_id'))
        batch_op.drop_index(batch_op.f('ix_grade_period_id'))

    op.drop_table('grade')
    with op.batch_alter_table('trail', schema=None) as batch_op:
        batch_op.drop_index('ix_trail_person_at')

    op.drop_table('trail')
    op.drop_table('period')
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observation_person_id'))
        batch_op.drop_index(batch_op.f('ix_observation_at'))

    op.drop_table('observation')
    op.drop_table('domain_weights')
