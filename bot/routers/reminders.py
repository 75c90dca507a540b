"""A todo reminder's buttons: ✅ Fait, ⏰ +1 h, Demain, 🔁 Arrêter la série. Each acts once: the
card keeps the reminder it rang for, and a second press finds it already moved or done."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.keyboards import ReminderCb, todo_reminder
from bot.render.reminders import reminder_done, reminder_moved, series_stopped
from bot.routers.todos import complete_pressed
from bot.sending import Outgoing, edit
from store import todos
from store.clock import Clock
from store.errors import NotFoundError

LATER = timedelta(hours=1)


def _rung(callback_data: ReminderCb) -> datetime:
    return datetime.fromtimestamp(callback_data.at * 60, UTC)


async def done(
    query: CallbackQuery,
    callback_data: ReminderCb,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    completed = await complete_pressed(query, sessionmaker, clock, callback_data.todo)
    if completed is None:
        return
    await query.answer(texts.TODO_DONE.format(title=completed.done.title)[:200])
    await _close(query, bot, reminder_done(completed.done, completed.next, clock))


async def later(
    query: CallbackQuery,
    callback_data: ReminderCb,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    """⏰ +1 h (an hour from the press, on the minute) or Demain (at the same time of day)."""
    rung = _rung(callback_data)
    now = clock.now()
    if callback_data.op == "hour":
        target = (now + LATER).replace(second=0, microsecond=0)
    else:
        local = rung.astimezone(clock.tz)
        target = datetime.combine(clock.today() + timedelta(days=1), local.time(), clock.tz)
    todo_id = uuid.UUID(hex=callback_data.todo)
    async with sessionmaker.begin() as session:
        moved = await todos.move_reminder(
            session=session, todo_id=todo_id, remind_at=target, now=now, current=rung
        )
    if moved is None:
        await query.answer(texts.ALREADY_HANDLED)
        return
    await query.answer(texts.REMINDER_MOVED)
    await _close(query, bot, reminder_moved(moved, clock))


async def stop(
    query: CallbackQuery,
    callback_data: ReminderCb,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    """🔁 Arrêter la série: this occurrence is the last; the card keeps its other buttons."""
    todo_id = uuid.UUID(hex=callback_data.todo)
    try:
        async with sessionmaker.begin() as session:
            todo = await todos.get_todo(session=session, todo_id=todo_id)
            stopped = (
                None
                if todo.recurrence is None
                else await todos.stop_series(session=session, todo_id=todo_id)
            )
    except NotFoundError:
        await query.answer(texts.NOT_FOUND)
        return
    if stopped is None:
        await query.answer(texts.ALREADY_HANDLED)
        return
    await query.answer(texts.SERIES_STOPPED)
    keyboard = todo_reminder(stopped.id, _rung(callback_data), recurring=False)
    await _close(query, bot, series_stopped(stopped, clock), keyboard)


async def _close(
    query: CallbackQuery, bot: Bot, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    if isinstance(query.message, Message):
        await edit(bot, query.message, Outgoing(text, keyboard))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(done, ReminderCb.filter(F.op == "done"))
    router.callback_query.register(later, ReminderCb.filter(F.op.in_({"hour", "tomorrow"})))
    router.callback_query.register(stop, ReminderCb.filter(F.op == "stop"))
    return router
