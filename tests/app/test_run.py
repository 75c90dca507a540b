"""`ordinarthur-os run` as the owner starts it: embedded database, health, clean stop."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from tests.conftest import free_port


def _start(data_dir: Path, port: int) -> subprocess.Popen[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "MISTRAL_", "GROQ_", "GOOGLE_", "DATABASE_", "API_"))
    }
    env.update(DATA_DIR=str(data_dir), PORT=str(port), APP_ENV="development")
    return subprocess.Popen(
        [sys.executable, "-m", "app", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def _wait_healthy(port: int, proc: subprocess.Popen[str], timeout: float = 60) -> float:
    started = time.monotonic()
    async with aiohttp.ClientSession() as http:
        while time.monotonic() - started < timeout:
            assert proc.poll() is None, proc.communicate()
            try:
                async with http.get(f"http://127.0.0.1:{port}/health") as r:
                    if r.status == 200 and (await r.json())["ok"] is True:
                        return time.monotonic() - started
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError("service never became healthy")


def _stop(proc: subprocess.Popen[str], sig: signal.Signals) -> str:
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    return err


def _socket_dsn(data_dir: Path) -> str:
    lines = (data_dir / "pgdata" / "postmaster.pid").read_text().splitlines()
    return f"postgresql://postgres@/postgres?host={lines[4]}&port={lines[3]}"


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """Outside pytest's tmp dir, which another pytest run as root may turn 0700 under us."""
    with tempfile.TemporaryDirectory(prefix="ordinarthur-test-run-") as tmp:
        yield Path(tmp)


async def test_data_survives_a_restart_and_signals_stop_cleanly(data_dir: Path) -> None:
    tmp_path = data_dir
    port = free_port()
    proc = _start(tmp_path, port)
    await _wait_healthy(port, proc)
    conn = await asyncpg.connect(_socket_dsn(tmp_path))
    await conn.execute("insert into ordinarthur_os.todos (title) values ('Acheter du pain')")
    await conn.close()
    err = _stop(proc, signal.SIGTERM)
    assert "telegram bot disabled: TELEGRAM_BOT_TOKEN is not set" in err
    assert "embedded PostgreSQL stopped" in err
    assert not (tmp_path / "pgdata" / "postmaster.pid").exists()

    proc = _start(tmp_path, port)
    await _wait_healthy(port, proc)
    conn = await asyncpg.connect(_socket_dsn(tmp_path))
    titles = await conn.fetch("select title from ordinarthur_os.todos")
    await conn.close()
    _stop(proc, signal.SIGINT)
    assert [r["title"] for r in titles] == ["Acheter du pain"]
