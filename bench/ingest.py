# A bench reports on stdout.
# ruff: noqa: T201
"""POST /jobs/ingest of 5,000 offers vs a raw asyncpg `executemany` upsert of the same rows.

    .venv/bin/python -m bench.ingest

Both start from the same state each round (empty table for "insert", the same 5,000 rows
already there for "update"); the figure is the median of the rounds. Aim: ratio <= 2.
"""

from __future__ import annotations

import asyncio
import json
import statistics
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from bench._common import BEARER, database, libpq, serve, service_app, timed
from store.jobs import SCRAPED

OFFERS = 5000
ROUNDS = 7
COLUMNS = SCRAPED
UPSERT = f"""
INSERT INTO ordinarthur_os.jobs ({", ".join(COLUMNS)}, first_seen_at, last_seen_at)
VALUES ({", ".join(f"${i}" for i in range(1, len(COLUMNS) + 1))}, $12, $12)
ON CONFLICT (md5(source_url)) DO UPDATE SET
{", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c != "source_url")},
last_seen_at = excluded.last_seen_at
"""


def offers() -> list[dict[str, Any]]:
    return [
        {
            "source": "WeLoveDevs",
            "source_url": f"https://jobs.example/offer/{n}",
            "title": f"Développeur·se Python #{n}",
            "company": f"Company {n % 97}",
            "description": "Poste à Marseille, équipe produit. " * 12,
            "location": "Marseille",
            "remote_type": ("remote", "hybrid", "onsite")[n % 3],
            "salary_min": 40000 + n % 20 * 1000,
            "salary_max": 55000 + n % 20 * 1000,
            "stack": ["python", "postgresql", "aiohttp"][: 1 + n % 3],
            "apply_url": f"https://jobs.example/apply/{n}",
        }
        for n in range(OFFERS)
    ]


async def run(url: str, tmp: Path) -> None:
    jobs = offers()
    body = json.dumps({"jobs": jobs}).encode()
    rows = [tuple(job[c] for c in COLUMNS) for job in jobs]
    pool = await asyncpg.create_pool(libpq(url), min_size=1, max_size=2)
    assert pool is not None
    app = service_app(url, tmp)

    async def empty() -> None:
        await pool.execute("TRUNCATE ordinarthur_os.jobs")

    async def raw() -> None:
        now = datetime.now(UTC)
        async with pool.acquire() as conn, conn.transaction():
            await conn.executemany(UPSERT, [(*row, now) for row in rows])

    async with serve(app) as base, aiohttp.ClientSession() as http:
        headers = {"Authorization": f"Bearer {BEARER}", "Content-Type": "application/json"}

        async def route() -> None:
            async with http.post(f"{base}/jobs/ingest", data=body, headers=headers) as r:
                assert r.status == 200, await r.text()
                await r.read()

        await route()  # warm-up: connections, statement caches
        await raw()
        results = {
            "insert": await interleaved({"route": route, "raw": raw}, before=empty),
            "update": await interleaved({"route": route, "raw": raw}, before=None),
        }
    await pool.close()
    print(f"ingest of {OFFERS} offers ({len(body) / 1e6:.1f} MB of JSON), median of {ROUNDS}:")
    for phase, samples in results.items():
        ratio = samples["route"] / samples["raw"]
        print(
            f"  {phase:6}  POST /jobs/ingest {samples['route'] * 1000:7.1f} ms"
            f"   asyncpg executemany {samples['raw'] * 1000:7.1f} ms   ratio {ratio:.2f}"
            f"  ({'ok' if ratio <= 2 else 'ABOVE 2'})"
        )


async def interleaved(
    fns: dict[str, Callable[[], Awaitable[None]]], before: Callable[[], Awaitable[None]] | None
) -> dict[str, float]:
    """Median seconds per function; the functions alternate round by round so that noise
    from anything else on the machine hits both alike."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(ROUNDS):
        for name, fn in fns.items():
            if before is not None:
                await before()
            samples[name].append(await timed(fn, 1))
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    with database() as (url, tmp):
        asyncio.run(run(url, tmp))


if __name__ == "__main__":
    main()
