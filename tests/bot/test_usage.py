"""/usage and the budget in /settings: what the AI cost, read from `ai_usage`."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher import register_commands
from store import ai_usage
from store.clock import FrozenClock
from tests.bot.conftest import Conversation
from tests.conftest import PARIS
from tests.fakes.telegram import FakeTelegram, message_update


async def _spent(
    sessionmaker: async_sessionmaker[AsyncSession],
    at: datetime,
    *,
    model: str = "mistral-small-latest",
    requests: int = 1,
    cost_usd: str | None,
    seconds: float | None = None,
    tokens: tuple[int, int] = (0, 0),
) -> None:
    voice = seconds is not None
    async with sessionmaker.begin() as session:
        await ai_usage.record(
            session=session,
            at=at,
            kind="transcription" if voice else "chat",
            provider="groq" if voice else "mistral",
            model=model,
            requests=requests,
            input_tokens=tokens[0],
            output_tokens=tokens[1],
            audio_seconds=seconds,
            cost_usd=None if cost_usd is None else Decimal(cost_usd),
        )


async def test_usage_shows_this_month_by_model_last_month_and_each_day_of_this_week(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    now = clock.now()  # Wednesday 25 November 2026
    await _spent(sessionmaker, now, requests=3, cost_usd="0.05", tokens=(4_000, 450))
    await _spent(sessionmaker, now - timedelta(days=1), cost_usd="0.02", tokens=(600, 50))
    await _spent(
        sessionmaker,
        now - timedelta(days=2),
        model="whisper-large-v3-turbo",
        seconds=75.0,
        cost_usd="0.00083333",
    )
    await _spent(sessionmaker, now - timedelta(days=3), cost_usd="0.5")  # Sunday: last week
    await _spent(
        sessionmaker,
        datetime(2026, 11, 3, 9, tzinfo=PARIS),
        model="mistral-maison-7b",
        requests=2,
        cost_usd=None,
    )
    await _spent(sessionmaker, datetime(2026, 10, 15, 9, tzinfo=PARIS), requests=5, cost_usd="0.1")
    # 1 December at 00:30 in Paris is still 30 November in UTC: it is next month's.
    await _spent(sessionmaker, datetime(2026, 12, 1, 0, 30, tzinfo=PARIS), cost_usd="9")

    await chat.feed(message_update(chat.update_id(), text="/usage"))

    assert chat.last_text().split("\n") == [
        "💶 <b>Ce que coûte l'IA</b>",
        "",
        "<b>Ce mois-ci</b> (novembre 2026) : <b>0,49 €</b>",
        "8 requêtes · 4\u202f600 jetons en entrée, 500 en sortie · 1 min 15 s d'audio",
        "⚠️ 2 requêtes sans prix connu (pas dans le total)",
        "• mistral-maison-7b : prix inconnu (2 requêtes)",
        "• mistral-small-latest : 0,49 € (5 requêtes)",
        "• whisper-large-v3-turbo : 0,0007 € (1 transcription, 1 min 15 s)",
        "💸 Budget IA : aucun plafond (0,49 € dépensés ce mois-ci)",
        "",
        "<b>Le mois dernier</b> (octobre 2026) : <b>0,09 €</b>",
        "5 requêtes",
        "",
        "<b>Cette semaine</b>",
        "Lun. 23 : 0,0007 € · 1 requête",
        "Mar. 24 : 0,02 € · 1 requête",
        "Mer. 25 : 0,04 € · 3 requêtes",
    ]


async def test_usage_with_nothing_spent_says_so(chat: Conversation) -> None:
    await chat.feed(message_update(chat.update_id(), text="/usage"))
    text = chat.last_text()
    assert "<b>Ce mois-ci</b> (novembre 2026) : <b>0,00 €</b> · rien" in text
    assert "<b>Le mois dernier</b> (octobre 2026) : <b>0,00 €</b> · rien" in text
    assert text.endswith("Lun. 23 : —\nMar. 24 : —\nMer. 25 : —")


async def test_usage_is_in_the_command_list_and_the_help(
    chat: Conversation, bot: Bot, tg: FakeTelegram
) -> None:
    await register_commands(bot)
    [registered] = tg.calls_to("setMyCommands")
    assert {"command": "usage", "description": "Ce que coûte l'IA"} in registered["commands"]
    await chat.feed(message_update(chat.update_id(), text="/help"))
    assert "/usage — ce que coûte l'IA" in chat.last_text()


async def test_settings_sets_the_monthly_budget_and_shows_it(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    await _spent(sessionmaker, clock.now(), cost_usd="0.5")

    await chat.feed(message_update(chat.update_id(), text="/settings budget 2,50"))
    saved, shown = (m["text"] for m in chat.sent()[-2:])
    assert saved == "✅ C'est noté."
    assert "💸 Budget IA : <b>2,50 €</b> par mois, 0,43 € dépensés ce mois-ci" in shown
    assert "<code>/settings budget 5</code>" in shown

    await chat.feed(message_update(chat.update_id(), text="/settings budget 0.40 €"))
    assert "<b>0,40 €</b> par mois, 0,43 € dépensés ce mois-ci — atteint" in chat.last_text()

    await chat.feed(message_update(chat.update_id(), text="/settings budget beaucoup"))
    assert chat.last_text().startswith("Je n'ai pas compris")
    async with sessionmaker() as session:
        assert await ai_usage.get_budget(session=session) == Decimal("0.40")

    await chat.feed(message_update(chat.update_id(), text="/settings budget aucun"))
    assert "💸 Budget IA : aucun plafond (0,43 € dépensés ce mois-ci)" in chat.last_text()
