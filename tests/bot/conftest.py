"""A real aiogram Bot and Dispatcher against the fake Bot API and the embedded database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, time
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.service import AgentService
from bot.dispatcher import create_dispatcher
from integrations.groq import GroqSpeechToText
from store.clock import FrozenClock
from store.owner import Schedule
from tests.fakes.groq import FakeGroq
from tests.fakes.telegram import OWNER_ID, FakeTelegram, callback_update

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
def hooks() -> Hooks:
    return Hooks()


@pytest.fixture
async def groq() -> AsyncIterator[FakeGroq]:
    async with FakeGroq.start() as fake:
        yield fake


@pytest.fixture
async def agent(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock, groq: FakeGroq
) -> AsyncIterator[AgentService]:
    """The real agent service with the offline parser as its model (no Mistral key)."""
    stt = GroqSpeechToText(api_key=groq.api_key, base_url=groq.url, model="whisper-large-v3")
    yield AgentService(sessionmaker=sessionmaker, clock=clock, stt=stt)
    await stt.aclose()


@pytest.fixture
def workflow(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
    hooks: Hooks,
    agent: AgentService,
) -> dict[str, Any]:
    return {
        "sessionmaker": sessionmaker,
        "clock": clock,
        "tz": clock.tz,
        "agent": agent,
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

    def buttons(self, call: dict[str, Any] | None = None) -> dict[str, str]:
        """Button label → callback data, of the last message sent (or of `call`)."""
        markup = (call or self.sent()[-1]).get("reply_markup") or {}
        return {
            b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row
        }

    def card_id(self) -> int:
        """The message id Telegram gave the last message the bot sent."""
        return max(message_id for _, message_id in self.tg.messages)

    async def press(self, data: str, message_id: int | None = None) -> None:
        await self.feed(
            callback_update(self.update_id(), message_id=message_id or self.card_id(), data=data)
        )


@pytest.fixture
def chat(dp: Dispatcher, bot: Bot, tg: FakeTelegram) -> Conversation:
    return Conversation(dp, bot, tg)
