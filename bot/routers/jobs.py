"""/jobs: the latest offers, each with ⭐ star and 🗄 archive."""

from __future__ import annotations

import html
import uuid
from urllib.parse import urlsplit

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.digest import render_job
from bot.fmt import esc
from bot.keyboards import JobCb, job_buttons
from store import jobs
from store.errors import NotFoundError
from store.tables import Job

SHOWN = 5


def apply_link(url: str | None) -> str:
    """The offer's "Postuler" link. The URL comes from a scraper: only an absolute http(s) URL
    becomes a link, quotes escaped inside the attribute; anything else gets none."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    if any(c.isspace() or not c.isprintable() for c in url):
        return ""
    return f'\n<a href="{html.escape(url, quote=True)}">Postuler</a>'


def render(job: Job) -> str:
    star = "⭐ " if job.starred else ""
    return f"{star}{render_job(job).removeprefix('• ')}{apply_link(job.apply_url)}"


async def latest_jobs(message: Message, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        offers = await jobs.list_jobs(session=session, archived=False, limit=SHOWN)
    if not offers:
        await message.answer(texts.NO_JOBS)
        return
    await message.answer(f"<b>💼 {len(offers)} dernières offres</b>")
    for job in offers:
        await message.answer(render(job), reply_markup=job_buttons(job.id, starred=job.starred))


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
        await query.message.edit_text(f"🗄 <s>{esc(job.title)}</s>")
    else:
        await query.message.edit_text(
            render(job), reply_markup=job_buttons(job.id, starred=job.starred)
        )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(latest_jobs, Command("jobs"))
    router.callback_query.register(on_job_button, JobCb.filter(F.op.in_({"star", "archive"})))
    return router
