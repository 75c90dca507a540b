"""The weekly review, from seeded rows: done, late, next week by day, meds, stalled projects,
new offers; and /review."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.review import build_review, week_slot
from store import agenda, health, projects, todos
from store.clock import FrozenClock
from store.tables import Job, JobSearchCriteria
from tests.bot.conftest import Conversation
from tests.conftest import PARIS
from tests.fakes.telegram import message_update

SUNDAY = datetime(2026, 11, 29, 18, 0, tzinfo=PARIS)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


async def _seed(session: AsyncSession) -> None:
    now = SUNDAY
    for title, done_at in [
        ("Facture", at(2026, 11, 23, 9)),
        ("Pain", at(2026, 11, 27, 19)),
        ("La semaine d'avant", at(2026, 11, 22, 21)),
    ]:
        todo = await todos.create_todo(session=session, data={"title": title}, now=now)
        await todos.update_todo(
            session=session,
            todo_id=todo.id,
            data={"status": "done", "completed_at": done_at},
            now=now,
        )
    for title, due in [("Impôts", at(2026, 11, 20, 12)), ("Garage", at(2026, 11, 30, 9))]:
        await todos.create_todo(session=session, data={"title": title, "due_at": due}, now=now)
    for title, start, rule in [
        ("Dentiste", at(2026, 12, 2, 15), None),
        ("Stand-up", at(2026, 11, 2, 9, 30), "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("Trop tard", at(2026, 12, 7, 9), None),
    ]:
        data = {
            "title": title,
            "starts_at": start,
            "ends_at": start + timedelta(minutes=30),
            "recurrence": rule,
        }
        await agenda.create_event(session=session, data=data, now=now)
    for day in range(23, 30):
        if day != 25:
            await health.set_checkin(session=session, day=date(2026, 11, day), meds_taken=True)
    still = await projects.create_project(session=session, data={"name": "Portfolio"})
    await projects.add_step(
        session=session, project_id=still.id, title="Maquette", now=now - timedelta(days=20)
    )
    moving = await projects.create_project(session=session, data={"name": "Blog"})
    step = await projects.add_step(
        session=session, project_id=moving.id, title="Article", now=now - timedelta(days=30)
    )
    await projects.update_step(
        session=session,
        project_id=moving.id,
        step_id=step.id,
        data={"status": "doing"},
        now=now - timedelta(days=3),
    )
    await session.execute(insert(JobSearchCriteria).values(name="Python", titles=["python"]))
    await session.execute(
        insert(Job),
        [
            {
                "source": "t",
                "source_url": "https://jobs.example/1",
                "title": "Dev Python",
                "first_seen_at": now - timedelta(days=2),
            },
            {
                "source": "t",
                "source_url": "https://jobs.example/2",
                "title": "Dev Python (vieux)",
                "first_seen_at": now - timedelta(days=9),
            },
            {
                "source": "t",
                "source_url": "https://jobs.example/3",
                "title": "Chef",
                "first_seen_at": now - timedelta(days=1),
            },
        ],
    )


async def test_the_review_of_the_week_says_what_matters(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FrozenClock(PARIS, SUNDAY)
    async with sessionmaker.begin() as s:
        await _seed(s)
    async with sessionmaker() as s:
        review = await build_review(session=s, clock=clock)
    assert review.week == "2026-W48"
    assert review.text.split("\n\n") == [
        "🗓 <b>Bilan de la semaine</b> du 23 novembre au 29 novembre",
        "<b>✅ Fait cette semaine : 2</b>\n• Facture\n• Pain",
        "<b>⚠️ En retard (1)</b>\n• Impôts — vendredi 20 novembre",
        "<b>📅 La semaine prochaine</b>\n"
        "<i>Lundi 30 novembre</i>\n• 09:30–10:00 Stand-up\n"
        "<i>Mercredi 2 décembre</i>\n• 15:00–15:30 Dentiste\n"
        "<i>Jeudi 3 décembre</i>\n• 09:30–10:00 Stand-up",
        "<b>💊 Médicaments : 6/7 jours</b>",
        "<b>🧊 Projets à l'arrêt depuis 14 jours</b>\n• Portfolio — rien depuis le 9 novembre",
        "<b>💼 1 nouvelle offre pour tes critères</b>\n• Dev Python",
    ]


async def test_many_done_are_counted_and_an_empty_week_says_so(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FrozenClock(PARIS, SUNDAY)
    async with sessionmaker.begin() as s:
        for n in range(6):
            data = {
                "title": f"T{n}",
                "status": "done",
                "completed_at": SUNDAY - timedelta(hours=n),
            }
            await todos.create_todo(session=s, data=data, now=SUNDAY)
    async with sessionmaker() as s:
        text = (await build_review(session=s, clock=clock)).text
    assert "<b>✅ Fait cette semaine : 6</b>\n\n" in text and "T0" not in text
    assert "<b>📅 La semaine prochaine</b>\nRien de prévu pour l'instant." in text
    assert "<b>💊 Médicaments : 0/7 jours</b>" in text
    assert "⚠️" not in text and "🧊" not in text and "💼" not in text


def test_the_claim_is_the_iso_week() -> None:
    assert week_slot(date(2026, 11, 29)) == "2026-W48"
    assert week_slot(date(2026, 12, 28)) == "2026-W53"
    assert week_slot(date(2027, 1, 3)) == "2026-W53"  # a Sunday of ISO 2026's last week


async def test_review_command_answers_this_weeks_review(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    async with sessionmaker.begin() as s:
        await todos.create_todo(
            session=s, data={"title": "Fini", "status": "done"}, now=clock.now()
        )
    await chat.feed(message_update(chat.update_id(), text="/review"))
    text = chat.last_text()
    assert text.startswith("🗓 <b>Bilan de la semaine</b> du 23 novembre au 29 novembre")
    assert "<b>✅ Fait cette semaine : 1</b>\n• Fini" in text
    await chat.feed(message_update(chat.update_id(), text="/help"))
    assert "/review" in chat.last_text()
