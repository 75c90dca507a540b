"""Telegram errors: transient ones retried (retry_after honoured), permanent ones logged once."""

from __future__ import annotations

import gc
import logging
import time
import weakref

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import Response
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sending import TELEGRAM_LIMIT, Outgoing, send_once, split_message
from store.clock import FrozenClock
from tests.fakes.telegram import OWNER_ID, FakeTelegram, parse_html


async def test_429_waits_retry_after_then_succeeds(bot: Bot, tg: FakeTelegram) -> None:
    tg.fail_next("sendMessage", error_code=429, description="Too Many Requests", retry_after=1)
    started = time.monotonic()
    message = await bot.send_message(OWNER_ID, "bonjour")
    assert time.monotonic() - started >= 1
    assert message.text == "bonjour"
    assert len(tg.calls_to("sendMessage")) == 2


async def test_server_errors_are_retried(bot: Bot, tg: FakeTelegram) -> None:
    tg.fail_next("sendMessage", error_code=502, description="Bad Gateway", times=2)
    await bot.send_message(OWNER_ID, "bonjour")
    assert len(tg.calls_to("sendMessage")) == 3


async def test_a_blocked_bot_is_permanent_and_logged_once(
    bot: Bot, tg: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    tg.fail_next(
        "sendMessage",
        error_code=403,
        description="Forbidden: bot was blocked by the user",
        times=2,
    )
    with caplog.at_level(logging.ERROR):
        for _ in range(2):
            with pytest.raises(TelegramForbiddenError):
                await bot.send_message(OWNER_ID, "bonjour")
    assert len(tg.calls_to("sendMessage")) == 2  # no retry
    assert sum("giving up on chat" in r.getMessage() for r in caplog.records) == 1


async def test_response_models_survive_garbage_collection(bot: Bot) -> None:
    await bot.send_message(OWNER_ID, "bonjour")
    built = weakref.ref(Response[Message])
    gc.collect()
    assert built() is not None  # the next answer is parsed without building it again


def test_long_texts_are_split_on_lines() -> None:
    text = "\n".join(f"ligne {i} " + "x" * 80 for i in range(200))
    parts = list(split_message(text))
    assert len(parts) > 1 and all(len(p) <= TELEGRAM_LIMIT for p in parts)
    assert "\n".join(parts) == text
    assert list(split_message("y" * 9000)) == ["y" * 4096, "y" * 4096, "y" * 808]


def test_a_long_html_text_is_split_into_balanced_parts() -> None:
    text = (
        "<b>Titre</b>\n🎤 <i>" + "des mots &amp; " * 1500 + '</i>\n<a href="https://x.fr">lien</a>'
    )

    parts = split_message(text)

    assert len(parts) == 5
    shown = [parse_html(part) for part in parts]  # raises, as Telegram, on unbalanced tags
    assert all(len(s.encode("utf-16-le")) // 2 <= TELEGRAM_LIMIT for s in shown)
    assert all(p.startswith("<i>") and p.endswith("</i>") for p in parts[1:-1])
    # Only the blanks at the cuts are gone.
    blanks = str.maketrans("", "", " \n")
    assert "".join(shown).translate(blanks) == parse_html(text).translate(blanks)


def test_a_cut_never_falls_inside_a_tag_or_an_entity() -> None:
    text = "a" * 4094 + "&amp;<b>bb</b>"

    parts = split_message(text)

    assert parts == ["a" * 4094 + "&amp;<b>b</b>", "<b>b</b>"]


async def test_a_long_send_goes_out_in_parts_once(
    bot: Bot,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
) -> None:
    text = "\n".join("z" * 1000 for _ in range(10))
    for _ in range(2):
        await send_once(
            bot=bot,
            sessionmaker=sessionmaker,
            clock=clock,
            chat_id=OWNER_ID,
            kind="t",
            slot="1",
            message=Outgoing(text),
        )
    sent = tg.calls_to("sendMessage")
    assert len(sent) == 3 and "\n".join(c["text"] for c in sent) == text
