# A bench reports on stdout.
# ruff: noqa: T201
"""`GET /jobs?location=` over 20,000 offers: the search on the stored `jobs.location_key` vs the
same normalisation computed on every row of every search.

    .venv/bin/python -m bench.jobs_location

Three terms: frequent (a third of the offers), rare (one in fifteen), absent (the whole table
is scanned). Median milliseconds of the SQL alone (asyncpg, same connection), then of the route.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import asyncpg
from sqlalchemy import Text, func, literal, select
from sqlalchemy.dialects import postgresql

from bench._common import BEARER, database, libpq, serve, service_app, timed
from store.tables import Job, search_key

OFFERS = 20_000
ROUNDS = 15
PLACES = (
    "Marseille",
    "Marseille (13)",
    "MARSEILLE 13e",
    "Paris",
    "Lyon",
    "Saint-Étienne",
    "Île-de-France",
    "Aix-en-Provence",
    "Évry",
    "Nantes",
    "Bordeaux",
    "Toulouse",
    "Lille",
    "Rennes",
    "Grenoble",
)
TERMS = {"frequent": "marseille", "rare": "etienne", "absent": "tombouctou"}


async def fill(pool: asyncpg.Pool) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        (
            "bench",
            f"https://jobs.example/{n}",
            f"Dev {n}",
            PLACES[n % len(PLACES)] + (", France" if n % 7 == 0 else ""),
            start + timedelta(minutes=n),
            n % 3 == 0,
        )
        for n in range(OFFERS)
    ]
    await pool.executemany(
        "INSERT INTO ordinarthur_os.jobs"
        " (source, source_url, title, location, first_seen_at, last_seen_at, archived)"
        " VALUES ($1, $2, $3, $4, $5, $5, $6)",
        rows,
    )
    await pool.execute("ANALYZE ordinarthur_os.jobs")


def sql(on_the_fly: bool) -> str:
    key = search_key(Job.location) if on_the_fly else Job.location_key
    term = search_key(literal("TERM", Text))
    stmt = (
        select(Job.id)
        .where(Job.archived.is_(False), func.strpos(key, term) > 0)
        .order_by(Job.last_seen_at.desc(), Job.id)
        .limit(200)
    )
    compiled = stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    return str(compiled).replace("'TERM'", "$1")


async def run(url: str, tmp: Path) -> None:
    pool = await asyncpg.create_pool(libpq(url), min_size=1, max_size=2)
    await fill(pool)
    print(f"{OFFERS} offers; median of {ROUNDS} runs, ms")
    async with pool.acquire() as conn:
        for label, on_the_fly in (("stored key", False), ("computed per row", True)):
            query = sql(on_the_fly)
            for name, term in TERMS.items():
                seconds = await timed(lambda q=query, t=term: conn.fetch(q, t), ROUNDS)
                print(f"  SQL, {label:16} {name:8} {seconds * 1000:6.2f}")
    await pool.close()
    await route(url, tmp)


async def route(url: str, tmp: Path) -> None:
    app = service_app(url, tmp)
    async with serve(app) as base, aiohttp.ClientSession(base) as http:
        headers = {"Authorization": f"Bearer {BEARER}"}
        for name, term in TERMS.items():
            params = {"location": term, "archived": "false"}

            async def get(p: dict[str, str] = params) -> None:
                async with http.get("/jobs", params=p, headers=headers) as response:
                    assert response.status == 200, await response.text()
                    await response.read()

            seconds = await timed(get, ROUNDS)
            print(f"  GET /jobs?location=, {name:8} {seconds * 1000:6.2f}")


def main() -> None:
    with database() as (url, tmp):
        asyncio.run(run(url, tmp))


if __name__ == "__main__":
    main()
