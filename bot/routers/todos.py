"""/todos, and the buttons of every todo list (/todos, the digest, /today): ✅ done,
⏰ Demain, ➕ the rest, and on /todos ✨ to enrich one (bot/routers/enrich.py). A press
redraws its message from the database."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.service import AgentService
from bot import texts, todo_lists
from bot.digest import redraw_digest
from bot.keyboards import MoreTodosCb, TodoCb, has_more, todo_ids
from bot.render.todos import done_notice
from bot.routers.enrich import enrich_available
from bot.sending import Outgoing, answer, edit, send
from bot.todo_lists import View, parse_view
from store import todos
from store.clock import Clock
from store.errors import NotFoundError
from store.todos import CompletedTodo

# An undated todo put off to tomorrow is due then at this hour.
DEFAULT_DUE_TIME = time(9)


async def list_todos(
    message: Message,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    agent: AgentService | None = None,
) -> None:
    enrich = enrich_available(agent)
    async with sessionmaker() as session:
        out = await todo_lists.list_message(session, View("l"), clock, enrich=enrich)
    if out is None:
        await message.answer(texts.NO_TODOS)
        return
    await answer(message, out.text, reply_markup=out.reply_markup)


async def complete_pressed(
    query: CallbackQuery,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    todo_hex: str,
) -> CompletedTodo | None:
    """A ✅ press (on a list or a reminder): the todo done, its next occurrence brought once; or
    None, the press already answered (gone, or done by an earlier press)."""
    try:
        async with sessionmaker.begin() as session:
            completed = await todos.complete_todo(
                session=session, todo_id=uuid.UUID(hex=todo_hex), now=clock.now(), tz=clock.tz
            )
    except NotFoundError:
        await query.answer(texts.NOT_FOUND)
        return None
    if completed is None:
        await query.answer(texts.ALREADY_HANDLED)
    return completed


async def mark_done(
    query: CallbackQuery,
    callback_data: TodoCb,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    agent: AgentService | None = None,
) -> None:
    completed = await complete_pressed(query, sessionmaker, clock, callback_data.todo)
    if completed is None:
        return
    await query.answer(done_notice(completed, clock))
    view = parse_view(callback_data.view)
    await redraw(query, bot, sessionmaker, clock, view, enrich=enrich_available(agent))


async def postpone(
    query: CallbackQuery,
    callback_data: TodoCb,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    agent: AgentService | None = None,
) -> None:
    """⏰ Demain: due tomorrow (the press's tomorrow, whatever day the message is from)."""
    todo_id = uuid.UUID(hex=callback_data.todo)
    tomorrow = clock.today() + timedelta(days=1)
    try:
        async with sessionmaker.begin() as session:
            moved = await todos.postpone_to(
                session=session, todo_id=todo_id, day=tomorrow, tz=clock.tz, at=DEFAULT_DUE_TIME
            )
    except NotFoundError:
        await query.answer(texts.NOT_FOUND)
        return
    if moved is None:
        await query.answer(texts.ALREADY_HANDLED)
        return
    await query.answer(texts.TODO_POSTPONED.format(title=moved.title)[:200])
    view = parse_view(callback_data.view)
    await redraw(query, bot, sessionmaker, clock, view, enrich=enrich_available(agent))


async def show_more(
    query: CallbackQuery,
    callback_data: MoreTodosCb,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    agent: AgentService | None = None,
) -> None:
    """➕: the list's other todos, in messages of their own; the ➕ leaves the first one."""
    view = parse_view(callback_data.view)
    message = query.message
    if view is None or not isinstance(message, Message):
        await query.answer(texts.NOT_FOUND)
        return
    enrich = enrich_available(agent)
    shown = todo_ids(message.reply_markup)
    async with sessionmaker() as session:
        pages = await todo_lists.rest(session, view, clock, shown, enrich=enrich)
    await query.answer()
    for page in pages:
        await send(bot, message.chat.id, page)
    await redraw(query, bot, sessionmaker, clock, view, with_more=False, enrich=enrich)


async def redraw(
    query: CallbackQuery,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    view: View | None,
    *,
    with_more: bool | None = None,
    enrich: bool = False,
) -> None:
    """Draw the pressed message again from the database (its todos: those its buttons name)."""
    message = query.message
    if view is None or not isinstance(message, Message) or not todo_ids(message.reply_markup):
        return  # an old button, or a message Telegram no longer shows us: the toast says it
    markup = message.reply_markup
    ids, more = todo_ids(markup), has_more(markup) if with_more is None else with_more
    async with sessionmaker() as session:
        if view.kind == "d" and view.day is not None:
            out: Outgoing | None = await redraw_digest(
                session=session, clock=clock, day=view.day, todo_ids=ids, with_more=more
            )
        elif view.kind == "a":
            heading = todo_lists.heading_of(message.text)
            out = await todo_lists.answer_list(session, clock, ids, heading)
        else:
            out = await todo_lists.list_message(
                session, view, clock, ids, with_more=more, enrich=enrich
            )
    if out is not None:
        await edit(bot, message, out)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(list_todos, Command("todos"))
    router.callback_query.register(mark_done, TodoCb.filter(F.op == "done"))
    router.callback_query.register(postpone, TodoCb.filter(F.op == "tomorrow"))
    router.callback_query.register(show_more, MoreTodosCb.filter())
    return router
