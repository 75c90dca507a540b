"""The owner is served in the owner's private chat only; anyone else costs nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from store.tables import DailyCheckin, TelegramUpdate
from tests.bot.conftest import Conversation
from tests.fakes.telegram import OWNER_ID, callback_update, message_update

STRANGER = 666
GROUP = -1001234567890
TOGGLE = "meds:toggle:2026-11-25"


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement the code under test sends to the database meanwhile."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))  # (conn, cursor, statement, parameters, context, many)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def inline_callback(update_id: int, data: str) -> dict[str, Any]:
    """A button press on an inline message: it has no chat at all."""
    user = {"id": OWNER_ID, "is_bot": False, "first_name": "Arthur"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"inline-{update_id}",
            "from": user,
            "inline_message_id": "AAAAAQ",
            "chat_instance": "1",
            "data": data,
        },
    }


def forged_updates(chat: Conversation) -> list[dict[str, Any]]:
    """The owner's id as sender, somebody else's chat (or none) as the place to answer."""
    return [
        message_update(chat.update_id(), user_id=OWNER_ID, chat_id=STRANGER, text="/meds"),
        message_update(chat.update_id(), user_id=OWNER_ID, chat_id=GROUP, text="/todos"),
        message_update(chat.update_id(), user_id=STRANGER, chat_id=OWNER_ID, text="/meds"),
        callback_update(chat.update_id(), user_id=OWNER_ID, chat_id=STRANGER, data=TOGGLE),
        callback_update(chat.update_id(), user_id=OWNER_ID, chat_id=GROUP, data=TOGGLE),
        inline_callback(chat.update_id(), TOGGLE),
    ]


async def test_an_update_from_the_owner_in_another_chat_gets_nothing_and_leaves_nothing(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for update in forged_updates(chat):
        await chat.feed(update)
    assert chat.tg.calls == []
    async with sessionmaker() as s:
        assert (await s.execute(select(TelegramUpdate))).all() == []
        assert (await s.execute(select(DailyCheckin))).all() == []
    # The same buttons and commands in the owner's own chat are served.
    await chat.feed(message_update(chat.update_id(), text="/meds"))
    await chat.feed(callback_update(chat.update_id(), data=TOGGLE))
    assert chat.sent() and chat.sent("answerCallbackQuery")


async def test_a_strangers_update_costs_not_one_query(
    chat: Conversation, engine: AsyncEngine
) -> None:
    with statements(engine) as during_strangers:
        await chat.feed(message_update(chat.update_id(), user_id=STRANGER, text="/meds"))
        await chat.feed(callback_update(chat.update_id(), user_id=STRANGER, data=TOGGLE))
        for update in forged_updates(chat):
            await chat.feed(update)
    assert during_strangers == []
    # The counter sees the owner's: the claim of the update id, the conversation state, …
    with statements(engine) as during_owner:
        await chat.feed(message_update(chat.update_id(), text="/meds"))
    assert any("telegram_updates" in s for s in during_owner)
    assert any("bot_conversations" in s for s in during_owner)
