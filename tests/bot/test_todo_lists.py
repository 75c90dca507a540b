"""Lists you can act on: /todos, /today and the digest carry ✅ and ⏰ Demain on each todo
(8 per message, the rest by ➕); a press redraws the message in place from the database."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.digest import send_digest
from bot.keyboards import MoreTodosCb, TodoCb
from store import health, todos
from store.clock import FrozenClock
from store.tables import Todo
from tests.bot.conftest import Conversation
from tests.conftest import PARIS
from tests.fakes.telegram import OWNER_ID, message_update


async def _todos(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
    titles: list[str],
    due: datetime | None = None,
) -> list[Todo]:
    made = []
    async with sessionmaker.begin() as s:
        for n, title in enumerate(titles):
            at = due + timedelta(minutes=n) if due is not None else None
            data = {"title": title, "status": "todo", "due_at": at}
            made.append(await todos.create_todo(session=s, data=data, now=clock.now()))
    return made


def _message(chat: Conversation, message_id: int) -> dict[str, Any]:
    return chat.tg.messages[(OWNER_ID, message_id)]


async def _press(chat: Conversation, message_id: int, label: str) -> str:
    """Press the button `label` on the bot's message, as Telegram sends it; the toast."""
    data = chat.buttons(_message(chat, message_id))[label]
    await chat.feed(chat.tg.press(chat.update_id(), OWNER_ID, message_id, data))
    return str(chat.sent("answerCallbackQuery")[-1].get("text") or "")


async def _get(sessionmaker: async_sessionmaker[AsyncSession], todo_id: uuid.UUID) -> Todo:
    async with sessionmaker() as s:
        return await todos.get_todo(session=s, todo_id=todo_id)


