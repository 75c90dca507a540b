# A bench reports on stdout.
# ruff: noqa: T201
"""GET /todos over 10,000 rows, in requests/s, vs a minimal aiohttp handler that runs the same
SQL with asyncpg and dumps the rows with the json module.

    .venv/bin/python -m bench.todos_list

Both servers run in this process on 127.0.0.1, driven by the same client (bounded number of
requests, a few at a time), alternating; the figure is the median of the rounds.
Aim: ratio >= 0.5.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from aiohttp import web
from sqlalchemy.dialects import postgresql

from bench._common import BEARER, database, libpq, serve, service_app
from store.todos import todos_query

ROWS = 10_000
REQUESTS = 200
CONCURRENCY = 4
ROUNDS = 5
PAGES = {"default page (200)": 200, "limit=1000": 1000}


async def fill(pool: asyncpg.Pool) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    rows = [
        (
            f"Todo {n}",
            ("inbox", "todo", "doing", "done")[n % 4],
            start + timedelta(hours=n) if n % 3 else None,
            ["maison", "travail", "courses"][: n % 3],
            json.dumps([{"text": "étape", "done": bool(n % 2)}]),
        )
        for n in range(ROWS)
    ]
    await pool.executemany(
        "INSERT INTO ordinarthur_os.todos (title, status, due_at, tags, checklist)"
        " VALUES ($1, $2, $3, $4, $5::jsonb)",
        rows,
    )


def same_sql(limit: int) -> tuple[str, list[Any]]:
    compiled = todos_query(limit=limit).compile(dialect=postgresql.asyncpg.dialect())
    return str(compiled), [compiled.params[k] for k in compiled.positiontup or ()]


def floor_app(pool: asyncpg.Pool) -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        sql, params = same_sql(int(request.query.get("limit", "200")))
        rows = await pool.fetch(sql, *params)
        body = json.dumps([dict(r) for r in rows], default=str)
        return web.Response(text=body, content_type="application/json")

    app = web.Application()
    app.router.add_get("/todos", handler)
    return app


async def rate(http: aiohttp.ClientSession, url: str) -> float:
    """Requests per second for REQUESTS requests, CONCURRENCY at a time."""
    headers = {"Authorization": f"Bearer {BEARER}"}
    queue = iter(range(REQUESTS))

    async def worker() -> None:
        for _ in queue:
            async with http.get(url, headers=headers) as response:
                assert response.status == 200, await response.text()
                await response.read()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return REQUESTS / (time.perf_counter() - start)


async def run(url: str, tmp: Path) -> None:
    pool = await asyncpg.create_pool(libpq(url), min_size=CONCURRENCY, max_size=CONCURRENCY)
    assert pool is not None
    await fill(pool)
    async with (
        serve(service_app(url, tmp)) as ours,
        serve(floor_app(pool)) as floor,
        aiohttp.ClientSession() as http,
    ):
        print(f"GET /todos over {ROWS} rows, {REQUESTS} requests x {ROUNDS} rounds:")
        for label, limit in PAGES.items():
            samples: dict[str, list[float]] = {"route": [], "floor": []}
            for base in (ours, floor):  # warm-up
                await rate(http, f"{base}/todos?limit={limit}")
            for _ in range(ROUNDS):
                samples["route"].append(await rate(http, f"{ours}/todos?limit={limit}"))
                samples["floor"].append(await rate(http, f"{floor}/todos?limit={limit}"))
            route, raw = (statistics.median(samples[k]) for k in ("route", "floor"))
            verdict = "ok" if route / raw >= 0.5 else "BELOW 0.5"
            print(
                f"  {label:20} route {route:7.1f} req/s   asyncpg floor {raw:7.1f} req/s"
                f"   ratio {route / raw:.2f}  ({verdict})"
            )
    await pool.close()


def main() -> None:
    with database() as (url, tmp):
        asyncio.run(run(url, tmp))


if __name__ == "__main__":
    main()
