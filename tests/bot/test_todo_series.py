"""Recurring todos in Telegram: the rule in words on the card, /todos and /today; ✅ on a
recurring todo brings the next one, once, and says when."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import todos
from store.clock import FrozenClock
from store.tables import Todo
from tests.bot.conftest import Conversation
from tests.conftest import PARIS
from tests.fakes.telegram import message_update


async def add(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock, **data: Any
) -> Todo:
    async with sessionmaker.begin() as s:
        return await todos.create_todo(
            session=s, data={"title": "Appeler maman", "status": "todo", **data}, now=clock.now()
        )


async def series(sessionmaker: async_sessionmaker[AsyncSession]) -> list[Todo]:
    async with sessionmaker() as s:
        stmt = select(Todo).where(Todo.title == "Appeler maman").order_by(Todo.due_at)
        return list((await s.execute(stmt)).scalars().all())


async def test_the_card_says_the_rule_and_the_reminder_and_confirm_writes_them(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    text = "rappelle-moi d'appeler maman tous les lundis à 18h"
    await chat.feed(message_update(chat.update_id(), text=text))

    card = chat.last_text()
    assert "« Appeler maman »" in card
    assert "pour lundi 30 novembre à 18:00 · ⏰ rappel · 🔁 chaque lundi à 18:00" in card
    await chat.press(chat.buttons()["✅ Confirmer"])

    assert "🔁 chaque lundi à 18:00" in chat.sent("editMessageText")[-1]["text"]
    [todo] = await series(sessionmaker)
    assert todo.recurrence == "FREQ=WEEKLY;BYDAY=MO"
    assert todo.due_at == todo.remind_at == datetime(2026, 11, 30, 17, tzinfo=UTC)


async def test_todos_and_today_show_the_rule_in_words(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    await add(sessionmaker, clock, due_at=clock.now().replace(hour=18), recurrence="FREQ=DAILY")

    await chat.feed(message_update(chat.update_id(), text="/todos"))
    assert "• Appeler maman — aujourd'hui à 18:00 · 🔁 chaque jour à 18:00" in chat.last_text()
    await chat.feed(message_update(chat.update_id(), text="/today"))
    assert "• Appeler maman — 18:00 · 🔁 chaque jour à 18:00" in chat.last_text()


async def test_done_on_a_recurring_todo_brings_the_next_once_at_18h_across_dst(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 3, 23, 18, 30, tzinfo=PARIS))  # Monday; DST starts on the 29th
    monday = datetime(2026, 3, 23, 18, tzinfo=PARIS)
    await add(
        sessionmaker, clock, due_at=monday, remind_at=monday, recurrence="FREQ=WEEKLY;BYDAY=MO"
    )
    await chat.feed(message_update(chat.update_id(), text="/todos"))
    done = chat.buttons()["✅ Appeler maman"]

    await chat.press(done)
    await chat.press(done)  # a double tap

    answers = [c["text"] for c in chat.sent("answerCallbackQuery")]
    assert answers == [
        "✅ Terminé : Appeler maman · 🔁 prochaine fois : lundi 30 mars à 18:00",
        "Déjà fait 👍",
    ]
    first, following = await series(sessionmaker)
    assert (first.status, first.completed_at) == ("done", clock.now())
    assert following.due_at == following.remind_at == datetime(2026, 3, 30, 16, tzinfo=UTC)
    assert following.previous_id == first.id