async def test_todos_shows_eight_with_buttons_and_the_rest_by_more(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    titles = [f"Tâche {n}" for n in range(1, 12)]
    made = await _todos(sessionmaker, clock, titles, due=clock.now() + timedelta(days=2))
    await chat.feed(message_update(chat.update_id(), text="/todos"))
    first = chat.card_id()
    text = chat.last_text()
    assert text.startswith("<b>📋 Tâches ouvertes (11)</b>")
    assert "Tâche 8 — vendredi 27 novembre à 10:07" in text and "Tâche 9" not in text
    labels = list(chat.buttons())
    assert labels[:2] == ["✅ Tâche 1", "⏰ Demain"] and labels[-1] == "➕ 3 de plus"
    keyboard = chat.sent()[-1]["reply_markup"]["inline_keyboard"]
    assert len(keyboard) == 9 and all(len(row) == 2 for row in keyboard[:8])
    data = keyboard[0][0]["callback_data"]
    assert TodoCb.unpack(data).todo == made[0].id.hex and len(data) <= 64

    assert await _press(chat, first, "➕ 3 de plus") == ""
    rest = chat.sent()[-1]
    assert rest["text"].startswith("<b>📋 Tâches ouvertes (suite)</b>")
    assert [line.split(" — ")[0] for line in rest["text"].split("\n")[1:]] == [
        "• Tâche 9",
        "• Tâche 10",
        "• Tâche 11",
    ]
    assert "➕ 3 de plus" not in chat.buttons(_message(chat, first))  # sent: gone from the first


async def test_a_press_redraws_the_list_in_place_and_a_second_press_is_already_done(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    made = await _todos(sessionmaker, clock, ["Pain", "Garage", "Impôts"], due=clock.now())
    await chat.feed(message_update(chat.update_id(), text="/todos"))
    card = chat.card_id()
    done = chat.buttons()["✅ Pain"]
    assert (await _press(chat, card, "✅ Pain")).startswith("✅ Terminé : Pain")
    # The same button again (a double tap, or the old card on another device).
    await chat.feed(chat.tg.press(chat.update_id(), OWNER_ID, card, done))
    assert chat.sent("answerCallbackQuery")[-1]["text"] == "Déjà fait 👍"
    edited = _message(chat, card)
    assert edited["text"].split("\n")[1] == "✓ <s>Pain</s>"
    assert list(chat.buttons(edited))[0] == "✓ Pain"
    assert await _press(chat, card, "✓ Pain") == "Déjà fait 👍"

    garage_tomorrow = [k for k in chat.buttons(edited) if k == "⏰ Demain"]
    assert len(garage_tomorrow) == 1  # one label for two todos: pick Garage's by its row
    row = edited["reply_markup"]["inline_keyboard"][1]
    assert row[0]["text"] == "✅ Garage"
    await chat.feed(chat.tg.press(chat.update_id(), OWNER_ID, card, row[1]["callback_data"]))
    assert chat.sent("answerCallbackQuery")[-1]["text"] == "⏰ Reporté : Garage"
    await chat.feed(chat.tg.press(chat.update_id(), OWNER_ID, card, row[1]["callback_data"]))
    assert chat.sent("answerCallbackQuery")[-1]["text"] == "Déjà fait 👍"
    lines = _message(chat, card)["text"].split("\n")
    assert lines[2] == "• Garage — demain à 10:01"
    assert lines[0] == "<b>📋 Tâches ouvertes (2)</b>"
    assert (await _get(sessionmaker, made[1].id)).due_at == datetime(
        2026, 11, 26, 10, 1, tzinfo=PARIS
    )
    assert (await _get(sessionmaker, made[0].id)).status == "done"


async def test_yesterdays_digest_still_acts_and_redraws_from_the_database(
    chat: Conversation,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
) -> None:
    late = clock.now() - timedelta(days=1)
    await _todos(sessionmaker, clock, ["Facture", "Impôts"], due=clock.now().replace(hour=18))
    await _todos(sessionmaker, clock, ["Vieux"], due=late)
    await send_digest(bot=bot, sessionmaker=sessionmaker, clock=clock, chat_id=OWNER_ID)
    digest = chat.card_id()
    sent = _message(chat, digest)
    assert "• Vieux — ⚠️ en retard (hier)" in sent["text"]
    assert list(chat.buttons(sent)) == [
        "✅ Vieux",
        "⏰ Demain",
        "✅ Facture",
        "✅ Impôts",
        "💊 Pris",
    ]  # ⏰ Demain once per label: three rows share it

    clock.advance(timedelta(days=1))  # the next morning, on yesterday's digest
    assert (await _press(chat, digest, "✅ Facture")).startswith("✅ Terminé")
    text = _message(chat, digest)["text"]
    assert text.startswith("☀️ <b>Bonjour !</b> Mercredi 25 novembre 2026")
    assert "✓ <s>Facture</s>" in text and "• Impôts — ⚠️ en retard (hier)" in text
    impots = _message(chat, digest)["reply_markup"]["inline_keyboard"][2]
    await chat.feed(chat.tg.press(chat.update_id(), OWNER_ID, digest, impots[1]["callback_data"]))
    assert "• Impôts — ⏰ demain à 18:01" in _message(chat, digest)["text"]
    # Its 💊 button keeps the digest (and its todo lines) and says the new state.
    assert await _press(chat, digest, "💊 Pris") == ""
    redrawn = _message(chat, digest)
    assert (
        redrawn["text"].endswith("💊 Médicaments : pris ✅")
        and "✓ <s>Facture</s>" in redrawn["text"]
    )
    assert "↩️ Pas encore pris" in chat.buttons(redrawn)
    async with sessionmaker() as s:
        row = await health.get_checkin(session=s, day=(clock.now() - timedelta(days=1)).date())
    assert row is not None and row.meds_taken


async def test_today_carries_the_same_buttons_and_more(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    await _todos(sessionmaker, clock, [f"T{n}" for n in range(10)], due=clock.now())
    await chat.feed(message_update(chat.update_id(), text="/today"))
    today = chat.card_id()
    text = chat.last_text()
    assert "• T7 — 10:07" in text and "T8" not in text and "… et 2 de plus (➕)" in text
    assert "➕ 2 de plus" in chat.buttons()
    data = chat.buttons()["➕ 2 de plus"]
    assert MoreTodosCb.unpack(data).view == "d2026-11-25"
    await _press(chat, today, "➕ 2 de plus")
    assert chat.last_text() == "<b>✅ À faire (suite)</b>\n• T8 — 10:08\n• T9 — 10:09"
    assert "… et 2 de plus" not in _message(chat, today)["text"]
    assert (await _press(chat, chat.card_id(), "✅ T9")).startswith("✅ Terminé")
    assert chat.last_text() == "<b>✅ À faire (suite)</b>\n• T8 — 10:08\n• T9 — 10:09"
    assert _message(chat, chat.card_id())["text"].endswith("✓ <s>T9</s>")


async def test_a_button_sent_before_lists_could_be_redrawn_still_works(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    [todo] = await _todos(sessionmaker, clock, ["Pain"])
    legacy = f"todo:done:{todo.id.hex}"  # what /todos sent until now: no view
    assert TodoCb.unpack(legacy) == TodoCb(op="done", todo=todo.id.hex)
    await chat.press(legacy, message_id=1)
    assert chat.sent("answerCallbackQuery")[-1]["text"] == "✅ Terminé : Pain"
    assert (await _get(sessionmaker, todo.id)).status == "done"


async def test_tomorrow_moves_a_later_or_undated_todo_and_its_reminder_to_tomorrow(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    later = clock.now() + timedelta(days=3, hours=8)  # Saturday 18:00
    async with sessionmaker.begin() as s:
        dated = await todos.create_todo(
            session=s,
            data={"title": "Garage", "status": "todo", "due_at": later, "remind_at": later},
            now=clock.now(),
        )
    [undated] = await _todos(sessionmaker, clock, ["Sans date"])
    await chat.feed(message_update(chat.update_id(), text="/todos"))
    card = chat.card_id()
    keyboard = _message(chat, card)["reply_markup"]["inline_keyboard"]
    for row in keyboard:
        await chat.feed(chat.tg.press(chat.update_id(), OWNER_ID, card, row[1]["callback_data"]))
    moved, fresh = await _get(sessionmaker, dated.id), await _get(sessionmaker, undated.id)
    assert moved.due_at == moved.remind_at == datetime(2026, 11, 26, 18, 0, tzinfo=PARIS)
    assert fresh.due_at == datetime(2026, 11, 26, 9, 0, tzinfo=PARIS)
    # The lines keep the message's order (dated first, as it was sent), with their new dates.
    assert _message(chat, card)["text"].split("\n")[1:] == [
        "• Garage — demain à 18:00",
        "• Sans date — demain à 09:00",
    ]
