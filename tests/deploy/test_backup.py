"""`ordinarthur-os backup` / `restore`: every row of every table comes back, a schema with data is
not overwritten without --force, and a restore that fails changes nothing.

The CLI runs in-process against a scratch database on the session's embedded server (dropping
the schema there leaves the other tests alone), and once against its own embedded server.
"""

from __future__ import annotations

import asyncio
import io
import os
import stat
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from sqlalchemy import Table, insert, select, text, update
from sqlalchemy.engine import make_url

import migrations
from app import backup, cli
from app.settings import Settings
from store.db import create_engine, to_libpq_url
from store.embedded import EmbeddedPostgres
from store.tables import SCHEMA, Base

SCRATCH = "backup_scratch"
PARIS = ZoneInfo("Europe/Paris")
AT = datetime(2026, 11, 25, 9, 30, tzinfo=PARIS)
PROJECT = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
TABLES = {t.name: t for t in Base.metadata.sorted_tables}

# One row per table, with the awkward types filled in (arrays, JSONB, time[], bigints).
SAMPLES: dict[str, dict[str, Any]] = {
    "jobs": {
        "source": "welcome",
        "source_url": "https://example.org/jobs/1",
        "title": "Développeur Python",
        "company": "ACME",
        "remote_type": "hybrid",
        "salary_min": 50000,
        "stack": ["python", "postgres"],
        "starred": True,
        "applied_at": AT,
    },
    "job_search_criteria": {
        "name": "Python à Paris",
        "titles": ["dev"],
        "locations": ["Paris"],
        "remote_types": ["remote", "hybrid"],
        "salary_min": 45000,
    },
    "projects": {"id": PROJECT, "name": "Portfolio", "kind": "freelance"},
    "project_steps": {
        "project_id": PROJECT,
        "title": "Maquette",
        "status": "doing",
        "position": 2,
    },
    "project_ideas": {"project_id": PROJECT, "content": "Un mode sombre"},
    "todos": {
        "title": "Acheter du pain",
        "priority": 2,
        "due_at": AT + timedelta(days=1),
        "tags": ["courses"],
        "project_id": PROJECT,
        "checklist": [{"text": "baguette", "done": False}],
        "energy": "low",
    },
    "calendar_events": {
        "google_event_id": "g-1",
        "title": "Dentiste",
        "starts_at": AT,
        "ends_at": AT + timedelta(hours=1),
        "updated_at": AT,  # no database default: the app's clock writes it
        "google_base": {"title": "Dentiste", "exdates": [], "cancelled": []},
    },
    "google_oauth_tokens": {
        "access_token": "ya29.a",
        "refresh_token": "1//r",
        "expires_at": AT,
        "calendar_id": "primary",
    },
    "google_sync_state": {"calendar_id": "primary", "sync_token": "s-1", "last_synced_at": AT},
    "google_oauth_states": {"state": "st-1", "code_verifier": "cv-1"},
    "daily_checkins": {"day": date(2026, 11, 25), "meds_taken": True, "note": "ok"},
    "ai_actions": {
        "input_text": "pain demain",
        "function_name": "create_todo",
        "function_args": {"title": "pain"},
        "status": "confirmed",
        "proposal_id": uuid.UUID("00000000-0000-0000-0000-0000000000b2"),
        "source": "telegram",
        "telegram_chat_id": 9_876_543_210,
        "confirmed_at": AT,
    },
    "ai_usage": {
        "at": AT,
        "kind": "transcription",
        "provider": "groq",
        "model": "whisper-large-v3-turbo",
        "audio_seconds": 3.25,
        "cost_usd": Decimal("0.00011111"),
    },
    "voice_failures": {
        "telegram_file_id": "voice-1",
        "telegram_chat_id": 9_876_543_210,
        "error": "le service ne répond pas",
    },
    "client_mutations": {"client_mutation_id": "m-1", "result": {"ok": True}},
    "sent_log": {"kind": "digest", "slot": "2026-11-25", "sent_at": AT, "telegram_message_id": 7},
    "telegram_updates": {"update_id": 100_000_001},
    "bot_conversations": {"key": "fsm:42:42:default", "state": "Editing:correction", "data": {}},
    "owner_settings": {
        "digest_time": time(7, 45),
        "med_reminder_times": [time(9), time(21)],
        "ai_monthly_budget_eur": Decimal("12.50"),
    },
    "auth_sessions": {
        "token_hash": bytes(range(32)),
        "telegram_user_id": 9_876_543_210,
        "device": "Telegram-Android/11.4",
        "created_at": AT,
        "last_used_at": AT,
        "expires_at": AT + timedelta(days=30),
    },
}

