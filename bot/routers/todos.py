"""/todos: open todos with a ✅ button each, and ✨ to enrich one (bot/routers/enrich.py)."""

from __future__ import annotations

import uuid

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.service import AgentService
from bot import texts
from bot.keyboards import TodoCb, todo_done, with_enrich_buttons
from bot.render.todos import done_notice, todo_line
from bot.routers.enrich import enrich_available
from bot.sending import answer
from store import todos
from store.clock import Clock
from store.errors import NotFoundError

SHOWN = 20


async def list_todos(
    message: Message,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    agent: AgentService | None = None,
) -> None:
    async with sessionmaker() as session:
        open_todos = list(await todos.list_open_todos(session=session))
    if not open_todos:
        await message.answer(texts.NO_TODOS)
        return
    shown = open_todos[:SHOWN]
    lines = [f"<b>📋 Tâches ouvertes ({len(open_todos)})</b>"]
    lines += [todo_line(t, clock) for t in shown]
    markup = todo_done([(t.id, t.title) for t in shown])
    if enrich_available(agent):
        markup = with_enrich_buttons(markup, [t.id for t in shown])
    await answer(message, "\n".join(lines), reply_markup=markup)


async def mark_done(
    query: CallbackQuery,
    callback_data: TodoCb,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    todo_id = uuid.UUID(hex=callback_data.todo)
    try:
        async with sessionmaker.begin() as session:
            completed = await todos.complete_todo(
                session=session, todo_id=todo_id, now=clock.now(), tz=clock.tz
            )
    except NotFoundError:
        await query.answer(texts.NOT_FOUND)
        return
    if completed is None:
        await query.answer(texts.ALREADY_HANDLED)
        return
    await query.answer(done_notice(completed, clock))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(list_todos, Command("todos"))
    router.callback_query.register(mark_done, TodoCb.filter(F.op == "done"))
    return router
