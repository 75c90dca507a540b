"""The morning digest: today's events, todos due and overdue, meds, steps in progress, new
matching job offers. Rendered from the database only; no model call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.keyboards import meds_toggle
from bot.render.dates import long_date
from bot.render.events import event_line
from bot.render.jobs import job_line
from bot.render.meds import meds_digest_line
from bot.render.projects import step_in_progress_line
from bot.render.todos import due_todo_line
from bot.sending import send_once
from store import agenda, digest, health
from store.clock import Clock
from store.job_ranking import rank_jobs
from store.tables import Job

DIGEST_KIND = "digest"
TOP_JOBS = 3


@dataclass(frozen=True)
class Digest:
    day: date
    text: str
    reply_markup: InlineKeyboardMarkup | None


def _section(title: str, lines: Sequence[str]) -> list[str]:
    return [f"<b>{title}</b>\n" + "\n".join(lines)] if lines else []


async def build_digest(*, session: AsyncSession, clock: Clock, day: date | None = None) -> Digest:
    day = day or clock.today()
    start = datetime.combine(day, time(), tzinfo=clock.tz)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=clock.tz)
    events = await agenda.list_occurrences(session=session, start=start, end=end, tz=clock.tz)
    todos = await digest.todos_due(session=session, before=end)
    steps = await digest.steps_in_progress(session=session)
    jobs = await _new_jobs(session=session, now=clock.now())
    plural = "s" if len(jobs) > 1 else ""
    sections = [
        *_section("📅 Aujourd'hui", [event_line(e, clock) for e in events]),
        *_section("✅ À faire", [due_todo_line(t, clock) for t in todos]),
        *_section("🚧 En cours", [step_in_progress_line(name, st) for name, st in steps]),
        *_section(
            f"💼 {len(jobs)} nouvelle{plural} offre{plural}",
            [job_line(j) for j in jobs[:TOP_JOBS]],
        ),
    ]
    checkin = await health.get_checkin(session=session, day=day)
    taken = checkin is not None and checkin.meds_taken
    body = "\n\n".join(sections) if sections else "Rien de prévu aujourd'hui. Belle journée !"
    text = f"☀️ <b>Bonjour !</b> {long_date(day)}\n\n{body}\n\n{meds_digest_line(taken)}"
    return Digest(day=day, text=text, reply_markup=meds_toggle(day.isoformat(), taken=taken))


async def _new_jobs(*, session: AsyncSession, now: datetime) -> list[Job]:
    criteria = await digest.active_criteria(session=session)
    if not criteria:
        return []
    since = await digest.last_sent(session=session, kind=DIGEST_KIND) or now - timedelta(days=1)
    return rank_jobs(await digest.jobs_seen_since(session=session, since=since), criteria)


async def send_digest(
    *,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    chat_id: int,
    day: date | None = None,
) -> bool:
    """Send the day's digest unless it was already sent (by a replica, a restart, the CLI)."""
    async with sessionmaker() as session:
        built = await build_digest(session=session, clock=clock, day=day)
    return await send_once(
        bot=bot,
        sessionmaker=sessionmaker,
        chat_id=chat_id,
        kind=DIGEST_KIND,
        slot=built.day.isoformat(),
        text=built.text,
        reply_markup=built.reply_markup,
    )
