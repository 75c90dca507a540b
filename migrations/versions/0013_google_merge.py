"""google merge: the last synced copy of each event, its ETag and push error; occurrences
changed in Google; the sync's clock pair and why it stopped

Revision ID: 0013_google_merge
Revises: 0012_questions
Create Date: 2026-12-02 18:00:00.000000

`calendar_events.google_base` is the event as both sides last agreed on it (the common
ancestor of a three-way merge), `google_etag` Google's ETag then (sent as If-Match),
`google_error` why its last push failed. A row with `recurring_event_id` and `original_start`
replaces that one occurrence of its series (moved or changed in Google); it goes with its
series. `updated_at` loses its database default: the sync compares it, so only the app's clock
writes it. `google_sync_state` gains the clock pair of the last push Google confirmed (our
time, Google's `updated`), why the sync stopped (`calendar_gone`, `token_refused`) and since
when, and the last sync's report.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013_google_merge"
down_revision: str | None = "0012_questions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ordinarthur_os"
EVENTS = "calendar_events"
STATE = "google_sync_state"


def upgrade() -> None:
    op.add_column(EVENTS, sa.Column("google_base", postgresql.JSONB()), schema=SCHEMA)
    op.add_column(EVENTS, sa.Column("google_etag", sa.Text()), schema=SCHEMA)
    op.add_column(EVENTS, sa.Column("google_error", sa.Text()), schema=SCHEMA)
    op.add_column(EVENTS, sa.Column("recurring_event_id", sa.UUID()), schema=SCHEMA)
    op.add_column(EVENTS, sa.Column("original_start", sa.DateTime(timezone=True)), schema=SCHEMA)
    op.create_foreign_key(
        op.f("fk_calendar_events_recurring_event_id_calendar_events"),
        EVENTS,
        EVENTS,
        ["recurring_event_id"],
        ["id"],
        source_schema=SCHEMA,
        referent_schema=SCHEMA,
        ondelete="CASCADE",
    )
    op.create_unique_constraint(
        op.f("uq_calendar_events_recurring_event_id_original_start"),
        EVENTS,
        ["recurring_event_id", "original_start"],
        schema=SCHEMA,
    )
    op.create_check_constraint(
        op.f("ck_calendar_events_override_of_one_occurrence"),
        EVENTS,
        "(recurring_event_id IS NULL) = (original_start IS NULL)",
        schema=SCHEMA,
    )
    op.alter_column(EVENTS, "updated_at", server_default=None, schema=SCHEMA)
    for name in ("paired_app_at", "paired_google_at", "stopped_since"):
        op.add_column(STATE, sa.Column(name, sa.DateTime(timezone=True)), schema=SCHEMA)
    op.add_column(STATE, sa.Column("stopped", sa.Text()), schema=SCHEMA)
    op.add_column(STATE, sa.Column("last_report", postgresql.JSONB()), schema=SCHEMA)
    op.create_check_constraint(
        op.f("ck_google_sync_state_stopped"),
        STATE,
        "stopped in ('calendar_gone','token_refused')",
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_google_sync_state_stopped"), STATE, schema=SCHEMA)
    for name in ("last_report", "stopped", "stopped_since", "paired_google_at", "paired_app_at"):
        op.drop_column(STATE, name, schema=SCHEMA)
    op.alter_column(EVENTS, "updated_at", server_default=sa.text("now()"), schema=SCHEMA)
    # Overrides of one occurrence have no place in the older schema: their series show the
    # occurrence at its original time again. Unlinked first, so that the deletion trigger does
    # not cancel the occurrence in Google.
    overrides = "recurring_event_id IS NOT NULL"
    op.execute(f"UPDATE {SCHEMA}.{EVENTS} SET google_event_id = NULL WHERE {overrides}")
    op.execute(f"DELETE FROM {SCHEMA}.{EVENTS} WHERE {overrides}")
    op.drop_constraint(
        op.f("ck_calendar_events_override_of_one_occurrence"), EVENTS, schema=SCHEMA
    )
    op.drop_constraint(
        op.f("uq_calendar_events_recurring_event_id_original_start"), EVENTS, schema=SCHEMA
    )
    op.drop_constraint(
        op.f("fk_calendar_events_recurring_event_id_calendar_events"), EVENTS, schema=SCHEMA
    )
    for name in ("original_start", "recurring_event_id", "google_error", "google_etag"):
        op.drop_column(EVENTS, name, schema=SCHEMA)
    op.drop_column(EVENTS, "google_base", schema=SCHEMA)
