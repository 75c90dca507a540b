"""/meds and the medication buttons (✅ Pris, ⏰ +30 min, ⏭️ Pas aujourd'hui, toggle)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.digest import redraw_digest
from bot.keyboards import MedsCb, has_more, meds_toggle, todo_ids
from bot.render.meds import meds_status
from bot.sending import edit
from store import health
from store.clock import Clock

SNOOZE = timedelta(minutes=30)

SnoozeHook = Callable[[datetime], Awaitable[None]]


async def toggle_today(
    message: Message, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    today = clock.today()
    async with sessionmaker.begin() as session:
        row = await health.toggle_meds(session=session, day=today)
    await message.answer(
        meds_status(today, row.meds_taken, today),
        reply_markup=meds_toggle(today.isoformat(), taken=row.meds_taken),
    )


async def toggle_button(
    query: CallbackQuery,
    callback_data: MedsCb,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    day = date.fromisoformat(callback_data.day)
    async with sessionmaker.begin() as session:
        row = await health.toggle_meds(session=session, day=day)
    await query.answer()
    if query.message is not None:
        await bot.edit_message_text(
            meds_status(day, row.meds_taken, clock.today()),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            reply_markup=meds_toggle(day.isoformat(), taken=row.meds_taken),
        )


async def toggle_on_digest(
    query: CallbackQuery,
    callback_data: MedsCb,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    """The digest's 💊 button: the digest stays, drawn again with the new state."""
    day = date.fromisoformat(callback_data.day)
    async with sessionmaker.begin() as session:
        await health.toggle_meds(session=session, day=day)
    await query.answer()
    message = query.message
    if isinstance(message, Message):
        markup = message.reply_markup
        async with sessionmaker() as session:
            out = await redraw_digest(
                session=session,
                clock=clock,
                day=day,
                todo_ids=todo_ids(markup),
                with_more=has_more(markup),
            )
        await edit(bot, message, out)


# ✅ Pris and ⏭️ Pas aujourd'hui both end the day's reminders; only ✅ says meds were taken.
DAY_ENDINGS: dict[str, tuple[dict[str, bool], str]] = {
    "taken": ({"meds_taken": True}, texts.MEDS_OK),
    "skip": ({"skipped": True}, texts.MEDS_SKIPPED),
}


async def end_the_day(
    query: CallbackQuery,
    callback_data: MedsCb,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    change, answer = DAY_ENDINGS[callback_data.op]
    day = date.fromisoformat(callback_data.day)
    async with sessionmaker.begin() as session:
        await health.set_checkin(
            session=session,
            day=day,
            meds_taken=change.get("meds_taken"),
            skipped=change.get("skipped"),
        )
    await _close_reminder(query, bot, answer)


async def snooze(
    query: CallbackQuery,
    callback_data: MedsCb,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    on_snooze: SnoozeHook,
) -> None:
    day = date.fromisoformat(callback_data.day)
    until = clock.now() + SNOOZE
    async with sessionmaker.begin() as session:
        await health.set_snooze(session=session, day=day, until=until)
    await on_snooze(until)
    await _close_reminder(query, bot, texts.MEDS_SNOOZED)


async def _close_reminder(query: CallbackQuery, bot: Bot, text: str) -> None:
    """The reminder's buttons go away, so an old card cannot be pressed again."""
    await query.answer()
    if query.message is not None:
        await bot.edit_message_text(
            f"{texts.MEDS_REMINDER}\n{text}",
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
        )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(toggle_today, Command("meds"))
    router.callback_query.register(toggle_button, MedsCb.filter(F.op == "toggle"))
    router.callback_query.register(toggle_on_digest, MedsCb.filter(F.op == "dtoggle"))
    router.callback_query.register(end_the_day, MedsCb.filter(F.op.in_(DAY_ENDINGS)))
    router.callback_query.register(snooze, MedsCb.filter(F.op == "snooze"))
    return router
