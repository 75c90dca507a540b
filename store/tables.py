"""Typed tables of the `ordinarthur_os` schema.

The domain's tables (jobs, projects, todos, agenda, check-ins, AI actions) are a contract: the
REST API's JSON and the external job scraper use their columns, CHECKs and defaults as they are.
Tables and columns added for this service's own needs (Telegram, Google sync, exactly-once
sends) are marked "service:" with the reason. A column that has a default is NOT NULL: a NULL
there can only be a bug, and every reader would have to handle it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ColumnElement,
    Computed,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    Text,
    Time,
    UniqueConstraint,
    column,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.vocabulary import (
    ACTION_SOURCES,
    ACTION_STATUSES,
    AI_USAGE_KINDS,
    ENERGIES,
    HIGHEST_PRIORITY,
    LANGUAGES,
    LOWEST_PRIORITY,
    PROJECT_KINDS,
    REMOTE_TYPES,
    STEP_STATUSES,
    SYNC_STOPS,
    TODO_STATUSES,
)

SCHEMA = "ordinarthur_os"

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

EMPTY_TEXT_ARRAY = text("'{}'::text[]")


class Base(DeclarativeBase):
    metadata = MetaData(schema=SCHEMA, naming_convention=NAMING)


def _uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )


def _created_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


def _text_array() -> Mapped[list[str]]:
    return mapped_column(ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY)


def _one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    """`column in ('a','b')`, the CHECK of a closed vocabulary, named after its column."""
    listed = ",".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} in ({listed})", name=column)


# ---------------------------------------------------------------- jobs


def search_key(value: ColumnElement[str]) -> ColumnElement[str]:
    """Text as searched: lower case, accents and typographic apostrophes dropped
    ("Saint-Étienne" → "saint-etienne", "Villeneuve-d’Ascq" → "villeneuve-d'ascq").

    Built-in immutable functions only, so that it can be a stored generated column: the
    `unaccent` extension is not immutable, may not be installable on an external server, and
    lives outside the one schema a backup holds."""
    decomposed = func.normalize(func.translate(value, "’‘", "''"), literal_column("NFKD"))
    # \u0300-\u036f: the combining diacritical marks NFKD split off their letters.
    return func.lower(func.regexp_replace(decomposed, r"[\u0300-\u036f]", "", "g"))


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        _one_of("remote_type", REMOTE_TYPES),
        Index("ix_jobs_last_seen_at_desc", text("last_seen_at desc")),
        Index(None, "archived"),
        # service: unique by a hash, as a btree entry holds at most 2,704 bytes and scraped
        # URLs reach 4,000 characters. md5 is a key here, not a protection.
        Index("uq_jobs_source_url_md5", func.md5(column("source_url")), unique=True),
    )

    id: Mapped[uuid.UUID] = _uuid_pk()
    source: Mapped[str] = mapped_column(Text, nullable=False)
    source_url: Mapped[str] = mapped_column(Text, nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    company: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    remote_type: Mapped[str | None] = mapped_column(Text)
    salary_min: Mapped[int | None] = mapped_column(Integer)
    salary_max: Mapped[int | None] = mapped_column(Integer)
    stack: Mapped[list[str]] = _text_array()
    apply_url: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = _created_at()
    last_seen_at: Mapped[datetime] = _created_at()
    archived: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    starred: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    applied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notes: Mapped[str | None] = mapped_column(Text)
    # service: `location` as `GET /jobs?location=` searches it, computed once per write rather
    # than on every row of every search.
    location_key: Mapped[str | None] = mapped_column(
        Text, Computed(search_key(column("location")), persisted=True)
    )


class JobSearchCriteria(Base):
    __tablename__ = "job_search_criteria"

    id: Mapped[uuid.UUID] = _uuid_pk()
    name: Mapped[str | None] = mapped_column(Text)
    titles: Mapped[list[str]] = _text_array()
    locations: Mapped[list[str]] = _text_array()
    stack: Mapped[list[str]] = _text_array()
    remote_types: Mapped[list[str]] = _text_array()
    salary_min: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    updated_at: Mapped[datetime] = _created_at()


# ---------------------------------------------------------------- projects


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (_one_of("kind", PROJECT_KINDS),)

    id: Mapped[uuid.UUID] = _uuid_pk()
    name: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'perso'"))
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'active'"))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()


class ProjectStep(Base):
    __tablename__ = "project_steps"
    __table_args__ = (
        _one_of("status", STEP_STATUSES),
        Index(None, "project_id", "status", "position"),
    )

    id: Mapped[uuid.UUID] = _uuid_pk()
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'backlog'"))
    position: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    created_at: Mapped[datetime] = _created_at()
    # service: when it last changed column or place (the weekly review's stalled projects).
    moved_at: Mapped[datetime] = _created_at()


class ProjectIdea(Base):
    __tablename__ = "project_ideas"
    # service: ideas are always read per project.
    __table_args__ = (Index(None, "project_id"),)

    id: Mapped[uuid.UUID] = _uuid_pk()
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    content: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = _created_at()


# ---------------------------------------------------------------- todos


class Todo(Base):
    __tablename__ = "todos"
    __table_args__ = (
        _one_of("status", TODO_STATUSES),
        CheckConstraint(
            f"priority between {LOWEST_PRIORITY} and {HIGHEST_PRIORITY}", name="priority"
        ),
        _one_of("energy", ENERGIES),
        Index(None, "status"),
        Index(None, "due_at"),
        # service: the scheduler looks for the reminders due in the next minutes.
        Index(None, "remind_at", postgresql_where=text("remind_at IS NOT NULL")),
    )

    id: Mapped[uuid.UUID] = _uuid_pk()
    title: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'inbox'"))
    priority: Mapped[int | None] = mapped_column(SmallInteger)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    tags: Mapped[list[str]] = _text_array()
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL")
    )
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default=text("'[]'::jsonb")
    )
    energy: Mapped[str | None] = mapped_column(Text)
    context: Mapped[str | None] = mapped_column(Text)
    recurrence: Mapped[str | None] = mapped_column(Text)
    ticket_url: Mapped[str | None] = mapped_column(Text)
    verification_steps: Mapped[list[str]] = _text_array()
    ai_enriched: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false")
    )
    created_at: Mapped[datetime] = _created_at()
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # service: when to ring (a Telegram message at that minute, once).
    remind_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # service: the occurrence of a recurring todo this one follows. Unique: completing an
    # occurrence brings the next one exactly once, whatever taps, undos and replays happen.
    previous_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("todos.id", ondelete="SET NULL"), unique=True
    )


# ---------------------------------------------------------------- agenda


class CalendarEvent(Base):
    __tablename__ = "calendar_events"
    __table_args__ = (
        Index(None, "starts_at"),
        # service: an event never ends before it starts, whichever path wrote it.
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        CheckConstraint("reminder_minutes >= 0", name="reminder_minutes"),
        # service: an override replaces one occurrence of its series, at most once.
        UniqueConstraint("recurring_event_id", "original_start"),
        CheckConstraint(
            "(recurring_event_id IS NULL) = (original_start IS NULL)",
            name="override_of_one_occurrence",
        ),
    )

    id: Mapped[uuid.UUID] = _uuid_pk()
    google_event_id: Mapped[str | None] = mapped_column(Text, unique=True)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    all_day: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    source: Mapped[str] = mapped_column(
        Text, nullable=False, server_default=text("'ordinarthur-os'")
    )
    created_at: Mapped[datetime] = _created_at()
    # service: no database default. The Google sync compares it, so only the app's clock
    # writes it (store.agenda: every write passes `now`).
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # service: two-way Google sync. `google_synced_at` is this row's `updated_at`
    # as of its last exchange with Google (another value: changed here since); `google_updated_at`
    # is Google's `updated` then (another value in Google: changed there since).
    google_synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    google_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # service: an RFC 5545 RRULE (without "RRULE:"), expanded in the owner's zone from
    # starts_at; the exception dates are occurrence starts left out of the series.
    recurrence: Mapped[str | None] = mapped_column(Text)
    recurrence_exdates: Mapped[list[datetime]] = mapped_column(
        ARRAY(DateTime(timezone=True)), nullable=False, server_default=text("'{}'")
    )
    # service: minutes before each occurrence to ring; NULL: the owner's default, 0: never.
    reminder_minutes: Mapped[int | None] = mapped_column(Integer)
    # service: three-way merge with Google. `google_base` is the event as both sides last
    # agreed on it (integrations.google.merge's copy), `google_etag` Google's ETag then (sent
    # as If-Match); `google_error` why the last push of this row failed (NULL: it went).
    google_base: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    google_etag: Mapped[str | None] = mapped_column(Text)
    google_error: Mapped[str | None] = mapped_column(Text)
    # service: an override of one occurrence of a series (moved or changed in Google): that
    # occurrence, at `original_start`, is this row; deleted with its series.
    recurring_event_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("calendar_events.id", ondelete="CASCADE")
    )
    original_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class GoogleOAuthToken(Base):
    """Single row: the owner's Google account."""

    __tablename__ = "google_oauth_tokens"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, server_default=text("1"))
    access_token: Mapped[str] = mapped_column(Text, nullable=False)
    refresh_token: Mapped[str] = mapped_column(Text, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    calendar_id: Mapped[str | None] = mapped_column(Text)


class GoogleSyncState(Base):
    """service: incremental two-way sync needs the last `nextSyncToken` per calendar, and the
    OAuth web flow needs `state` + PKCE `code_verifier` to survive between start and callback."""

    __tablename__ = "google_sync_state"
    __table_args__ = (_one_of("stopped", SYNC_STOPS),)

    calendar_id: Mapped[str] = mapped_column(Text, primary_key=True)
    sync_token: Mapped[str | None] = mapped_column(Text)
    last_synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    # service: Google ids of events deleted here, deleted there at the next sync. Written by the
    # trigger `calendar_events_google_deletion` (migration 0002), whatever deleted the row.
    deleted_event_ids: Mapped[list[str]] = _text_array()
    # service: the last push Google confirmed, as our clock and Google's `updated` saw it: a
    # change on each side is timed from it, each on its own clock (integrations.google.merge).
    paired_app_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paired_google_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # service: why the periodic sync stopped until the owner reconnects, and since when.
    stopped: Mapped[str | None] = mapped_column(Text)
    stopped_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # service: what the last sync did (counts, events restored in Google, errors).
    last_report: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class GoogleOAuthState(Base):
    """service: see GoogleSyncState; rows older than a few minutes are useless."""

    __tablename__ = "google_oauth_states"

    state: Mapped[str] = mapped_column(Text, primary_key=True)
    code_verifier: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()


# ---------------------------------------------------------------- health


class DailyCheckin(Base):
    __tablename__ = "daily_checkins"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    meds_taken: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    note: Mapped[str | None] = mapped_column(Text)
    # service: "⏭️ Pas aujourd'hui" ends the day's reminders without pretending meds were taken.
    skipped: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    # service: "⏰ +30 min" survives a restart: the scheduler re-arms it from here.
    snoozed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = _created_at()


# ---------------------------------------------------------------- AI audit


class AiAction(Base):
    __tablename__ = "ai_actions"
    __table_args__ = (
        _one_of("status", ACTION_STATUSES),
        _one_of("source", ACTION_SOURCES),
        Index(None, "proposal_id"),
        Index("ix_ai_actions_created_at_desc", text("created_at desc")),
    )

    id: Mapped[uuid.UUID] = _uuid_pk()
    input_text: Mapped[str | None] = mapped_column(Text)
    transcript: Mapped[str | None] = mapped_column(Text)
    function_name: Mapped[str | None] = mapped_column(Text)
    function_args: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'proposed'"))
    created_at: Mapped[datetime] = _created_at()
    # service: the actions proposed for one message share a proposal id, confirmed together.
    proposal_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    position: Mapped[int] = mapped_column(SmallInteger, nullable=False, server_default=text("0"))
    # service: where the message came from, and what it cost (the owner's LLM bill).
    source: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'pwa'"))
    model_name: Mapped[str | None] = mapped_column(Text)
    tokens_in: Mapped[int | None] = mapped_column(Integer)
    tokens_out: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    # service: the Telegram card to edit when the proposal changes state.
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # service: when it was confirmed (undo window) and why it failed.
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)