Snapshot = dict[str, list[dict[str, Any]]]


# ---------------------------------------------------------------- database helpers


async def _execute(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _insert_samples(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            for name, table in TABLES.items():
                await conn.execute(insert(table).values(**SAMPLES[name]))
    finally:
        await engine.dispose()


async def _snapshot(url: str) -> Snapshot:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return {
                name: [
                    dict(row)
                    for row in (
                        await conn.execute(select(table).order_by(*table.primary_key.columns))
                    ).mappings()
                ]
                for name, table in TABLES.items()
            }
    finally:
        await engine.dispose()


async def _run(url: str, *statements: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            results = [await conn.execute(s) for s in statements]
            return [r.scalar() if r.returns_rows else None for r in results]
    finally:
        await engine.dispose()


def _fresh_schema(url: str) -> None:
    asyncio.run(_execute(to_libpq_url(url), f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    migrations.upgrade(url)


@pytest.fixture(scope="module")
def scratch_url(pg_url: str) -> Iterator[str]:
    admin = to_libpq_url(pg_url)
    asyncio.run(_execute(admin, f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)"))
    asyncio.run(_execute(admin, f"CREATE DATABASE {SCRATCH}"))
    yield make_url(pg_url).set(database=SCRATCH).render_as_string(hide_password=False)
    asyncio.run(_execute(admin, f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)"))


@pytest.fixture
def filled(scratch_url: str) -> Snapshot:
    """The scratch database, migrated, with one row in every table."""
    _fresh_schema(scratch_url)
    asyncio.run(_insert_samples(scratch_url))
    snapshot = asyncio.run(_snapshot(scratch_url))
    assert all(snapshot.values()), "every table has a row"
    return snapshot


def _cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *argv: str, database_url: str | None
) -> int:
    """`ordinarthur-os ARGV` as the owner types it, with only the given environment."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("APP_ENV", "test")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    if database_url is not None:
        monkeypatch.setenv("DATABASE_URL", database_url)
    return cli.main(list(argv))


# ---------------------------------------------------------------- tests


def test_every_table_has_a_sample_row() -> None:
    assert set(SAMPLES) == set(TABLES), "add a row to SAMPLES for each new table"


def test_backup_then_restore_brings_back_every_row(
    filled: Snapshot,
    scratch_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive = tmp_path / "ordinarthur_os.dump"
    assert _cli(monkeypatch, tmp_path, "backup", str(archive), database_url=scratch_url) == 0
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it holds OAuth tokens

    asyncio.run(_execute(to_libpq_url(scratch_url), f"DROP SCHEMA {SCHEMA} CASCADE"))
    assert _cli(monkeypatch, tmp_path, "restore", str(archive), database_url=scratch_url) == 0
    assert "restored" in capsys.readouterr().err

    assert asyncio.run(_snapshot(scratch_url)) == filled
    version, next_id = asyncio.run(
        _run(
            scratch_url,
            text(f"select version_num from {SCHEMA}.alembic_version"),
            insert(TABLES["sent_log"])
            .values(kind="digest", slot="2026-11-26")
            .returning(TABLES["sent_log"].c.id),
        )
    )
    assert version is not None
    assert next_id == filled["sent_log"][-1]["id"] + 1  # the sequence came back too


def test_restore_refuses_a_schema_with_data_unless_forced(
    filled: Snapshot,
    scratch_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive = tmp_path / "ordinarthur_os.dump"
    assert _cli(monkeypatch, tmp_path, "backup", str(archive), database_url=scratch_url) == 0
    todos: Table = TABLES["todos"]
    asyncio.run(_run(scratch_url, update(todos).values(title="Changé depuis")))
    changed = asyncio.run(_snapshot(scratch_url))
    capsys.readouterr()

    assert _cli(monkeypatch, tmp_path, "restore", str(archive), database_url=scratch_url) == 1
    err = capsys.readouterr().err
    assert "refused" in err and "--force" in err and "todos" in err
    assert asyncio.run(_snapshot(scratch_url)) == changed

    argv = ("restore", str(archive), "--force")
    assert _cli(monkeypatch, tmp_path, *argv, database_url=scratch_url) == 0
    assert asyncio.run(_snapshot(scratch_url)) == filled


def test_restore_into_a_freshly_migrated_database_needs_no_force(
    filled: Snapshot, scratch_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "ordinarthur_os.dump"
    assert _cli(monkeypatch, tmp_path, "backup", str(archive), database_url=scratch_url) == 0
    _fresh_schema(scratch_url)  # a new install: `ordinarthur-os run` migrated, no data yet
    assert _cli(monkeypatch, tmp_path, "restore", str(archive), database_url=scratch_url) == 0
    assert asyncio.run(_snapshot(scratch_url)) == filled


def test_a_restore_that_fails_changes_nothing(
    filled: Snapshot,
    scratch_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive = tmp_path / "ordinarthur_os.dump"
    assert _cli(monkeypatch, tmp_path, "backup", str(archive), database_url=scratch_url) == 0
    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes(archive.read_bytes()[:-200])  # its table of contents still reads
    not_an_archive = tmp_path / "notes.txt"
    not_an_archive.write_text("pas une sauvegarde")
    capsys.readouterr()

    for bad in (truncated, not_an_archive, tmp_path / "missing.dump"):
        argv = ("restore", str(bad), "--force")
        assert _cli(monkeypatch, tmp_path, *argv, database_url=scratch_url) == 1, bad
        assert "ordinarthur-os restore:" in capsys.readouterr().err
        assert asyncio.run(_snapshot(scratch_url)) == filled


@pytest.fixture
def outside_pytest_tmp() -> Iterator[Path]:
    """A folder outside /tmp/pytest-of-root: each pytest that starts resets that one to 0700,
    which locks the embedded server's system user out of a data folder below it (as root)."""
    with tempfile.TemporaryDirectory(prefix="ordinarthur-backup-") as folder:
        yield Path(folder)


def test_backup_and_restore_on_the_embedded_database(
    outside_pytest_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp_path = outside_pytest_tmp
    data_dir = tmp_path / "data"
    assert _cli(monkeypatch, tmp_path, "migrate", database_url=None) == 0

    def with_server(action: Any) -> Any:
        server = EmbeddedPostgres(data_dir)
        try:
            return asyncio.run(action(server.start()))
        finally:
            server.stop()

    with_server(_insert_samples)
    before = with_server(_snapshot)
    archive = tmp_path / "embedded.dump"
    assert _cli(monkeypatch, tmp_path, "backup", str(archive), database_url=None) == 0
    with_server(lambda url: _run(url, text(f"delete from {SCHEMA}.todos")))
    assert _cli(monkeypatch, tmp_path, "restore", str(archive), database_url=None) == 1
    argv = ("restore", str(archive), "--force")
    assert _cli(monkeypatch, tmp_path, *argv, database_url=None) == 0
    assert with_server(_snapshot) == before


# ---------------------------------------------------------------- choosing the binaries


def test_pg_dump_is_the_first_one_that_can_read_the_server() -> None:
    path_15 = backup.Tool(Path("/usr/bin/pg_dump"), 15)
    embedded_18 = backup.Tool(Path("/venv/pginstall/bin/pg_dump"), 18)
    assert backup.pick_dump([path_15, embedded_18], server_major=15) == path_15
    assert backup.pick_dump([path_15, embedded_18], server_major=16) == embedded_18
    with pytest.raises(backup.BackupError, match="postgresql-client-19"):
        backup.pick_dump([path_15, embedded_18], server_major=19)


def test_pg_restore_is_the_newest() -> None:
    path_16 = backup.Tool(Path("/usr/bin/pg_restore"), 16)
    embedded_18 = backup.Tool(Path("/venv/pginstall/bin/pg_restore"), 18)
    assert backup.pick_restore([path_16, embedded_18]) == embedded_18
    with pytest.raises(backup.BackupError):
        backup.pick_restore([])


def test_servers_before_17_get_the_script_without_transaction_timeout() -> None:
    script = b"SET lock_timeout = 0;\nSET transaction_timeout = 0;\nCREATE SCHEMA x;\n"
    for drop, expected in ((True, 2), (False, 3)):
        sink = io.BytesIO()
        backup._copy(io.BytesIO(script), sink, drop_timeout=drop)
        assert len(sink.getvalue().splitlines()) == expected


def test_the_password_stays_off_the_command_line() -> None:
    conninfo, env = backup.libpq_connection("postgresql+asyncpg://me:s3cr%40t@db:5432/os")
    assert conninfo == "host='db' port='5432' user='me' dbname='os'"
    assert env["PGPASSWORD"] == "s3cr@t"
    # The embedded server listens on a Unix socket only; its folder may hold spaces or quotes.
    socket = "postgresql+asyncpg://postgres@/postgres?host=/run/my pg's&port=5432"
    conninfo, env = backup.libpq_connection(socket)
    assert conninfo == r"host='/run/my pg\'s' port='5432' user='postgres' dbname='postgres'"
    assert "PGPASSWORD" not in env or env["PGPASSWORD"] == os.environ.get("PGPASSWORD")
