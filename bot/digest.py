"""The morning digest: today's events, todos due and overdue, meds, steps in progress, new
matching job offers. Rendered from the database only; no model call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fmt import day_name, esc, hhmm, long_date
from bot.keyboards import meds_toggle
from bot.outbox import send_once
from bot.routers.agenda import render_event
from store import agenda, digest, health
from store.clock import Clock
from store.tables import Job, JobSearchCriteria, Todo

DIGEST_KIND = "digest"
TOP_JOBS = 3


@dataclass(frozen=True)
class Digest:
    day: date
    text: str
    reply_markup: InlineKeyboardMarkup | None


def _words(values: Sequence[str]) -> set[str]:
    return {v.strip().lower() for v in values if v.strip()}


def job_matches(job: Job, criteria: JobSearchCriteria) -> bool:
    """Every facet the criteria set fills must match; an empty facet matches anything.

    An offer that states no salary is kept: most offers omit it, and dropping them would
    hide most of the market.
    """
    title = job.title.lower()
    if criteria.titles and not any(word in title for word in _words(criteria.titles)):
        return False
    if criteria.stack and not _words(criteria.stack) & _words(job.stack):
        return False
    if criteria.remote_types and job.remote_type not in criteria.remote_types:
        return False
    best_pay = job.salary_max or job.salary_min
    return not (criteria.salary_min and best_pay is not None and best_pay < criteria.salary_min)


def rank_jobs(jobs: Sequence[Job], criteria: Sequence[JobSearchCriteria]) -> list[Job]:
    """Matching offers, the widest stack overlap first, then the best paid, then the newest."""
    wanted = set().union(*(_words(c.stack) for c in criteria)) if criteria else set()
    matching = [j for j in jobs if any(job_matches(j, c) for c in criteria)]
    return sorted(
        matching,
        key=lambda j: (
            -len(_words(j.stack) & wanted),
            -(j.salary_max or j.salary_min or 0),
            -j.first_seen_at.timestamp(),
        ),
    )


def render_job(job: Job) -> str:
    details = [esc(x) for x in (job.company, job.location, job.remote_type) if x]
    if job.salary_min or job.salary_max:
        low, high = job.salary_min, job.salary_max
        pay = (
            f"{low // 1000}–{high // 1000} k€"
            if low and high
            else f"{(low or high or 0) // 1000} k€"
        )
        details.append(pay)
    suffix = f" — {' · '.join(details)}" if details else ""
    return f"• {esc(job.title)}{suffix}"


def render_todo(todo: Todo, clock: Clock) -> str:
    assert todo.due_at is not None
    due = todo.due_at.astimezone(clock.tz)
    if due.date() < clock.today():
        when = f"⚠️ en retard ({day_name(due.date(), today=clock.today())})"
    else:
        when = hhmm(due)
    return f"• {esc(todo.title)} — {when}"


def _section(title: str, lines: Sequence[str]) -> list[str]:
    return [f"<b>{title}</b>\n" + "\n".join(lines)] if lines else []


async def build_digest(*, session: AsyncSession, clock: Clock, day: date | None = None) -> Digest:
    day = day or clock.today()
    start = datetime.combine(day, time(), tzinfo=clock.tz)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=clock.tz)
    events = await agenda.list_events(session=session, start=start, end=end)
    todos = await digest.todos_due(session=session, before=end)
    steps = await digest.steps_in_progress(session=session)
    jobs = await _new_jobs(session=session, now=clock.now())
    plural = "s" if len(jobs) > 1 else ""
    sections = [
        *_section("📅 Aujourd'hui", [render_event(e, clock) for e in events]),
        *_section("✅ À faire", [render_todo(t, clock) for t in todos]),
        *_section("🚧 En cours", [f"• {esc(name)} — {esc(st.title)}" for name, st in steps]),
        *_section(
            f"💼 {len(jobs)} nouvelle{plural} offre{plural}",
            [render_job(j) for j in jobs[:TOP_JOBS]],
        ),
    ]
    checkin = await health.get_checkin(session=session, day=day)
    taken = checkin is not None and checkin.meds_taken
    meds = "💊 Médicaments : pris ✅" if taken else "💊 Médicaments : pas encore pris"
    body = "\n\n".join(sections) if sections else "Rien de prévu aujourd'hui. Belle journée !"
    text = f"☀️ <b>Bonjour !</b> {long_date(day)}\n\n{body}\n\n{meds}"
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
