"""200 text updates through the bot vs a minimal aiogram handler doing the unavoidable I/O.

    .venv/bin/python -m bench.bot_updates

Both run against the same fake Bot API and the same instant fake Mistral server, on an embedded
PostgreSQL. The bot path is the real one: owner check, update claimed once, typing action, the
agent's model request through pydantic-ai's MistralModel, the proposal stored, the card sent
and attached. The floor handler does one request to the fake model, one INSERT and one
sendMessage with a keyboard, and nothing else. Prints both times and their ratio (aim ≤ 2).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import aiohttp
import asyncpg
from aiogram import Bot, Dispatcher
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from agent.service import AgentService
from bench._agent import clock, database
from bot.dispatcher import create_bot, create_dispatcher
from integrations.mistral import mistral_model
from store.db import create_engine, create_sessionmaker, to_libpq_url
from store.owner import Schedule
from tests.fakes.mistral import FakeMistral, ToolCalls
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram, message_update

UPDATES = 200
TEXT = "ajoute une tâche acheter du pain demain"


def instant(_: dict[str, Any]) -> ToolCalls:
    args = {"title": "Acheter du pain", "due_at": "2026-11-26T09:00:00+01:00"}
    return ToolCalls([("create_todo", args)])


async def feed(dp: Dispatcher, bot: Bot, first_id: int) -> float:
    started = time.perf_counter()
    for i in range(UPDATES):
        await dp.feed_raw_update(bot, message_update(first_id + i, text=TEXT))
    return time.perf_counter() - started


async def ours(url: str, tg: FakeTelegram, mistral: FakeMistral) -> float:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    model = mistral_model(api_key=mistral.api_key, model_name="m", base_url=mistral.url)
    agent = AgentService(sessionmaker=sessionmaker, clock=clock(), model=model)
    bot = create_bot(BOT_TOKEN, api_base=tg.url)

    async def nothing(*_: object) -> None:
        return None

    dp = create_dispatcher(
        owner_id=OWNER_ID,
        sessionmaker=sessionmaker,
        clock=clock(),
        tz=clock().tz,
        agent=agent,
        schedule_defaults=Schedule(digest_time=clock().now().time(), med_reminder_times=()),
        on_schedule_change=nothing,
        on_snooze=nothing,
    )
    try:
        await feed(dp, bot, 1_000_000)  # warm-up
        return await feed(dp, bot, 1)
    finally:
        await bot.session.close()
        await engine.dispose()


async def floor(url: str, tg: FakeTelegram, mistral: FakeMistral) -> float:
    pool = await asyncpg.create_pool(to_libpq_url(url), min_size=1, max_size=2)
    http = aiohttp.ClientSession()
    bot = Bot(BOT_TOKEN, session=create_bot(BOT_TOKEN, api_base=tg.url).session)
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="✅", callback_data="ok")]]
    )
    dp = Dispatcher()

    @dp.message()
    async def handle(message: Message) -> None:
        body = {"model": "m", "messages": [{"role": "user", "content": message.text}]}
        headers = {"Authorization": f"Bearer {mistral.api_key}"}
        async with http.post(
            f"{mistral.url}/v1/chat/completions", json=body, headers=headers
        ) as r:
            await r.json()
        await pool.execute(
            "insert into ordinarthur_os.ai_actions (proposal_id, function_name, status, source)"
            " values ($1, 'create_todo', 'proposed', 'telegram')",
            uuid.uuid4(),
        )
        await message.answer("Je propose : Acheter du pain", reply_markup=keyboard)

    try:
        await feed(dp, bot, 3_000_000)  # warm-up
        return await feed(dp, bot, 2_000_000)
    finally:
        await bot.session.close()
        await http.close()
        await pool.close()


async def main(url: str) -> None:
    async with FakeTelegram.start() as tg, FakeMistral.start(responder=instant) as mistral:
        floor_s = await floor(url, tg, mistral)
        ours_s = await ours(url, tg, mistral)
    per = 1000 / UPDATES
    print(f"{UPDATES} text updates")  # noqa: T201
    print(f"  minimal aiogram handler: {floor_s:.2f} s ({floor_s * per:.1f} ms/update)")  # noqa: T201
    print(f"  the bot:                 {ours_s:.2f} s ({ours_s * per:.1f} ms/update)")  # noqa: T201
    print(f"  ratio bot/floor: {ours_s / floor_s:.2f} (aim <= 2)")  # noqa: T201


if __name__ == "__main__":
    with database() as db_url:
        asyncio.run(main(db_url))
