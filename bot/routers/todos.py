"""/todos: open todos with a ✅ button each."""

from __future__ import annotations

import uuid

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.fmt import esc, when
from bot.keyboards import TodoCb, todo_done
from store import todos
from store.clock import Clock
from store.errors import NotFoundError
from store.tables import Todo

SHOWN = 20


def render_todo(todo: Todo, clock: Clock) -> str:
    line = f"• {esc(todo.title)}"
    if todo.due_at is not None:
        overdue = " ⚠️" if todo.due_at < clock.now() else ""
        line += f" — {when(todo.due_at, clock.tz, today=clock.today())}{overdue}"
    if todo.priority:
        line += " " + "❗" * todo.priority
    return line


async def list_todos(
    message: Message, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    async with sessionmaker() as session:
        open_todos = list(await todos.list_open_todos(session=session))
    if not open_todos:
        await message.answer(texts.NO_TODOS)
        return
    shown = open_todos[:SHOWN]
    lines = [f"<b>📋 Tâches ouvertes ({len(open_todos)})</b>"]
    lines += [render_todo(t, clock) for t in shown]
    await message.answer(
        "\n".join(lines), reply_markup=todo_done([(t.id, t.title) for t in shown])
    )


async def mark_done(
    query: CallbackQuery,
    callback_data: TodoCb,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    todo_id = uuid.UUID(hex=callback_data.todo)
    try:
        async with sessionmaker.begin() as session:
            todo = await todos.get_todo(session=session, todo_id=todo_id)
            if todo.status == "done":
                await query.answer(texts.ALREADY_HANDLED)
                return
            data = {"status": "done", "completed_at": clock.now()}
            todo = await todos.update_todo(session=session, todo_id=todo_id, data=data)
    except NotFoundError:
        await query.answer(texts.NOT_FOUND)
        return
    await query.answer(texts.TODO_DONE.format(title=todo.title)[:200])


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(list_todos, Command("todos"))
    router.callback_query.register(mark_done, TodoCb.filter(F.op == "done"))
    return router
