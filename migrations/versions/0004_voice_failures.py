"""voice failures: failed transcriptions in a table of their own, not as fake ai_actions rows

Revision ID: 0004_voice_failures
Revises: 0003
Create Date: 2026-11-25 22:00:00.000000

Until now a failed voice note was an `ai_actions` row with no function, status 'failed', its
file id in `function_args` and its reason in `error` ("transcription : <reason>"). Those rows
move to `voice_failures` with their ids (the 🔁 buttons already sent name them), and back on a
downgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_voice_failures"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ordinarthur_os"
PREFIX = "transcription : "
# What identified a failed voice note among the audit trail's rows.
FAKE_ACTION = "function_name IS NULL AND function_args ->> 'voice_file_id' IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "voice_failures",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("telegram_file_id", sa.Text(), nullable=False),
        sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_failures")),
        schema=SCHEMA,
    )
    op.execute(
        f"""
        INSERT INTO {SCHEMA}.voice_failures
            (id, telegram_file_id, telegram_chat_id, error, created_at)
        SELECT id, function_args ->> 'voice_file_id', telegram_chat_id,
               coalesce(substring(error FROM '^{PREFIX}(.*)$'), error, ''), created_at
          FROM {SCHEMA}.ai_actions
         WHERE {FAKE_ACTION}
        """
    )
    op.execute(f"DELETE FROM {SCHEMA}.ai_actions WHERE {FAKE_ACTION}")


def downgrade() -> None:
    op.execute(
        f"""
        INSERT INTO {SCHEMA}.ai_actions
            (id, proposal_id, status, source, function_args, error, telegram_chat_id, created_at)
        SELECT id, gen_random_uuid(), 'failed', 'telegram',
               jsonb_build_object('voice_file_id', telegram_file_id),
               '{PREFIX}' || error, telegram_chat_id, created_at
          FROM {SCHEMA}.voice_failures
        """
    )
    op.drop_table("voice_failures", schema=SCHEMA)
