"""/usage: what the AI cost this month (per model, against the budget), last month, and each
day of this week. Read from `ai_usage`; no model request."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from agent.service import AgentService
from bot.render.usage import usage_text
from bot.sending import answer
from store.clock import Clock


async def usage(message: Message, agent: AgentService, clock: Clock) -> None:
    today = clock.today()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    before = (first - timedelta(days=1)).replace(day=1)
    this_month = await agent.usage.report(first, last)
    last_month = await agent.usage.report(before, first - timedelta(days=1))
    await answer(message, usage_text(this_month, last_month, today=today))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(usage, Command("usage"))
    return router
