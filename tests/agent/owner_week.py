"""An owner's week to ask questions about, seen from Wednesday 25 November 2026, 10:00 in Paris
(the `clock` fixture): agenda (a one-off, a weekly series, an event pulled from Google, an
all-day one), todos (late, today, tomorrow, undated, a project's), a project with steps and
ideas, medication check-ins, job offers in each state."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import agenda, health, jobs, projects, todos
from store.clock import Clock
from tests.conftest import PARIS


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=PARIS)


@dataclass(frozen=True)
class Week:
    portfolio: uuid.UUID
    dentist: uuid.UUID
    pool: uuid.UUID
    google_meeting: uuid.UUID


async def seed(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> Week:
    now = clock.now()
    async with sessionmaker.begin() as s:
        portfolio = await projects.create_project(session=s, data={"name": "Portfolio"})
        for title, status in (("Maquette", "doing"), ("Textes", "todo"), ("Logo", "done")):
            await projects.add_step(
                session=s, project_id=portfolio.id, title=title, status=status, now=now
            )
        await projects.add_idea(session=s, project_id=portfolio.id, content="Mode sombre")
        dentist = await agenda.create_event(
            session=s,
            data={
                "title": "Dentiste",
                "starts_at": at(26, 15),
                "ends_at": at(26, 16),
                "location": "12 rue de la Paix",
            },
            now=now,
        )
        pool = await agenda.create_event(
            session=s,
            data={
                "title": "Piscine",
                "starts_at": at(16, 18),
                "ends_at": at(16, 19),
                "recurrence": "FREQ=WEEKLY;BYDAY=MO",
            },
            now=now,
        )
        meeting = await agenda.create_event(
            session=s,
            data={
                "title": "Réunion client",
                "starts_at": at(27, 10),
                "ends_at": at(27, 11),
                "source": "google",
                "google_event_id": "g-reunion-client",
            },
            now=now,
        )
        await agenda.create_event(
            session=s,
            data={
                "title": "Anniversaire de Léa",
                "starts_at": at(26, 0),
                "ends_at": at(27, 0),
                "all_day": True,
            },
            now=now,
        )
        for data in (
            {"title": "Payer le loyer", "status": "todo", "due_at": at(24, 9)},
            {"title": "Appeler maman", "status": "todo", "due_at": at(25, 18)},
            {"title": "Acheter du pain", "status": "inbox", "due_at": at(26, 9)},
            {"title": "Lire un livre", "status": "inbox"},
            {"title": "Écrire l'intro", "status": "doing", "project_id": portfolio.id},
            {"title": "Ranger la cave", "status": "done", "due_at": at(23, 9)},
        ):
            await todos.create_todo(session=s, data=data, now=now)
        await health.set_checkin(session=s, day=date(2026, 11, 24), meds_taken=True)
        await health.set_checkin(session=s, day=date(2026, 11, 23), skipped=True)
        await jobs.ingest_jobs(
            session=s,
            jobs=[
                _job("python", "Développeur Python", "Acme"),
                _job("rust", "Développeuse Rust", "Ferris"),
                _job("lead", "Lead dev", "Globex"),
                _job("old", "Stage PHP", "Initech"),
            ],
            now=now,
        )
        for found in await jobs.list_jobs(session=s):
            flag = {
                "rust": {"starred": True},
                "lead": {"applied_at": now},
                "old": {"archived": True},
            }
            key = found.source_url.rsplit("/", 1)[-1]
            if key in flag:
                await jobs.update_job(session=s, job_id=found.id, data=flag[key])
    return Week(portfolio.id, dentist.id, pool.id, meeting.id)


def _job(key: str, title: str, company: str) -> dict[str, object]:
    return {
        "source": "test",
        "source_url": f"https://jobs.example.org/{key}",
        "title": title,
        "company": company,
        "location": "Paris",
    }
