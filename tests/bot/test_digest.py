"""The digest's content, from seeded rows: sections, order, French dates, matching offers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.digest import build_digest
from store import agenda, health, projects, sendlog, todos
from store.clock import FrozenClock
from store.job_ranking import job_matches
from store.tables import Job, JobSearchCriteria
from tests.bot.conftest import Conversation
from tests.fakes.telegram import message_update


async def _seed(session: AsyncSession, clock: FrozenClock) -> None:
    now = clock.now()  # Wednesday 25 November 2026, 10:00
    for title, start in [("Stand-up", now.replace(hour=9)), ("Dentiste", now.replace(hour=14))]:
        data = {"title": title, "starts_at": start, "ends_at": start + timedelta(minutes=30)}
        await agenda.create_event(session=session, data=data, now=now)
    tomorrow = now + timedelta(days=1)
    await agenda.create_event(
        session=session,
        data={"title": "Demain", "starts_at": tomorrow, "ends_at": tomorrow},
        now=now,
    )
    for title, due, status in [
        ("Facture", now.replace(hour=18), "todo"),
        ("Impôts", now - timedelta(days=2), "inbox"),
        ("Plus tard", now + timedelta(days=3), "todo"),
        ("Déjà fait", now.replace(hour=8), "done"),
    ]:
        await todos.create_todo(
            session=session, data={"title": title, "due_at": due, "status": status}, now=now
        )
    portfolio = await projects.create_project(session=session, data={"name": "Portfolio"})
    await projects.add_step(
        session=session, project_id=portfolio.id, title="Déployer", status="doing", now=now
    )
    await projects.add_step(
        session=session, project_id=portfolio.id, title="Idée", status="backlog", now=now
    )


def _job(**values: object) -> dict[str, object]:
    return {"source": "test", "source_url": f"https://jobs.example/{values['title']}", **values}


async def test_digest_sections_in_order_with_french_dates(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    async with sessionmaker.begin() as s:
        await _seed(s, clock)
    async with sessionmaker() as s:
        digest = await build_digest(session=s, clock=clock)
    text = digest.text
    assert text.startswith("☀️ <b>Bonjour !</b> Mercredi 25 novembre 2026")
    sections = [line for line in text.split("\n") if line.startswith("<b>")]
    assert sections == ["<b>📅 Aujourd'hui</b>", "<b>✅ À faire</b>", "<b>🚧 En cours</b>"]
    assert text.index("Stand-up") < text.index("Dentiste")
    assert "Demain" not in text and "Plus tard" not in text and "Déjà fait" not in text
    assert "• Impôts — ⚠️ en retard (lundi 23 novembre)" in text
    assert "• Facture — 18:00" in text
    assert text.index("Impôts") < text.index("Facture")
    assert "• Portfolio — Déployer" in text and "Idée" not in text
    assert text.endswith("💊 Médicaments : pas encore pris")
    assert digest.reply_markup is not None


async def test_an_empty_day_is_one_short_line(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    async with sessionmaker.begin() as s:
        await health.toggle_meds(session=s, day=clock.today())
    async with sessionmaker() as s:
        text = (await build_digest(session=s, clock=clock)).text
    assert "Rien de prévu aujourd'hui" in text and "<b>📅" not in text
    assert text.endswith("💊 Médicaments : pris ✅")


async def test_new_offers_matching_criteria_count_and_top_three(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    async with sessionmaker.begin() as s:
        await s.execute(
            insert(JobSearchCriteria).values(
                name="Python remote",
                titles=["développeur", "developer"],
                stack=["python", "postgresql"],
                remote_types=["remote", "hybrid"],
                salary_min=50_000,
            )
        )
        await s.execute(
            insert(JobSearchCriteria).values(name="inactive", titles=["chef"], active=False)
        )
        await s.execute(
            insert(Job),
            [
                _job(
                    title="Développeur Python",
                    stack=["python", "postgresql"],
                    remote_type="remote",
                    salary_max=65_000,
                    company="Acme",
                ),
                _job(title="Backend developer", stack=["python"], remote_type="hybrid"),
                _job(title="Développeur Go", stack=["go"], remote_type="remote"),
                _job(title="Développeur Django", stack=["Python"], remote_type="onsite"),
                _job(
                    title="Développeur junior",
                    stack=["python"],
                    remote_type="remote",
                    salary_max=35_000,
                ),
                _job(title="Chef de cuisine", stack=[], remote_type="onsite"),
                _job(
                    title="Developer Python senior",
                    stack=["python"],
                    remote_type="remote",
                    salary_min=70_000,
                ),
                _job(title="Developer Python lead", stack=["python"], remote_type="remote"),
            ],
        )
        # Seen an hour ago by the app's clock (the ingest route stamps them so), not by the
        # database's: the digest's send is stamped by the same clock.
        await s.execute(update(Job).values(first_seen_at=clock.now() - timedelta(hours=1)))
    async with sessionmaker() as s:
        text = (await build_digest(session=s, clock=clock)).text
    assert "<b>💼 4 nouvelles offres</b>" in text
    section = text.split("<b>💼 4 nouvelles offres</b>\n")[1].split("\n\n")[0]
    offers = section.split("\n")
    assert offers[:2] == [
        "• Développeur Python — Acme · remote · 65 k€",  # the widest stack overlap
        "• Developer Python senior — remote · 70 k€",  # then the best paid
    ]
    # Same overlap, no salary, seen at the same instant: either may come third.
    assert offers[2] in {"• Developer Python lead — remote", "• Backend developer — hybrid"}
    assert len(offers) == 3
    for absent in ("Go", "Django", "junior", "Chef"):
        assert absent not in text

    # The next digest only counts offers first seen after this one was sent.
    async with sessionmaker.begin() as s:
        claim = await sendlog.claim(
            session=s, kind="digest", slot=clock.today().isoformat(), now=clock.now()
        )
        assert claim is not None
        await sendlog.mark_sent(session=s, claim_id=claim, now=clock.now())
    async with sessionmaker() as s:
        assert "offre" not in (await build_digest(session=s, clock=clock)).text


def test_job_matching_rules() -> None:
    criteria = JobSearchCriteria(titles=[], stack=[], remote_types=[], salary_min=None)
    job = Job(title="Anything", stack=[], remote_type=None, salary_min=None, salary_max=None)
    assert job_matches(job, criteria)  # empty criteria match everything
    criteria.salary_min = 40_000
    assert job_matches(job, criteria)  # an offer without salary is kept
    job.salary_max = 30_000
    assert not job_matches(job, criteria)


async def test_today_command_sends_the_digest_with_a_meds_button(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    async with sessionmaker.begin() as s:
        await _seed(s, clock)
    await chat.feed(message_update(chat.update_id(), text="/today"))
    assert "Mercredi 25 novembre 2026" in chat.last_text()
    assert "💊 Pris" in chat.buttons()


async def test_jobs_command_stars_and_archives(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker.begin() as s:
        await s.execute(insert(Job).values(**_job(title="Dev <Python>", company="Acme")))
    await chat.feed(message_update(chat.update_id(), text="/jobs"))
    assert "Dev &lt;Python&gt; — Acme" in chat.last_text()
    card = chat.card_id()
    await chat.press(chat.buttons()["⭐ Favori"], card)
    edited = chat.sent("editMessageText")[-1]
    assert edited["text"].startswith("⭐ ")
    await chat.press(chat.buttons(edited)["🗄 Archiver"], card)
    assert "🗄" in chat.sent("editMessageText")[-1]["text"]
    await chat.feed(message_update(chat.update_id(), text="/jobs"))
    assert chat.last_text() == "💼 Aucune offre pour l'instant."
