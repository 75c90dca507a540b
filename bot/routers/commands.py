"""/start and /help."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot import texts


async def start(message: Message, tz: ZoneInfo) -> None:
    await message.answer(texts.WELCOME.format(tz=tz.key))


async def help_(message: Message) -> None:
    await message.answer(texts.HELP)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    return router
