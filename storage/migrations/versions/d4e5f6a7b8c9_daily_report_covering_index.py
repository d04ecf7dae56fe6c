"""daily_report: the (project, date) index also holds person and withdrawn, so a scope's
reported days and its 完成 lines are read from the index alone (/scores, /export)

Revision ID: d4e5f6a7b8c9
Revises: c3f1a2b4d5e6
Create Date: 2026-12-06 02:00:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = 'd4e5f6a7b8c9'
down_revision: str | None = 'c3f1a2b4d5e6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('daily_report', schema=None) as batch_op:
        batch_op.drop_index('ix_daily_report_project_date')
        batch_op.create_index('ix_daily_report_project_date_person',
                              ['project_id', 'local_date', 'person_id', 'withdrawn'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('daily_report', schema=None) as batch_op:
        batch_op.drop_index('ix_daily_report_project_date_person')
        batch_op.create_index('ix_daily_report_project_date', ['project_id', 'local_date'],
                              unique=False)
