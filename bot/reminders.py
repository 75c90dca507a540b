"""Medication reminders, while today's check-in is neither taken nor skipped."""

from __future__ import annotations

from datetime import date

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.keyboards import meds_reminder
from bot.sending import send_once
from store import health

REMINDER_KIND = "meds_reminder"
SNOOZE_KIND = "meds_snooze"


async def needs_reminder(*, session: AsyncSession, day: date) -> bool:
    row = await health.get_checkin(session=session, day=day)
    return row is None or not (row.meds_taken or row.skipped)


async def send_med_reminder(
    *,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    chat_id: int,
    day: date,
    slot: str,
    kind: str = REMINDER_KIND,
) -> bool:
    """`slot` names the reminder within the day (its local time, e.g. '13:00')."""
    async with sessionmaker() as session:
        if not await needs_reminder(session=session, day=day):
            return False
    return await send_once(
        bot=bot,
        sessionmaker=sessionmaker,
        chat_id=chat_id,
        kind=kind,
        slot=f"{day.isoformat()}T{slot}",
        text=texts.MEDS_REMINDER,
        reply_markup=meds_reminder(day.isoformat()),
    )
