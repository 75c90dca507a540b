"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 19:18:12.788674
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "ai_actions",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("input_text", sa.Text(), nullable=True),
        sa.Column("transcript", sa.Text(), nullable=True),
        sa.Column("function_name", sa.Text(), nullable=True),
        sa.Column("function_args", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("status", sa.Text(), server_default=sa.text("'proposed'"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("proposal_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("source", sa.Text(), server_default=sa.text("'pwa'"), nullable=False),
        sa.Column("model_name", sa.Text(), nullable=True),
        sa.Column("tokens_in", sa.Integer(), nullable=True),
        sa.Column("tokens_out", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("source in ('telegram','pwa')", name=op.f("ck_ai_actions_source")),
        sa.CheckConstraint(
            "status in ('proposed','confirmed','cancelled','failed','undone','superseded')",
            name=op.f("ck_ai_actions_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_actions")),
        schema="ordinarthur_os",
    )
    op.create_index(
        "ix_ai_actions_created_at_desc",
        "ai_actions",
        [sa.literal_column("created_at desc")],
        unique=False,
        schema="ordinarthur_os",
    )
    op.create_index(
        op.f("ix_ai_actions_proposal_id"),
        "ai_actions",
        ["proposal_id"],
        unique=False,
        schema="ordinarthur_os",
    )
    op.create_table(
        "calendar_events",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("google_event_id", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("all_day", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("source", sa.Text(), server_default=sa.text("'ordinarthur-os'"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "ends_at >= starts_at", name=op.f("ck_calendar_events_ends_after_start")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_events")),
        sa.UniqueConstraint("google_event_id", name=op.f("uq_calendar_events_google_event_id")),
        schema="ordinarthur_os",
    )
    op.create_index(
        op.f("ix_calendar_events_starts_at"),
        "calendar_events",
        ["starts_at"],
        unique=False,
        schema="ordinarthur_os",
    )
    op.create_table(
        "client_mutations",
        sa.Column("client_mutation_id", sa.Text(), nullable=False),
        sa.Column(
            "applied_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("client_mutation_id", name=op.f("pk_client_mutations")),
        schema="ordinarthur_os",
    )
    op.create_table(
        "daily_checkins",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("meds_taken", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("skipped", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_daily_checkins")),
        schema="ordinarthur_os",
    )
    op.create_table(
        "google_oauth_states",
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("code_verifier", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_google_oauth_states")),
        schema="ordinarthur_os",
    )
    op.create_table(
        "google_oauth_tokens",
        sa.Column("id", sa.SmallInteger(), server_default=sa.text("1"), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("calendar_id", sa.Text(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_google_oauth_tokens_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_google_oauth_tokens")),
        schema="ordinarthur_os",
    )
    op.create_table(
        "google_sync_state",
        sa.Column("calendar_id", sa.Text(), nullable=False),
        sa.Column("sync_token", sa.Text(), nullable=True),
        sa.Column("last_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("calendar_id", name=op.f("pk_google_sync_state")),
        schema="ordinarthur_os",
    )
    op.create_table(
        "job_search_criteria",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column(
            "titles",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column(
            "locations",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column(
            "stack",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column(
            "remote_types",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column("salary_min", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_search_criteria")),
        schema="ordinarthur_os",
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("remote_type", sa.Text(), nullable=True),
        sa.Column("salary_min", sa.Integer(), nullable=True),
        sa.Column("salary_max", sa.Integer(), nullable=True),
        sa.Column(
            "stack",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column("apply_url", sa.Text(), nullable=True),
        sa.Column(
            "first_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "last_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("archived", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("starred", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "remote_type in ('remote','hybrid','onsite')", name=op.f("ck_jobs_remote_type")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("source_url", name=op.f("uq_jobs_source_url")),
        schema="ordinarthur_os",
    )
    op.create_index(
        op.f("ix_jobs_archived"), "jobs", ["archived"], unique=False, schema="ordinarthur_os"
    )
    op.create_index(
        "ix_jobs_last_seen_at_desc",
        "jobs",
        [sa.literal_column("last_seen_at desc")],
        unique=False,
        schema="ordinarthur_os",
    )
    op.create_table(
        "owner_settings",
        sa.Column("id", sa.SmallInteger(), server_default=sa.text("1"), nullable=False),
        sa.Column("digest_time", sa.Time(), nullable=True),
        sa.Column("med_reminder_times", postgresql.ARRAY(sa.Time()), nullable=True),
        sa.Column("language", sa.Text(), server_default=sa.text("'fr'"), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("language in ('fr','en')", name=op.f("ck_owner_settings_language")),
        sa.CheckConstraint("id = 1", name=op.f("ck_owner_settings_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_settings")),
        schema="ordinarthur_os",
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), server_default=sa.text("'perso'"), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'active'"), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("kind in ('freelance','perso')", name=op.f("ck_projects_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        schema="ordinarthur_os",
    )
    op.create_table(
        "sent_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("slot", sa.Text(), nullable=False),
        sa.Column(
            "claimed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_log")),
        sa.UniqueConstraint("kind", "slot", name=op.f("uq_sent_log_kind_slot")),
        schema="ordinarthur_os",
    )
    op.create_table(
        "telegram_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_telegram_updates")),
        schema="ordinarthur_os",
    )
    op.create_table(
        "project_ideas",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("project_id", sa.UUID(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["ordinarthur_os.projects.id"],
            name=op.f("fk_project_ideas_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_ideas")),
        schema="ordinarthur_os",
    )
    op.create_index(
        op.f("ix_project_ideas_project_id"),
        "project_ideas",
        ["project_id"],
        unique=False,
        schema="ordinarthur_os",
    )
    op.create_table(
        "project_steps",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("project_id", sa.UUID(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), server_default=sa.text("'backlog'"), nullable=False),
        sa.Column("position", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status in ('backlog','todo','doing','review','done')",
            name=op.f("ck_project_steps_status"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["ordinarthur_os.projects.id"],
            name=op.f("fk_project_steps_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_steps")),
        schema="ordinarthur_os",
    )
    op.create_index(
        op.f("ix_project_steps_project_id_status_position"),
        "project_steps",
        ["project_id", "status", "position"],
        unique=False,
        schema="ordinarthur_os",
    )
    op.create_table(
        "todos",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), server_default=sa.text("'inbox'"), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "tags",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column("project_id", sa.UUID(), nullable=True),
        sa.Column(
            "checklist",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("energy", sa.Text(), nullable=True),
        sa.Column("context", sa.Text(), nullable=True),
        sa.Column("recurrence", sa.Text(), nullable=True),
        sa.Column("ticket_url", sa.Text(), nullable=True),
        sa.Column(
            "verification_steps",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column("ai_enriched", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("energy in ('low','med','high')", name=op.f("ck_todos_energy")),
        sa.CheckConstraint(
            "status in ('inbox','todo','doing','done','archived')", name=op.f("ck_todos_status")
        ),
        sa.CheckConstraint("priority between 0 and 3", name=op.f("ck_todos_priority")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["ordinarthur_os.projects.id"],
            name=op.f("fk_todos_project_id_projects"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_todos")),
        schema="ordinarthur_os",
    )
    op.create_index(
        op.f("ix_todos_due_at"), "todos", ["due_at"], unique=False, schema="ordinarthur_os"
    )
    op.create_index(
        op.f("ix_todos_status"), "todos", ["status"], unique=False, schema="ordinarthur_os"
    )


def downgrade() -> None:

    op.drop_index(op.f("ix_todos_status"), table_name="todos", schema="ordinarthur_os")
    op.drop_index(op.f("ix_todos_due_at"), table_name="todos", schema="ordinarthur_os")
    op.drop_table("todos", schema="ordinarthur_os")
    op.drop_index(
        op.f("ix_project_steps_project_id_status_position"),
        table_name="project_steps",
        schema="ordinarthur_os",
    )
    op.drop_table("project_steps", schema="ordinarthur_os")
    op.drop_index(
        op.f("ix_project_ideas_project_id"), table_name="project_ideas", schema="ordinarthur_os"
    )
    op.drop_table("project_ideas", schema="ordinarthur_os")
    op.drop_table("telegram_updates", schema="ordinarthur_os")
    op.drop_table("sent_log", schema="ordinarthur_os")
    op.drop_table("projects", schema="ordinarthur_os")
    op.drop_table("owner_settings", schema="ordinarthur_os")
    op.drop_index("ix_jobs_last_seen_at_desc", table_name="jobs", schema="ordinarthur_os")
    op.drop_index(op.f("ix_jobs_archived"), table_name="jobs", schema="ordinarthur_os")
    op.drop_table("jobs", schema="ordinarthur_os")
    op.drop_table("job_search_criteria", schema="ordinarthur_os")
    op.drop_table("google_sync_state", schema="ordinarthur_os")
    op.drop_table("google_oauth_tokens", schema="ordinarthur_os")
    op.drop_table("google_oauth_states", schema="ordinarthur_os")
    op.drop_table("daily_checkins", schema="ordinarthur_os")
    op.drop_table("client_mutations", schema="ordinarthur_os")
    op.drop_index(
        op.f("ix_calendar_events_starts_at"), table_name="calendar_events", schema="ordinarthur_os"
    )
    op.drop_table("calendar_events", schema="ordinarthur_os")
    op.drop_index(
        op.f("ix_ai_actions_proposal_id"), table_name="ai_actions", schema="ordinarthur_os"
    )
    op.drop_index(
        "ix_ai_actions_created_at_desc", table_name="ai_actions", schema="ordinarthur_os"
    )
    op.drop_table("ai_actions", schema="ordinarthur_os")
