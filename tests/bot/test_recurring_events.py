"""Series in the bot: /agenda and the digest (so /today) list each occurrence with 🔁, in the
owner's wall-clock time across DST; a proposed series says its rule in words."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.digest import build_digest
from bot.render.proposals import describe
from store import agenda
from store.clock import FrozenClock
from tests.bot.conftest import Conversation
from tests.conftest import PARIS
from tests.fakes.telegram import message_update


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


async def add(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
    title: str,
    start: datetime,
    **fields: Any,
) -> None:
    data = {"title": title, "starts_at": start, "ends_at": start + timedelta(hours=1)} | fields
    async with sessionmaker.begin() as s:
        await agenda.create_event(session=s, data=data, now=clock.now())


async def test_agenda_lists_each_occurrence_of_a_series_once_per_day(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    # Begun in the spring, before the clocks changed twice.
    await add(
        sessionmaker, clock, "Piscine", paris(2026, 3, 2, 18), recurrence="FREQ=WEEKLY;BYDAY=MO"
    )
    skipped = paris(2026, 11, 27, 7, 30)
    await add(
        sessionmaker,
        clock,
        "Méditation",
        paris(2026, 1, 1, 7, 30),
        recurrence="FREQ=DAILY",
        recurrence_exdates=[skipped],
    )
    await add(sessionmaker, clock, "Dentiste", paris(2026, 11, 26, 14))

    await chat.feed(message_update(chat.update_id(), text="/agenda"))

    text = chat.last_text()
    assert text.count("Méditation") == 7  # eight days, one left out
    assert "<b>Aujourd'hui</b>\n• 07:30–08:30 Méditation 🔁" in text
    assert "<b>Demain</b>\n• 07:30–08:30 Méditation 🔁\n• 14:00–15:00 Dentiste\n" in text
    assert "<b>Vendredi 27 novembre</b>\n• 07:30" not in text
    assert (
        "<b>Lundi 30 novembre</b>\n• 07:30–08:30 Méditation 🔁\n• 18:00–19:00 Piscine 🔁" in text
    )
    assert text.count("Piscine") == 1


async def test_the_digest_of_a_dst_day_keeps_a_series_at_its_time(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    await add(sessionmaker, clock, "Méditation", paris(2026, 1, 1, 7, 30), recurrence="FREQ=DAILY")
    for day in (paris(2026, 3, 29).date(), paris(2026, 10, 25).date()):
        async with sessionmaker() as s:
            digest = await build_digest(session=s, clock=clock, day=day)
        assert "<b>📅 Aujourd'hui</b>\n• 07:30–08:30 Méditation 🔁" in digest.text

    await chat.feed(message_update(chat.update_id(), text="/today"))
    assert "• 07:30–08:30 Méditation 🔁" in chat.last_text()


def test_a_proposed_series_says_its_rule_and_reminder_in_words(clock: FrozenClock) -> None:
    args = {
        "title": "Piscine",
        "starts_at": paris(2026, 11, 30, 18),
        "ends_at": paris(2026, 11, 30, 19),
        "recurrence": "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261221",
        "reminder_minutes": 60,
    }
    text = describe("create_calendar_event", args, {}, clock)
    assert "🔁 chaque lundi à 18:00, jusqu'au 21 décembre 2026" in text
    assert "⏰ rappel 1 h avant" in text
    row = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in args.items()}
    assert describe("calendar_events", row | {"reminder_minutes": 0}, {}, clock).endswith(
        "🔕 sans rappel"
    )
    assert "🔁" not in describe("create_calendar_event", args | {"recurrence": None}, {}, clock)