class AiUsage(Base):
    """service: what the AI cost, one row per call of a paid model: a chat run (a proposal, a
    revision, a question; `requests` counts the model requests it made) or a transcription.
    Not per proposal: questions and transcriptions are not proposals, and a run that failed
    after the model answered was billed all the same."""

    __tablename__ = "ai_usage"
    __table_args__ = (
        _one_of("kind", AI_USAGE_KINDS),
        CheckConstraint("requests >= 0", name="requests"),
        Index(None, "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    # From the application's clock: the month it counts in is decided by it.
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    kind: Mapped[str] = mapped_column(Text, nullable=False)
    provider: Mapped[str | None] = mapped_column(Text)
    model: Mapped[str] = mapped_column(Text, nullable=False)
    requests: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))
    input_tokens: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    output_tokens: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    # Transcriptions only; NULL when the length of the audio could not be told.
    audio_seconds: Mapped[float | None] = mapped_column(Double)
    # In USD, as genai-prices priced it when the request was made; NULL: it does not know the
    # model (or the audio's length), and no price is guessed.
    cost_usd: Mapped[Decimal | None] = mapped_column(Numeric(20, 12))


class VoiceFailure(Base):
    """service: a voice note whose transcription failed. Its Telegram file id is kept so that
    the owner's 🔁 can try again; nothing was proposed, so it is not an `ai_actions` row."""

    __tablename__ = "voice_failures"

    id: Mapped[uuid.UUID] = _uuid_pk()
    telegram_file_id: Mapped[str] = mapped_column(Text, nullable=False)
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = _created_at()


