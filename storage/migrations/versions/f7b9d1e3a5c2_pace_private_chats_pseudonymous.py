"""The shared send pace keys a private chat by its pseudonym (a private chat's id is a person's,
perhaps a rater's): rows keyed by a private chat's plain id are dropped (the pace only holds the
last minute's sends; the next send books afresh)

Revision ID: f7b9d1e3a5c2
Revises: e6a8c0d2f4b1
Create Date: 2026-12-06 11:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'f7b9d1e3a5c2'
down_revision: str | None = 'e6a8c0d2f4b1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM pace WHERE key LIKE 'chat:%' AND key NOT LIKE 'chat:-%'")


def downgrade() -> None:
    op.execute("DELETE FROM pace WHERE key LIKE 'person:%'")
