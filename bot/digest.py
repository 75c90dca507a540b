"""The morning digest: today's events, todos due and overdue (with ✅ and ⏰ Demain each),
meds, steps in progress, new matching job offers. Rendered from the database only; no model
call. A press on one of its buttons draws it again, for its day, from the database."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import todo_lists
from bot.keyboards import meds_button
from bot.render.dates import long_date
from bot.render.events import event_line
from bot.render.jobs import job_line
from bot.render.meds import meds_digest_line
from bot.render.projects import step_in_progress_line
from bot.sending import Outcome, Outgoing, send_once
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


async def build_digest(
    *,
    session: AsyncSession,
    clock: Clock,
    day: date | None = None,
    todo_ids: Sequence[uuid.UUID] | None = None,
    with_more: bool = True,
) -> Digest:
    """The day's digest; with `todo_ids`, the one already sent that listed these todos (drawn
    again after a press: they keep their lines, done or postponed)."""
    day = day or clock.today()
    start = datetime.combine(day, time(), tzinfo=clock.tz)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=clock.tz)
    events = await agenda.list_occurrences(session=session, start=start, end=end, tz=clock.tz)
    view = todo_lists.View("d", day)
    todos = await todo_lists.section(session, view, clock, todo_ids, with_more=with_more)
    todo_lines = todo_lists.lines(todos.shown, view, clock)
    if todos.more:
        todo_lines.append(f"… et {todos.more} de plus (➕)")
    steps = await digest.steps_in_progress(session=session)
    again = day.isoformat() if todo_ids is not None else None
    jobs = await _new_jobs(session=session, now=clock.now(), redrawn=again)
    plural = "s" if len(jobs) > 1 else ""
    sections = [
        *_section("📅 Aujourd'hui", [event_line(e, clock) for e in events]),
        *_section("✅ À faire", todo_lines),
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
    rows = todo_lists.digest_rows(todos, view)
    rows.append([meds_button(day.isoformat(), taken=taken, op="dtoggle")])
    return Digest(day=day, text=text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def redraw_digest(
    *,
    session: AsyncSession,
    clock: Clock,
    day: date,
    todo_ids: Sequence[uuid.UUID],
    with_more: bool,
) -> Outgoing:
    """A digest message drawn again from the database, with the todos its buttons name."""
    built = await build_digest(
        session=session, clock=clock, day=day, todo_ids=todo_ids, with_more=with_more
    )
    return Outgoing(built.text, built.reply_markup)


async def _new_jobs(*, session: AsyncSession, now: datetime, redrawn: str | None) -> list[Job]:
    """Offers first seen since the last digest was sent; for a digest drawn again after it
    was sent (`redrawn`: its slot), since the one before it, so that it says the same."""
    criteria = await digest.active_criteria(session=session)
    if not criteria:
        return []
    sent = await digest.last_sent(session=session, kind=DIGEST_KIND, before_slot=redrawn)
    since = sent or now - timedelta(days=1)
    return rank_jobs(await digest.jobs_seen_since(session=session, since=since), criteria)


async def send_digest(
    *,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    chat_id: int,
    day: date | None = None,
) -> Outcome:
    """Send the day's digest unless it was already sent (by a replica, a restart, the CLI).
    It is drawn once the claim is won: the scheduler asks every minute of its window."""
    day = day or clock.today()

    async def prepare(session: AsyncSession) -> Outgoing:
        built = await build_digest(session=session, clock=clock, day=day)
        return Outgoing(built.text, built.reply_markup)

    return await send_once(
        bot=bot,
        sessionmaker=sessionmaker,
        clock=clock,
        chat_id=chat_id,
        kind=DIGEST_KIND,
        slot=day.isoformat(),
        message=prepare,
    )