# ---------------------------------------------------------------- offline sync


class ClientMutation(Base):
    __tablename__ = "client_mutations"

    client_mutation_id: Mapped[str] = mapped_column(Text, primary_key=True)
    applied_at: Mapped[datetime] = _created_at()
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


# ---------------------------------------------------------------- service tables


class SentLog(Base):
    """service: exactly-once sends. A digest or reminder is claimed here under (kind, slot)
    before it goes out; a second claimer (replica, restart, retry) gets no row back. An unsent
    claim may be taken again from `retry_at` on (a failed send, or a sender that died), until
    its window ends; `given_up_at` closes it for good."""

    __tablename__ = "sent_log"
    __table_args__ = (UniqueConstraint("kind", "slot"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(Text, nullable=False)
    slot: Mapped[str] = mapped_column(Text, nullable=False)
    claimed_at: Mapped[datetime] = _created_at()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))
    retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    given_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TelegramUpdate(Base):
    """service: Telegram redelivers updates (webhook retries, polling after a crash);
    an update id is processed once."""

    __tablename__ = "telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = _created_at()


class OwnerSettings(Base):
    """service: what the owner changes at run time (bot /settings, PUT /settings).
    A NULL column means "use the environment's default"."""

    __tablename__ = "owner_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("event_reminder_minutes >= 0", name="event_reminder_minutes"),
        CheckConstraint("weekly_review_day between 0 and 6", name="weekly_review_day"),
        CheckConstraint("ai_monthly_budget_eur >= 0", name="ai_monthly_budget_eur"),
        _one_of("language", LANGUAGES),
    )

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, server_default=text("1"))
    digest_time: Mapped[time | None] = mapped_column(Time)
    med_reminder_times: Mapped[list[time] | None] = mapped_column(ARRAY(Time))
    event_reminder_minutes: Mapped[int | None] = mapped_column(Integer)
    # The weekly review's day (0 = Monday) and time; both NULL: WEEKLY_REVIEW_TIME.
    weekly_review_day: Mapped[int | None] = mapped_column(SmallInteger)
    weekly_review_time: Mapped[time | None] = mapped_column(Time)
    # The AI's monthly cap in euros; NULL: AI_MONTHLY_BUDGET_EUR.
    ai_monthly_budget_eur: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    language: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'fr'"))
    updated_at: Mapped[datetime] = _created_at()


class BotConversation(Base):
    """service: where a Telegram conversation stands (e.g. "waiting for the correction of
    proposal X" after ✏️). In the database, not in memory, so that with several replicas in
    webhook mode the owner's next message finds it whichever replica receives it."""

    __tablename__ = "bot_conversations"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    state: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'{}'::jsonb")
    )
    updated_at: Mapped[datetime] = _created_at()


class AuthSession(Base):
    """service: a device the owner signed in from Telegram (the PWA as a Mini App). Only the
    SHA-256 of its bearer token is kept: a copy of the database opens nothing. Revoking deletes
    the row; an expired row is refused, then pruned at the next sign-in."""

    __tablename__ = "auth_sessions"
    __table_args__ = (
        CheckConstraint("octet_length(token_hash) = 32", name="token_hash"),
        CheckConstraint("expires_at > created_at", name="expires_at"),
    )

    id: Mapped[uuid.UUID] = _uuid_pk()
    token_hash: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, unique=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    # The browser's User-Agent, trimmed: what the owner recognises a device by in the list.
    device: Mapped[str] = mapped_column(Text, nullable=False)
    # From the application's clock, never the database's: expiry is compared with it.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
