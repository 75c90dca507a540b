"""The weekly review: what was done this week, what is late, next week's events day by day,
medication adherence, projects where nothing moved for 14 days, new matching job offers.
Rendered from the database only; no model call. Claimed once per ISO week, like the digest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render.dates import capitalised, day_name
from bot.render.escape import esc
from bot.render.jobs import job_line
from bot.sending import Outcome, Outgoing, send_once
from core.french import MONTHS
from core.vocabulary import hhmm
from store import agenda, digest, health, review
from store.agenda import Occurrence
from store.clock import Clock
from store.job_ranking import rank_jobs

REVIEW_KIND = "weekly_review"
STALLED_AFTER = timedelta(days=14)
# Up to this many, the done todos are named; beyond, counted.
NAMED_DONE = 5
SHOWN_OVERDUE = 10
TOP_JOBS = 3


def week_slot(day: date) -> str:
    """The ISO week `day` is in, e.g. '2026-W48': the review's claim."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Review:
    week: str
    text: str


def _section(title: str, lines: Sequence[str], empty: str | None = None) -> list[str]:
    if not lines:
        return [f"<b>{title}</b>\n{empty}"] if empty else []
    return [f"<b>{title}</b>\n" + "\n".join(lines)]


def _short_date(day: date) -> str:
    return f"{day.day}{'er' if day.day == 1 else ''} {MONTHS[day.month - 1]}"


async def build_review(*, session: AsyncSession, clock: Clock, day: date | None = None) -> Review:
    """The review of the week `day` is in (today's by default), as of now."""
    day = day or clock.today()
    now = clock.now()
    first = monday(day)
    week_start = datetime.combine(first, time(), tzinfo=clock.tz)
    next_week = datetime.combine(first + timedelta(days=7), time(), tzinfo=clock.tz)
    sections = [
        *await _done(session, week_start, next_week),
        *await _overdue(session, clock),
        *await _next_week(session, clock, next_week),
        await _meds(session, first, min(day, clock.today())),
        *await _stalled(session, now),
        *await _jobs(session, now, week_slot(day)),
    ]
    last = first + timedelta(days=6)
    heading = f"🗓 <b>Bilan de la semaine</b> du {_short_date(first)} au {_short_date(last)}"
    return Review(week=week_slot(day), text="\n\n".join([heading, *sections]))


async def _done(session: AsyncSession, start: datetime, end: datetime) -> list[str]:
    done = await review.done_between(session=session, start=start, end=end)
    title = f"✅ Fait cette semaine : {len(done)}"
    if not done:
        return [f"<b>{title}</b>"]
    named = [f"• {esc(t.title)}" for t in done] if len(done) <= NAMED_DONE else []
    return [f"<b>{title}</b>" + "".join(f"\n{line}" for line in named)]


async def _overdue(session: AsyncSession, clock: Clock) -> list[str]:
    late = await review.overdue(session=session, now=clock.now())
    lines = [
        f"• {esc(t.title)} — {day_name(t.due_at.astimezone(clock.tz).date(), today=clock.today())}"
        for t in late[:SHOWN_OVERDUE]
        if t.due_at is not None
    ]
    if len(late) > SHOWN_OVERDUE:
        lines.append(f"… et {len(late) - SHOWN_OVERDUE} de plus")
    return _section(f"⚠️ En retard ({len(late)})", lines) if late else []


async def _next_week(session: AsyncSession, clock: Clock, start: datetime) -> list[str]:
    end = start + timedelta(days=7)
    found = await agenda.list_occurrences(session=session, start=start, end=end, tz=clock.tz)
    lines: list[str] = []
    current: date | None = None
    for occurrence in found:
        local = max(occurrence.occurrence_start, start).astimezone(clock.tz)
        if local.date() != current:
            current = local.date()
            lines.append(f"<i>{capitalised(day_name(current))}</i>")
        lines.append(_event_line(occurrence, clock))
    return _section("📅 La semaine prochaine", lines, "Rien de prévu pour l'instant.")


def _event_line(occurrence: Occurrence, clock: Clock) -> str:
    event = occurrence.event
    if event.all_day:
        return f"• {esc(event.title)} (toute la journée)"
    start = occurrence.occurrence_start.astimezone(clock.tz)
    end = occurrence.occurrence_end.astimezone(clock.tz)
    return f"• {hhmm(start)}–{hhmm(end)} {esc(event.title)}"


async def _meds(session: AsyncSession, first: date, last: date) -> str:
    """'💊 Médicaments : 6/7 jours' over the week's days so far."""
    days = (last - first).days + 1
    if days <= 0:
        return "<b>💊 Médicaments</b> : rien à compter encore"
    checkins = await health.history(session=session, since=first)
    taken = sum(1 for c in checkins if c.day <= last and c.meds_taken)
    return f"<b>💊 Médicaments : {taken}/{days} jour{'s' if days > 1 else ''}</b>"


async def _stalled(session: AsyncSession, now: datetime) -> list[str]:
    stalled = await review.stalled_projects(session=session, since=now - STALLED_AFTER)
    lines = [
        f"• {esc(project.name)} — rien depuis le {_short_date(moved.date())}"
        for project, moved in stalled
    ]
    return _section("🧊 Projets à l'arrêt depuis 14 jours", lines)


async def _jobs(session: AsyncSession, now: datetime, week: str) -> list[str]:
    criteria = await digest.active_criteria(session=session)
    if not criteria:
        return []
    # Since the review of an earlier week: printed again after it was sent, it says the same.
    sent = await digest.last_sent(session=session, kind=REVIEW_KIND, before_slot=week)
    since = sent or now - timedelta(days=7)
    jobs = rank_jobs(await digest.jobs_seen_since(session=session, since=since), criteria)
    plural = "s" if len(jobs) > 1 else ""
    title = f"💼 {len(jobs)} nouvelle{plural} offre{plural} pour tes critères"
    return _section(title, [job_line(j) for j in jobs[:TOP_JOBS]]) if jobs else []


async def send_review(
    *,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    chat_id: int,
    day: date | None = None,
) -> Outcome:
    """Send the review of the week `day` is in, unless it was sent already (by a replica, a
    restart, the CLI)."""
    day = day or clock.today()

    async def prepare(session: AsyncSession) -> Outgoing:
        built = await build_review(session=session, clock=clock, day=day)
        return Outgoing(built.text)

    return await send_once(
        bot=bot,
        sessionmaker=sessionmaker,
        clock=clock,
        chat_id=chat_id,
        kind=REVIEW_KIND,
        slot=week_slot(day),
        message=prepare,
    )
