"""google sync: per-event sync marks, deletions to send to Google

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 20:30:00.000000

A trigger, not the query functions, records deleted events: the route, the agent's undo and
the bot all delete through different paths, and a deletion none of them reports would leave
the event alive in Google for ever.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ordinarthur_os"

# Qualified names throughout: pg_dump (backups) restores functions with an empty search_path.
REMEMBER_DELETION = f"""
CREATE FUNCTION {SCHEMA}.remember_google_deletion() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {SCHEMA}.google_sync_state AS s
       SET deleted_event_ids = array_append(s.deleted_event_ids, OLD.google_event_id)
     WHERE s.calendar_id = (SELECT t.calendar_id FROM {SCHEMA}.google_oauth_tokens AS t);
    RETURN NULL;
END
$$
"""

TRIGGER = f"""
CREATE TRIGGER calendar_events_google_deletion
AFTER DELETE ON {SCHEMA}.calendar_events
FOR EACH ROW WHEN (OLD.google_event_id IS NOT NULL)
EXECUTE FUNCTION {SCHEMA}.remember_google_deletion()
"""


def upgrade() -> None:
    for name in ("google_synced_at", "google_updated_at"):
        op.add_column(
            "calendar_events",
            sa.Column(name, sa.DateTime(timezone=True), nullable=True),
            schema=SCHEMA,
        )
    op.add_column(
        "google_sync_state",
        sa.Column(
            "deleted_event_ids",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        schema=SCHEMA,
    )
    op.execute(REMEMBER_DELETION)
    op.execute(TRIGGER)


def downgrade() -> None:
    op.execute(f"DROP TRIGGER calendar_events_google_deletion ON {SCHEMA}.calendar_events")
    op.execute(f"DROP FUNCTION {SCHEMA}.remember_google_deletion()")
    op.drop_column("google_sync_state", "deleted_event_ids", schema=SCHEMA)
    op.drop_column("calendar_events", "google_updated_at", schema=SCHEMA)
    op.drop_column("calendar_events", "google_synced_at", schema=SCHEMA)
