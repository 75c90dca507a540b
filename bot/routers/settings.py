"""/settings: the digest time and the medication reminder times, changed without a restart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import time

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.render.settings import settings_text
from core.vocabulary import parse_hhmm, parse_hhmm_list
from store import owner, status
from store.clock import Clock

ScheduleHook = Callable[[], Awaitable[None]]

DIGEST_WORDS = {"resume", "résumé", "digest", "matin"}
REMINDER_WORDS = {"rappels", "rappel", "reminders", "meds", "medocs", "médocs"}


async def settings(
    message: Message,
    command: CommandObject,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    schedule_defaults: owner.Schedule,
    on_schedule_change: ScheduleHook,
) -> None:
    if command.args:
        if not await _change(message, command.args, sessionmaker):
            return
        await on_schedule_change()
    async with sessionmaker() as session:
        schedule = await owner.get_schedule(session=session, defaults=schedule_defaults)
        google = await status.google_link(session=session)
    await message.answer(settings_text(schedule, clock.tz, google))


async def _change(
    message: Message, args: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> bool:
    word, _, value = args.strip().lower().partition(" ")
    digest: time | None = None
    reminders: tuple[time, ...] | None = None
    try:
        if word in DIGEST_WORDS:
            digest = parse_hhmm(value, typed=True)
        elif word in REMINDER_WORDS:
            reminders = parse_hhmm_list(value, typed=True) or None
        if digest is None and reminders is None:
            raise ValueError(args)
    except ValueError:
        await message.answer(texts.SETTINGS_USAGE)
        return False
    async with sessionmaker.begin() as session:
        await owner.update_schedule(
            session=session, digest_time=digest, med_reminder_times=reminders
        )
    await message.answer(texts.SETTINGS_SAVED)
    return True


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(settings, Command("settings"))
    return router
