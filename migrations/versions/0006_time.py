"""time: reminders and recurrence for todos and events, the owner's event reminder and weekly
review settings

Revision ID: 0006_time
Revises: 0005_location_key_api_source
Create Date: 2026-11-30 18:00:00.000000

`todos.remind_at` rings once; `todos.previous_id` ties an occurrence of a recurring todo to the
one it follows (unique: the next occurrence is inserted once). `calendar_events.recurrence`
(an RRULE) with its exception dates, and `reminder_minutes` (NULL: the owner's default, 0:
none). `owner_settings` gains the event reminder default and the weekly review's moment.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_time"
down_revision: str | None = "0005_location_key_api_source"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ordinarthur_os"


def upgrade() -> None:
    op.add_column("todos", sa.Column("remind_at", sa.DateTime(timezone=True)), schema=SCHEMA)
    op.add_column("todos", sa.Column("previous_id", sa.UUID()), schema=SCHEMA)
    op.create_unique_constraint(
        op.f("uq_todos_previous_id"), "todos", ["previous_id"], schema=SCHEMA
    )
    op.create_foreign_key(
        op.f("fk_todos_previous_id_todos"),
        "todos",
        "todos",
        ["previous_id"],
        ["id"],
        source_schema=SCHEMA,
        referent_schema=SCHEMA,
        ondelete="SET NULL",
    )
    op.create_index(
        op.f("ix_todos_remind_at"),
        "todos",
        ["remind_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("remind_at IS NOT NULL"),
    )
    op.add_column("calendar_events", sa.Column("recurrence", sa.Text()), schema=SCHEMA)
    op.add_column(
        "calendar_events",
        sa.Column(
            "recurrence_exdates",
            postgresql.ARRAY(sa.DateTime(timezone=True)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        schema=SCHEMA,
    )
    op.add_column("calendar_events", sa.Column("reminder_minutes", sa.Integer()), schema=SCHEMA)
    op.create_check_constraint(
        op.f("ck_calendar_events_reminder_minutes"),
        "calendar_events",
        "reminder_minutes >= 0",
        schema=SCHEMA,
    )
    op.add_column(
        "owner_settings", sa.Column("event_reminder_minutes", sa.Integer()), schema=SCHEMA
    )
    op.add_column(
        "owner_settings", sa.Column("weekly_review_day", sa.SmallInteger()), schema=SCHEMA
    )
    op.add_column("owner_settings", sa.Column("weekly_review_time", sa.Time()), schema=SCHEMA)
    op.create_check_constraint(
        op.f("ck_owner_settings_event_reminder_minutes"),
        "owner_settings",
        "event_reminder_minutes >= 0",
        schema=SCHEMA,
    )
    op.create_check_constraint(
        op.f("ck_owner_settings_weekly_review_day"),
        "owner_settings",
        "weekly_review_day between 0 and 6",
        schema=SCHEMA,
    )


def downgrade() -> None:
    for name in ("weekly_review_day", "event_reminder_minutes"):
        op.drop_constraint(
            op.f(f"ck_owner_settings_{name}"), "owner_settings", schema=SCHEMA, type_="check"
        )
    for column in ("weekly_review_time", "weekly_review_day", "event_reminder_minutes"):
        op.drop_column("owner_settings", column, schema=SCHEMA)
    op.drop_constraint(
        op.f("ck_calendar_events_reminder_minutes"),
        "calendar_events",
        schema=SCHEMA,
        type_="check",
    )
    for column in ("reminder_minutes", "recurrence_exdates", "recurrence"):
        op.drop_column("calendar_events", column, schema=SCHEMA)
    op.drop_index(op.f("ix_todos_remind_at"), "todos", schema=SCHEMA)
    op.drop_constraint(
        op.f("fk_todos_previous_id_todos"), "todos", schema=SCHEMA, type_="foreignkey"
    )
    op.drop_constraint(op.f("uq_todos_previous_id"), "todos", schema=SCHEMA, type_="unique")
    op.drop_column("todos", "previous_id", schema=SCHEMA)
    op.drop_column("todos", "remind_at", schema=SCHEMA)
