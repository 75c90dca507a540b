# A bench reports on stdout.
# ruff: noqa: T201
"""A question answered without the model, and rendered: the offline parser reads it, the
queries run, the audit rows are written, and the answer is rendered for Telegram (HTML,
the lists you can act on) and for the API (plain text). Aim: under 20 ms each (issue 13).

    .venv/bin/python -m bench.questions

The database holds a month of agenda from the clock's "now" (Wednesday 25 November 2026, 10:00
in Paris): four one-off events a working day, three weekly series and a daily one, an event
pulled from Google a day; and 2,000 todos (late, due across the month, undated; every status).
Each figure is the median of `ROUNDS` rounds, after one warm-up (the minimum and maximum
beside it: on a shared machine the maximum says more about the neighbours than about us).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import datetime, timedelta

from agent.answers import QueryAnswer
from agent.service import AgentService
from bench._agent import PARIS, clock, database
from bot import todo_lists
from bot.render import answers as render
from store.db import create_engine, create_sessionmaker
from store.tables import CalendarEvent, Todo

AIM_MS = 20.0
ROUNDS = 30
TODOS = 2_000
QUESTIONS = [
    "qu'est-ce que j'ai demain ?",
    "qu'est-ce que j'ai cette semaine",
    "mon agenda de la semaine prochaine",
    "quelles tâches en retard",
    "qu'est-ce qu'il me reste à faire aujourd'hui",
    "what do I have on monday?",
]
_STATUSES = ("inbox", "todo", "doing", "todo", "done", "archived")


def _month_of_agenda(now: datetime) -> list[CalendarEvent]:
    first = datetime(2026, 11, 25, tzinfo=PARIS)
    events = []
    for day in range(31):
        start = first + timedelta(days=day)
        if start.weekday() < 5:
            for hour in (9, 11, 14, 16):
                at = start.replace(hour=hour)
                events.append(
                    CalendarEvent(
                        title=f"Réunion {day}-{hour}",
                        starts_at=at,
                        ends_at=at + timedelta(hours=1),
                        created_at=now,
                        updated_at=now,
                    )
                )
        at = start.replace(hour=12)
        events.append(
            CalendarEvent(
                title=f"Déjeuner Google {day}",
                starts_at=at,
                ends_at=at + timedelta(minutes=45),
                source="google",
                google_event_id=f"bench-{day}",
                created_at=now,
                updated_at=now,
            )
        )
    series = [
        ("Piscine", "FREQ=WEEKLY;BYDAY=MO,TH", 18),
        ("Cours de guitare", "FREQ=WEEKLY;BYDAY=WE", 19),
        ("Point d'équipe", "FREQ=WEEKLY;BYDAY=TU,FR", 10),
        ("Méditation", "FREQ=DAILY", 7),
    ]
    for title, rule, hour in series:
        at = datetime(2026, 9, 1, hour, tzinfo=PARIS)
        events.append(
            CalendarEvent(
                title=title,
                starts_at=at,
                ends_at=at + timedelta(minutes=30),
                recurrence=rule,
                created_at=now,
                updated_at=now,
            )
        )
    return events


def _todos(now: datetime) -> list[Todo]:
    rows = []
    for n in range(TODOS):
        due = now + timedelta(hours=(n % 900) - 120) if n % 5 else None
        rows.append(
            Todo(
                title=f"Tâche {n}",
                status=_STATUSES[n % len(_STATUSES)],
                due_at=due,
                priority=n % 4,
                tags=["maison"] if n % 3 == 0 else [],
                created_at=now,
                completed_at=now if _STATUSES[n % len(_STATUSES)] == "done" else None,
            )
        )
    return rows


def _rendered(answer: QueryAnswer, service: AgentService) -> int:
    """Everything the surfaces render from the rows: Telegram's messages and the API's text."""
    clock = service._clock  # noqa: SLF001 - the bench renders with the service's own clock
    size = len(render.plain_text(answer, clock))
    for section in render.sections(answer, clock):
        size += len(render.section_text(section, clock))
        if section.todos:
            size += sum(len(m.text) for m in todo_lists.found_lists(section.todos, "", clock))
    return size


async def measure(url: str) -> None:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    frozen = clock()
    try:
        async with sessionmaker.begin() as session:
            session.add_all([*_month_of_agenda(frozen.now()), *_todos(frozen.now())])
        service = AgentService(sessionmaker=sessionmaker, clock=frozen)

        async def once(text: str) -> None:
            proposal = await service.propose(text, source="telegram")
            assert proposal.answer is not None, text
            _rendered(proposal.answer, service)

        for text in QUESTIONS:
            await once(text)  # warm-up: the statements are prepared, the caches filled
            samples = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                await once(text)
                samples.append((time.perf_counter() - start) * 1000)
            median = statistics.median(samples)
            proposal = await service.propose(text, source="telegram")
            assert proposal.answer is not None
            found = ", ".join(f"{f.fn} {f.total}" for f in proposal.answer.results)
            verdict = "ok" if median < AIM_MS else "OVER"
            print(
                f"{text!r:48} {median:6.2f} ms median, {min(samples):6.2f} min, "
                f"{max(samples):6.2f} max (aim < {AIM_MS:.0f}: {verdict}) | found: {found}"
            )
    finally:
        await engine.dispose()


def main() -> None:
    with database() as url:
        asyncio.run(measure(url))


if __name__ == "__main__":
    main()
