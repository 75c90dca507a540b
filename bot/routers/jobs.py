"""/jobs: the latest offers, each with ⭐ star and 🗄 archive."""

from __future__ import annotations

import uuid

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.keyboards import JobCb, job_buttons
from bot.render.jobs import archived_job, job_card
from bot.sending import answer, clip
from store import jobs
from store.errors import NotFoundError

SHOWN = 5


async def latest_jobs(message: Message, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        offers = await jobs.list_jobs(session=session, archived=False, limit=SHOWN)
    if not offers:
        await message.answer(texts.NO_JOBS)
        return
    many = len(offers) > 1
    await message.answer(texts.LATEST_JOBS.format(count=len(offers)) if many else texts.LATEST_JOB)
    for job in offers:
        await answer(message, job_card(job), reply_markup=job_buttons(job.id, starred=job.starred))


async def on_job_button(
    query: CallbackQuery, callback_data: JobCb, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    job_id = uuid.UUID(hex=callback_data.job)
    try:
        async with sessionmaker.begin() as session:
            job = await jobs.get_job(session=session, job_id=job_id)
            change = (
                {"starred": not job.starred} if callback_data.op == "star" else {"archived": True}
            )
            job = await jobs.update_job(session=session, job_id=job_id, data=change)
    except NotFoundError:
        await query.answer(texts.NOT_FOUND)
        return
    await query.answer("⭐" if job.starred and callback_data.op == "star" else "✓")
    if not isinstance(query.message, Message):
        return
    if job.archived:
        await query.message.edit_text(clip(archived_job(job)))
    else:
        await query.message.edit_text(
            clip(job_card(job)), reply_markup=job_buttons(job.id, starred=job.starred)
        )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(latest_jobs, Command("jobs"))
    router.callback_query.register(on_job_button, JobCb.filter(F.op.in_({"star", "archive"})))
    return router
