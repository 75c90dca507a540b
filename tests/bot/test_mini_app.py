"""/app: the button that opens the PWA inside Telegram, or why there is none."""

from __future__ import annotations

from typing import Any

from aiogram import Bot

from bot import texts
from bot.dispatcher import create_dispatcher
from tests.bot.conftest import Conversation
from tests.fakes.telegram import OWNER_ID, FakeTelegram, message_update

APP_URL = "https://os.example.org/app/"


async def test_app_answers_with_a_button_that_opens_the_pwa_in_telegram(
    workflow: dict[str, Any], bot: Bot, tg: FakeTelegram
) -> None:
    chat = Conversation(
        create_dispatcher(owner_id=OWNER_ID, **workflow, mini_app_url=APP_URL), bot, tg
    )
    await chat.feed(message_update(chat.update_id(), text="/app"))
    [[button]] = chat.sent()[-1]["reply_markup"]["inline_keyboard"]
    assert button == {"text": "Ouvrir", "web_app": {"url": APP_URL}}
    assert chat.last_text() == texts.APP_OPEN


async def test_without_public_url_app_says_what_to_set(chat: Conversation) -> None:
    await chat.feed(message_update(chat.update_id(), text="/app"))
    assert "PUBLIC_URL" in chat.last_text()
    assert "reply_markup" not in chat.sent()[-1]


async def test_help_and_the_command_menu_name_app(chat: Conversation) -> None:
    await chat.feed(message_update(chat.update_id(), text="/help"))
    assert "/app" in chat.last_text()
    assert "app" in texts.COMMANDS
