"""/settings: the digest time and the medication reminder times, changed without a restart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import time

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.fmt import hhmm
from store import owner
from store.clock import Clock

ScheduleHook = Callable[[], Awaitable[None]]

DIGEST_WORDS = {"resume", "résumé", "digest", "matin"}
REMINDER_WORDS = {"rappels", "rappel", "reminders", "meds", "medocs", "médocs"}


def parse_time(value: str) -> time:
    """'7:30', '07h30', '7h' → time; ValueError otherwise."""
    cleaned = value.strip().lower().replace("h", ":")
    hours, _, minutes = cleaned.partition(":")
    return time(int(hours), int(minutes or 0))


def parse_times(value: str) -> tuple[time, ...]:
    return tuple(sorted({parse_time(v) for v in value.replace(" ", ",").split(",") if v}))


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
    await message.answer(
        texts.SETTINGS.format(
            digest=hhmm(schedule.digest_time),
            reminders=texts.times(schedule.med_reminder_times),
            tz=clock.tz.key,
        )
    )


async def _change(
    message: Message, args: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> bool:
    word, _, value = args.strip().lower().partition(" ")
    digest: time | None = None
    reminders: tuple[time, ...] | None = None
    try:
        if word in DIGEST_WORDS:
            digest = parse_time(value)
        elif word in REMINDER_WORDS:
            reminders = parse_times(value) or None
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
