"""/app: a button that opens the PWA inside Telegram (a Mini App), signed in by Telegram."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot import keyboards, texts


async def open_app(message: Message, mini_app_url: str | None = None) -> None:
    if mini_app_url is None:
        await message.answer(texts.APP_NOT_CONFIGURED)
        return
    await message.answer(
        texts.APP_OPEN, reply_markup=keyboards.open_app(mini_app_url, texts.APP_BUTTON)
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(open_app, Command("app"))
    return router
