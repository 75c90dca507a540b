"""A real aiogram Bot and Dispatcher against the fake Bot API and the embedded database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, time
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher import create_bot, create_dispatcher
from store.clock import FrozenClock
from store.owner import Schedule
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram

DEFAULTS = Schedule(digest_time=time(7, 30), med_reminder_times=())


class Hooks:
    """Records what the bot asks of the scheduler."""

    def __init__(self) -> None:
        self.schedule_changes = 0
        self.snoozes: list[datetime] = []

    async def schedule_changed(self) -> None:
        self.schedule_changes += 1

    async def snoozed(self, until: datetime) -> None:
        self.snoozes.append(until)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram.start() as fake:
        yield fake


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    bot = create_bot(BOT_TOKEN, api_base=tg.url)
    yield bot
    await bot.session.close()


@pytest.fixture
def hooks() -> Hooks:
    return Hooks()


@pytest.fixture
def workflow(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock, hooks: Hooks
) -> dict[str, Any]:
    return {
        "sessionmaker": sessionmaker,
        "clock": clock,
        "tz": clock.tz,
        "agent": None,
        "schedule_defaults": DEFAULTS,
        "on_schedule_change": hooks.schedule_changed,
        "on_snooze": hooks.snoozed,
    }


@pytest.fixture
def dp(workflow: dict[str, Any]) -> Dispatcher:
    return create_dispatcher(owner_id=OWNER_ID, **workflow)


class Conversation:
    """Feeds raw updates one at a time and hands back what the bot sent."""

    def __init__(self, dp: Dispatcher, bot: Bot, tg: FakeTelegram) -> None:
        self.dp, self.bot, self.tg = dp, bot, tg
        self._next_update = 1000

    def update_id(self) -> int:
        self._next_update += 1
        return self._next_update

    async def feed(self, update: dict[str, Any]) -> None:
        await self.dp.feed_raw_update(self.bot, update)

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return self.tg.calls_to(method)

    def last_text(self) -> str:
        return str(self.sent()[-1]["text"])


@pytest.fixture
def chat(dp: Dispatcher, bot: Bot, tg: FakeTelegram) -> Conversation:
    return Conversation(dp, bot, tg)
