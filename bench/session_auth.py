# A bench reports on stdout.
# ruff: noqa: T201
"""What a session token costs per request, next to the master bearer: median latency of
`GET /meta` (no query of its own) and `GET /todos` (20 rows), one request at a time.

    .venv/bin/python -m bench.session_auth

A session token is one indexed SELECT by its hash before the handler (and an UPDATE of its last
use at most once a minute, which the frozen clock here never reaches after the first); the
master bearer is a constant-time comparison.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import timedelta
from pathlib import Path

import aiohttp

from bench._common import BEARER, database, serve, service_app
from store import auth_sessions
from store.db import create_engine, create_sessionmaker
from web import sessions
from web.appkeys import CLOCK

REQUESTS = 400
ROUNDS = 5


async def median_ms(http: aiohttp.ClientSession, url: str, token: str) -> float:
    headers = {"Authorization": f"Bearer {token}"}
    samples = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        async with http.get(url, headers=headers) as response:
            assert response.status == 200, await response.text()
            await response.read()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


async def measure(url: str, tmp: Path) -> None:
    app = service_app(url, tmp)
    engine = create_engine(url)
    maker = create_sessionmaker(engine)
    now = app[CLOCK].now()  # frozen
    token = sessions.new_token()
    async with maker.begin() as session:
        await auth_sessions.create(
            session=session,
            token_hash=sessions.token_hash(token),
            telegram_user_id=42,
            device="bench",
            now=now - timedelta(minutes=5),
            lifetime=sessions.LIFETIME,
        )
    async with serve(app) as base, aiohttp.ClientSession() as http:
        for n in range(20):
            await http.post(
                f"{base}/todos",
                json={"title": f"Todo {n}"},
                headers={"Authorization": f"Bearer {BEARER}"},
            )
        for path in ("/meta", "/todos"):
            master, session_ms = [], []
            for _ in range(ROUNDS):
                master.append(await median_ms(http, base + path, BEARER))
                session_ms.append(await median_ms(http, base + path, token))
            m, s = statistics.median(master), statistics.median(session_ms)
            print(
                f"GET {path:6}  master {m:6.2f} ms   session {s:6.2f} ms   "
                f"overhead {s - m:+.2f} ms per request"
            )
    await engine.dispose()


def main() -> None:
    with database() as (url, tmp):
        asyncio.run(measure(url, tmp))


if __name__ == "__main__":
    main()
