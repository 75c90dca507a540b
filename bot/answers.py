"""A question's answer on Telegram: one message for what it found, and each list of todos as a
list you can act on (✅ and ⏰ Demain on each, bot/todo_lists.py), in the order asked."""

from __future__ import annotations

from aiogram.types import Message

from agent.answers import QueryAnswer
from bot import todo_lists
from bot.render import answers as render
from bot.render.escape import esc
from bot.sending import answer
from store.clock import Clock


async def send_answer(
    message: Message, found: QueryAnswer, clock: Clock, *, transcript: str | None = None
) -> None:
    """Answer `message` with what the questions found; no model request, no database read
    (the rows came with the answer)."""
    text = [f"🎤 <i>{esc(transcript)}</i>"] if transcript else []
    text += render.sentence_line(found)
    said = render.nothing(found, clock)
    if said is not None:
        await answer(message, "\n\n".join([*text, said]))
        return
    for section in render.sections(found, clock):
        if not section.todos:
            text.append("\n".join(section.lines))
            continue
        if text:
            await answer(message, "\n\n".join(text))
            text = []
        for out in todo_lists.found_lists(section.todos, section.heading, clock):
            await answer(message, out.text, reply_markup=out.reply_markup)
    if text:
        await answer(message, "\n\n".join(text))
