"""Covering indexes: daily_report's (project, date) also holds person, withdrawn and on_time,
so a scope's reported days, their status and its 完成 lines come from the index alone;
rating's (project, person, bucket) also holds kind and overall (the counts every rating reads)

Revision ID: e6a8c0d2f4b1
Revises: d4e5f6a7b8c9
Create Date: 2026-12-06 02:00:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = 'e6a8c0d2f4b1'
down_revision: str | None = 'd4e5f6a7b8c9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('daily_report', schema=None) as batch_op:
        batch_op.drop_index('ix_daily_report_project_date')
        batch_op.create_index('ix_daily_report_project_date_person',
                              ['project_id', 'local_date', 'person_id', 'withdrawn',
                               'on_time'],
                              unique=False)
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_target_bucket')
        batch_op.create_index('ix_rating_target_bucket_level',
                              ['project_id', 'person_id', 'bucket', 'kind', 'overall'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_target_bucket_level')
        batch_op.create_index('ix_rating_target_bucket', ['project_id', 'person_id', 'bucket'],
                              unique=False)
    with op.batch_alter_table('daily_report', schema=None) as batch_op:
        batch_op.drop_index('ix_daily_report_project_date_person')
        batch_op.create_index('ix_daily_report_project_date', ['project_id', 'local_date'],
                              unique=False)
