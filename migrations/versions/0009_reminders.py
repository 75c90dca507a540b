"""reminders: a failed scheduled send is retried in its window; a step's last move is dated

Revision ID: 0009_reminders
Revises: 0008_sessions
Create Date: 2026-11-30 19:00:00.000000

`sent_log` rows become leases: `retry_at` is when the claim may be taken again if it is still
unsent (a failed send: after its back-off or Telegram's retry_after; a sender that died mid-send:
when its lease ends), `attempts` counts the tries, `given_up_at` closes a claim for good (a
permanent refusal, or a reminder past its window). Rows written before have no `retry_at`: they
are never retried. `project_steps.moved_at` is when a step last changed column or place (the
weekly review lists projects where nothing moved for 14 days).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_reminders"
down_revision: str | None = "0008_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ordinarthur_os"


def upgrade() -> None:
    op.add_column(
        "sent_log",
        sa.Column("attempts", sa.Integer(), server_default=sa.text("1"), nullable=False),
        schema=SCHEMA,
    )
    op.add_column("sent_log", sa.Column("retry_at", sa.DateTime(timezone=True)), schema=SCHEMA)
    op.add_column("sent_log", sa.Column("given_up_at", sa.DateTime(timezone=True)), schema=SCHEMA)
    op.add_column(
        "project_steps",
        sa.Column(
            "moved_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        schema=SCHEMA,
    )
    # Until now a step kept no date but its creation: the best guess of its last move.
    op.execute(f"UPDATE {SCHEMA}.project_steps SET moved_at = created_at")


def downgrade() -> None:
    op.drop_column("project_steps", "moved_at", schema=SCHEMA)
    for column in ("given_up_at", "retry_at", "attempts"):
        op.drop_column("sent_log", column, schema=SCHEMA)
