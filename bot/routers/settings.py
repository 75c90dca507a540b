"""/settings: the digest time, the medication reminder times, how long before an event it rings,
when the weekly review comes and the AI's monthly budget, changed without a restart."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import time
from decimal import Decimal, InvalidOperation

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.service import AgentService
from bot import texts
from bot.render.settings import settings_text
from bot.render.usage import budget_line
from core.vocabulary import (
    MAX_EVENT_REMINDER_MINUTES,
    WeeklyTime,
    parse_hhmm,
    parse_hhmm_list,
    parse_weekly,
)
from store import owner, status
from store.clock import Clock

ScheduleHook = Callable[[], Awaitable[None]]

DIGEST_WORDS = {"resume", "résumé", "digest", "matin"}
REMINDER_WORDS = {"rappels", "rappel", "reminders", "meds", "medocs", "médocs"}
BUDGET_WORDS = {"budget", "ia", "ai"}
# Back to AI_MONTHLY_BUDGET_EUR (no cap, unless the environment sets one).
NO_BUDGET_WORDS = {"aucun", "aucune", "non", "off", "none", "défaut", "defaut"}
_EUROS = re.compile(r"(\d{1,8}(?:[.,]\d{1,2})?)\s*(?:€|eur|euros?)?")
EVENT_WORDS = {"agenda", "evenements", "événements", "evenement", "événement", "events", "rdv"}
REVIEW_WORDS = {"bilan", "review", "revue", "semaine"}
NO_REMINDER = {"0", "aucun", "non", "off", "jamais"}
_MINUTES = re.compile(r"(\d{1,5})\s*(?:min|mn|m)?|(\d{1,3})\s*h")


def parse_minutes(value: str) -> int:
    """'15', '15 min', '2h', 'aucun' → minutes; ValueError for anything else."""
    value = value.strip().lower()
    if value in NO_REMINDER:
        return 0
    match = _MINUTES.fullmatch(value)
    if match is None:
        raise ValueError(value)
    minutes = int(match[1]) if match[1] else int(match[2]) * 60
    if minutes > MAX_EVENT_REMINDER_MINUTES:
        raise ValueError(value)
    return minutes


async def settings(
    message: Message,
    command: CommandObject,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    schedule_defaults: owner.Schedule,
    on_schedule_change: ScheduleHook,
    agent: AgentService | None = None,
) -> None:
    if command.args and _is_budget(command.args):
        if agent is None or not await _change_budget(message, command.args, agent):
            return
    elif command.args:
        if not await _change(message, command.args, sessionmaker):
            return
        await on_schedule_change()
    async with sessionmaker() as session:
        schedule = await owner.get_schedule(session=session, defaults=schedule_defaults)
        google = await status.google_link(session=session)
    text = settings_text(schedule, clock.tz, google)
    if agent is not None:
        budget = budget_line(await agent.usage.budget_state())
        text = f"{text}\n\n{budget}\n{texts.BUDGET_HOWTO}"
    await message.answer(text)


def _is_budget(args: str) -> bool:
    return args.strip().lower().partition(" ")[0] in BUDGET_WORDS


def parse_budget(value: str) -> Decimal | None:
    """'5', '2,50', '3 €' → euros; 'aucun' → None. Raises ValueError otherwise."""
    value = value.strip().lower()
    if value in NO_BUDGET_WORDS:
        return None
    match = _EUROS.fullmatch(value)
    if match is None:
        raise ValueError(value)
    try:
        return Decimal(match.group(1).replace(",", "."))
    except InvalidOperation:
        raise ValueError(value) from None


async def _change_budget(message: Message, args: str, agent: AgentService) -> bool:
    try:
        budget = parse_budget(args.strip().partition(" ")[2])
    except ValueError:
        await message.answer(texts.BUDGET_USAGE)
        return False
    await agent.usage.set_budget(budget)
    await message.answer(texts.SETTINGS_SAVED)
    return True


async def _change(
    message: Message, args: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> bool:
    word, _, value = args.strip().lower().partition(" ")
    digest: time | None = None
    reminders: tuple[time, ...] | None = None
    event_minutes: int | None = None
    review: WeeklyTime | None = None
    try:
        if word in DIGEST_WORDS:
            digest = parse_hhmm(value, typed=True)
        elif word in REMINDER_WORDS:
            reminders = parse_hhmm_list(value, typed=True) or None
        elif word in EVENT_WORDS:
            event_minutes = parse_minutes(value)
        elif word in REVIEW_WORDS:
            review = parse_weekly(value)
        if digest is None and reminders is None and event_minutes is None and review is None:
            raise ValueError(args)
    except ValueError:
        await message.answer(texts.SETTINGS_USAGE)
        return False
    async with sessionmaker.begin() as session:
        await owner.update_schedule(
            session=session,
            digest_time=digest,
            med_reminder_times=reminders,
            event_reminder_minutes=event_minutes,
            weekly_review=review,
        )
    await message.answer(texts.SETTINGS_SAVED)
    return True


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(settings, Command("settings"))
    return router
