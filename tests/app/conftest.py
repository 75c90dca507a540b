"""Schedulers on the embedded database, sending through the real bot to the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, time
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.scheduler import Scheduler, Timing
from app.telegram import TelegramMessages
from bot.dispatcher import create_bot, create_dispatcher
from store.clock import FrozenClock
from store.owner import Schedule
from tests.conftest import PARIS
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram

# No medication reminder unless a test asks: each would be one more message to tell apart.
QUIET = Schedule(digest_time=time(7, 30), med_reminder_times=())

SchedulerFactory = Callable[..., Scheduler]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


@pytest.fixture
async def quick_bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    """The real bot, whose transport retries a failure after 10 ms rather than 0.5 s."""
    bot = create_bot(BOT_TOKEN, api_base=tg.url, retry_delay=0.01)
    yield bot
    await bot.session.close()


@pytest.fixture
async def schedulers(
    quick_bot: Bot, sessionmaker: async_sessionmaker[AsyncSession], pg_url: str
) -> AsyncIterator[SchedulerFactory]:
    """Schedulers on the one test database (as replicas would be), stopped at the end."""
    made: list[Scheduler] = []

    def make(clock: FrozenClock, defaults: Schedule = QUIET, **extra: Any) -> Scheduler:
        scheduler = Scheduler(
            sessionmaker=sessionmaker,
            clock=clock,
            defaults=defaults,
            database_url=pg_url,
            telegram=TelegramMessages(
                bot=quick_bot, sessionmaker=sessionmaker, clock=clock, chat_id=OWNER_ID
            ),
            timing=Timing(poll_interval=0.05),
            **extra,
        )
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        await scheduler.stop()


def owner_dispatcher(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
    scheduler: Scheduler,
    defaults: Schedule = QUIET,
) -> Dispatcher:
    """The bot's real dispatcher, wired to `scheduler` as the running app wires it."""
    return create_dispatcher(
        owner_id=OWNER_ID,
        sessionmaker=sessionmaker,
        clock=clock,
        tz=clock.tz,
        agent=None,
        schedule_defaults=defaults,
        on_schedule_change=scheduler.reschedule,
        on_snooze=scheduler.snoozed,
    )


def texts(tg: FakeTelegram, marker: str = "") -> list[str]:
    """What the bot asked to send (failed attempts too), oldest first."""
    return [str(c["text"]) for c in tg.calls_to("sendMessage") if marker in str(c["text"])]


def delivered(tg: FakeTelegram, marker: str = "") -> list[str]:
    """The messages the owner has in the chat (as last edited), oldest first."""
    return [str(m["text"]) for m in tg.messages.values() if marker in str(m.get("text"))]


def buttons(call: dict[str, Any]) -> dict[str, str]:
    markup = call.get("reply_markup") or {}
    return {
        b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row
    }


def last_message_id(tg: FakeTelegram) -> int:
    return max(message_id for _, message_id in tg.messages)
