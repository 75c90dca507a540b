"""jobs searchable by location (location_key); "api" as a source of the audit trail

Revision ID: 0005_location_key_api_source
Revises: 0004_voice_failures
Create Date: 2026-11-26 10:00:00.000000

`jobs.location_key` is `location` lower-cased, without accents: `GET /jobs?location=` searches
it. Built-in immutable functions only (see `store.tables.search_key`); adding the column
rewrites `jobs` once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_location_key_api_source"
down_revision: str | None = "0004_voice_failures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ordinarthur_os"

LOCATION_KEY = (
    "lower(regexp_replace(normalize(translate(location, '’‘', ''''''), NFKD), "
    r"'[\u0300-\u036f]', '', 'g'))"
)


def upgrade() -> None:
    op.add_column(
        "jobs",
        sa.Column("location_key", sa.Text(), sa.Computed(LOCATION_KEY, persisted=True)),
        schema=SCHEMA,
    )
    op.drop_constraint(op.f("ck_ai_actions_source"), "ai_actions", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        op.f("ck_ai_actions_source"),
        "ai_actions",
        "source in ('telegram','pwa','api')",
        schema=SCHEMA,
    )


def downgrade() -> None:
    # Kept, as the closest older source: the audit trail is not thrown away.
    op.execute(f"UPDATE {SCHEMA}.ai_actions SET source = 'pwa' WHERE source = 'api'")
    op.drop_constraint(op.f("ck_ai_actions_source"), "ai_actions", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        op.f("ck_ai_actions_source"), "ai_actions", "source in ('telegram','pwa')", schema=SCHEMA
    )
    op.drop_column("jobs", "location_key", schema=SCHEMA)
