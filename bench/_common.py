"""What both benches share: a throwaway embedded PostgreSQL, the app on a loopback port."""

from __future__ import annotations

import socket
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from pydantic import SecretStr

import migrations
from app.main import create_app
from app.settings import Settings
from store.clock import FrozenClock
from store.db import to_libpq_url
from store.embedded import EmbeddedPostgres

BEARER = "bench-bearer-token-0123456789"
PARIS = ZoneInfo("Europe/Paris")


@contextmanager
def database() -> Iterator[tuple[str, Path]]:
    """A migrated embedded PostgreSQL, deleted afterwards; yields (URL, temp dir)."""
    with tempfile.TemporaryDirectory(prefix="ordinarthur-bench-") as tmp:
        pg = EmbeddedPostgres(Path(tmp), delete_on_stop=True)
        url = pg.start()
        try:
            migrations.upgrade(url)
            yield url, Path(tmp)
        finally:
            pg.stop()


def libpq(url: str) -> str:
    return to_libpq_url(url)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Run `app` on 127.0.0.1; yields its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def service_app(url: str, data_dir: Path) -> web.Application:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        data_dir=data_dir / "data",
        app_env="test",
        api_bearer_token=SecretStr(BEARER),
        ical_feed_secret=SecretStr("bench-ical-secret-0123456789"),
    )
    clock = FrozenClock(PARIS, datetime(2026, 11, 25, 10, 0, tzinfo=PARIS))
    return create_app(settings, clock=clock, run_migrations=False)


async def timed(fn: Callable[[], Awaitable[object]], rounds: int) -> float:
    """Median seconds of `rounds` calls."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
