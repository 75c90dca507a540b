"""ai usage: what each paid model call cost, and the owner's monthly cap

Revision ID: 0010_ai_usage
Revises: 0009_reminders
Create Date: 2026-12-01 09:00:00.000000

`ai_usage` holds one row per chat run or transcription: model, requests, tokens, seconds of
audio, and the cost in USD that genai-prices gave when it was made (NULL: unknown model).
`owner_settings.ai_monthly_budget_eur` is the cap the owner set at run time (NULL:
AI_MONTHLY_BUDGET_EUR).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_ai_usage"
down_revision: str | None = "0009_reminders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ordinarthur_os"


def upgrade() -> None:
    op.create_table(
        "ai_usage",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=True),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("requests", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("input_tokens", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("output_tokens", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("audio_seconds", sa.Double(), nullable=True),
        sa.Column("cost_usd", sa.Numeric(20, 12), nullable=True),
        sa.CheckConstraint("kind in ('chat','transcription')", name=op.f("ck_ai_usage_kind")),
        sa.CheckConstraint("requests >= 0", name=op.f("ck_ai_usage_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_usage")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_ai_usage_at"), "ai_usage", ["at"], schema=SCHEMA)
    op.add_column(
        "owner_settings",
        sa.Column("ai_monthly_budget_eur", sa.Numeric(10, 2), nullable=True),
        schema=SCHEMA,
    )
    op.create_check_constraint(
        op.f("ck_owner_settings_ai_monthly_budget_eur"),
        "owner_settings",
        "ai_monthly_budget_eur >= 0",
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("ck_owner_settings_ai_monthly_budget_eur"),
        "owner_settings",
        schema=SCHEMA,
        type_="check",
    )
    op.drop_column("owner_settings", "ai_monthly_budget_eur", schema=SCHEMA)
    op.drop_index(op.f("ix_ai_usage_at"), "ai_usage", schema=SCHEMA)
    op.drop_table("ai_usage", schema=SCHEMA)
