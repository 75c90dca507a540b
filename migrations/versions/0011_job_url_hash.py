"""job url hash: offers are unique by the md5 of their `source_url`, not the URL itself

Revision ID: 0011_job_url_hash
Revises: 0010_ai_usage
Create Date: 2026-11-30 19:00:00.000000

A btree entry holds at most 2,704 bytes: a scraped offer with a longer URL (they reach 4,000
characters) failed the whole ingest batch. The unique index is on `md5(source_url)` (32
characters whatever the URL's length); the upsert's ON CONFLICT names the same expression.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_job_url_hash"
down_revision: str | None = "0010_ai_usage"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ordinarthur_os"


def upgrade() -> None:
    op.drop_constraint(op.f("uq_jobs_source_url"), "jobs", schema=SCHEMA, type_="unique")
    op.create_index(
        "uq_jobs_source_url_md5",
        "jobs",
        [sa.text("md5(source_url)")],
        unique=True,
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index("uq_jobs_source_url_md5", table_name="jobs", schema=SCHEMA)
    op.create_unique_constraint(op.f("uq_jobs_source_url"), "jobs", ["source_url"], schema=SCHEMA)
