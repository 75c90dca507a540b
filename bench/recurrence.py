# A bench reports on stdout.
# ruff: noqa: T201
"""Expanding series for the agenda: a daily and a weekly series begun a year ago, among 200
one-off events, listed for the week view (`GET /agenda/events?from&to`'s query) and for the
digest's day, against a plain SELECT of the same rows.

    .venv/bin/python -m bench.recurrence

Figures are medians of many calls in this process against an embedded PostgreSQL: each
series' expansion alone (cold: its rule parsed anew; warm: as a running service has it), and
`list_occurrences` whole (SELECT + expansion + sort) with its ratio to the SELECT alone.
Aim: expanding both series costs under 5 ms for the week and for the day.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench._common import PARIS, database
from core import recurrence
from store import agenda
from store.db import create_engine, create_sessionmaker
from store.tables import CalendarEvent

ROUNDS = 200
AIM_MS = 5.0
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)
SERIES = {
    "daily": ("FREQ=DAILY", datetime(2025, 11, 25, 7, 30, tzinfo=PARIS)),
    "weekly": ("FREQ=WEEKLY;BYDAY=MO", datetime(2025, 11, 24, 18, 0, tzinfo=PARIS)),
}
WINDOWS = {
    "week view": (datetime(2026, 11, 23, tzinfo=PARIS), datetime(2026, 11, 30, tzinfo=PARIS)),
    "digest's day": (datetime(2026, 11, 25, tzinfo=PARIS), datetime(2026, 11, 26, tzinfo=PARIS)),
}


async def fill(sessionmaker: async_sessionmaker[AsyncSession]) -> list[CalendarEvent]:
    async with sessionmaker.begin() as session:
        for n in range(200):  # one-off events, a few a day around now
            start = NOW + timedelta(hours=7 * (n - 100))
            data = {
                "title": f"Rendez-vous {n}",
                "starts_at": start,
                "ends_at": start + timedelta(hours=1),
            }
            await agenda.create_event(session=session, data=data, now=NOW)
        rows = []
        for name, (rule, first) in SERIES.items():
            data = {
                "title": name,
                "starts_at": first,
                "ends_at": first + timedelta(hours=1),
                "recurrence": rule,
                # A few occurrences left out, as a year of use leaves them.
                "recurrence_exdates": [first + timedelta(weeks=k) for k in (3, 10, 40)],
            }
            rows.append(await agenda.create_event(session=session, data=data, now=NOW))
        return rows


def median_ms(fn: Callable[[], Any], rounds: int = ROUNDS) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def cold(fn: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        recurrence._build.cache_clear()  # noqa: SLF001 - the parsed rules a service keeps
        return fn()

    return run


async def amedians_ms(*fns: Callable[[], Awaitable[object]], rounds: int = ROUNDS) -> list[float]:
    """Each one's median, calls alternating so that the machine's load weighs on all alike."""
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for fn, times in zip(fns, samples, strict=True):
            start = time.perf_counter()
            await fn()
            times.append(time.perf_counter() - start)
    return [statistics.median(times) * 1000 for times in samples]


async def window(
    session: AsyncSession, series: list[CalendarEvent], start: datetime, end: datetime
) -> list[str]:
    """The window's lines: expansion alone (warm, cold), the SELECT, list_occurrences."""

    def both() -> list[list[agenda.Occurrence]]:
        return [agenda.occurrences(row, PARIS, start=start, end=end) for row in series]

    async def select_rows() -> None:
        await agenda.list_events(session=session, start=start, end=end)

    async def occurrences() -> None:
        await agenda.list_occurrences(session=session, start=start, end=end, tz=PARIS)

    count = sum(len(found) for found in both())
    warm, first = median_ms(both), median_ms(cold(both), rounds=50)
    verdict = "ok" if max(warm, first) < AIM_MS else f"ABOVE {AIM_MS} ms"
    await select_rows(), await occurrences()  # warm-up
    floor, whole = await amedians_ms(select_rows, occurrences)
    return [
        f"  expanding both series ({count} occurrences): warm {warm:.3f} ms,"
        f" cold {first:.3f} ms  ({verdict})",
        f"  SELECT of the same rows {floor:.3f} ms; list_occurrences {whole:.3f} ms,"
        f" ratio {whole / floor:.2f}",
    ]


async def run(url: str) -> None:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    series = await fill(sessionmaker)
    print("A daily and a weekly series begun a year ago, among 200 one-off events;")
    print(f"medians of {ROUNDS} calls (50 for cold ones), aim: expansion under {AIM_MS} ms")
    async with sessionmaker() as session:
        for label, (start, end) in WINDOWS.items():
            print(f"{label}:")
            print("\n".join(await window(session, series, start, end)))
    await engine.dispose()


def main() -> None:
    with database() as (url, _tmp):
        asyncio.run(run(url))


if __name__ == "__main__":
    main()
