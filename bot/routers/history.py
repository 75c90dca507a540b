"""/history: the last AI actions and what became of them."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.fmt import esc, when
from store.clock import Clock
from store.tables import AiAction

STATUS = {
    "proposed": "⏳ en attente",
    "confirmed": "✅ confirmée",
    "cancelled": "❌ annulée",
    "failed": "⚠️ échec",
    "undone": "↩️ annulée après coup",
    "superseded": "✏️ remplacée",
}
FUNCTIONS = {
    "create_todo": "tâche",
    "add_project_idea": "idée",
    "add_project_step": "étape",
    "create_calendar_event": "événement",
    "toggle_daily_checkin": "médicaments",
}
SHOWN = 10


def render_action(action: AiAction, clock: Clock) -> str:
    what = FUNCTIONS.get(action.function_name or "", action.function_name or "message")
    args = action.function_args or {}
    label = args.get("title") or args.get("content") or args.get("note") or ""
    line = f"• {when(action.created_at, clock.tz, today=clock.today())} — {what}"
    if label:
        line += f" « {esc(str(label))[:60]} »"
    line += f" : {STATUS.get(action.status, action.status)}"
    if action.error:
        line += f" ({esc(action.error)[:80]})"
    return line


async def history(
    message: Message, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    stmt = select(AiAction).order_by(AiAction.created_at.desc(), AiAction.position).limit(SHOWN)
    async with sessionmaker() as session:
        actions = (await session.execute(stmt)).scalars().all()
    if not actions:
        await message.answer(texts.NO_HISTORY)
        return
    lines = ["<b>🕰 Dernières actions</b>"] + [render_action(a, clock) for a in actions]
    await message.answer("\n".join(lines))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(history, Command("history"))
    return router
