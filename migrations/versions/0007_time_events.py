"""time (events): Google series are synced as series; the next sync with Google is a full one

Revision ID: 0007_time_events
Revises: 0006_time
Create Date: 2026-12-01 18:00:00.000000

The pull used to list a Google series as its occurrences, each stored as a row of its own;
it now lists a series once (with its RRULE) and its changed or cancelled occurrences. A sync
token given for the old listing would only bring what changed since, so series Google already
had would never arrive as series: the tokens are dropped, and the next sync lists everything
again (the series' old one-occurrence rows then give way to the series).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007_time_events"
down_revision: str | None = "0006_time"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ordinarthur_os"


def upgrade() -> None:
    op.execute(f"UPDATE {SCHEMA}.google_sync_state SET sync_token = NULL")


def downgrade() -> None:
    # The old listing, too, starts again from a full sync.
    op.execute(f"UPDATE {SCHEMA}.google_sync_state SET sync_token = NULL")
