"""Todo and event reminders ring at their minute, in the owner's zone, exactly once; their
buttons act once; late ones are caught up or dropped; failed ones are tried again."""

from __future__ import annotations

import asyncio
import itertools
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.main import create_app
from app.scheduler import SCHEDULER
from app.settings import Settings
from bot.keyboards import ReminderCb
from store import agenda, owner, reminders, sendlog, todos
from store.clock import FrozenClock
from store.tables import SentLog, Todo
from tests.app.conftest import (
    SchedulerFactory,
    at,
    buttons,
    delivered,
    last_message_id,
    owner_dispatcher,
    texts,
)
from tests.conftest import PARIS, until
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram

_updates = itertools.count(5000)


async def _todo(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock, **data: Any
) -> Todo:
    async with sessionmaker.begin() as s:
        return await todos.create_todo(session=s, data={"status": "todo", **data}, now=clock.now())


async def _event(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
    title: str,
    start: datetime,
    minutes: int = 60,
    **data: Any,
) -> uuid.UUID:
    async with sessionmaker.begin() as s:
        event = await agenda.create_event(
            session=s,
            data={
                "title": title,
                "starts_at": start,
                "ends_at": start + timedelta(minutes=minutes),
            }
            | data,
            now=clock.now(),
        )
    return event.id


def rung(sent: list[str]) -> list[str]:
    """What a tick sent, but the digest (its window covers a morning)."""
    return [line for line in sent if line.endswith("reminder") or "_reminder " in line]


async def _get(sessionmaker: async_sessionmaker[AsyncSession], todo_id: uuid.UUID) -> Todo:
    async with sessionmaker() as s:
        return await todos.get_todo(session=s, todo_id=todo_id)


# ---------------------------------------------------------------- todos


async def test_a_todo_reminder_rings_at_its_minute_once_with_its_buttons(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 17, 59, 59))
    await _todo(sessionmaker, clock, title="Appeler maman", remind_at=at(2026, 11, 25, 18, 0))
    scheduler = schedulers(clock)
    assert await scheduler.tick() == []
    clock.advance(timedelta(seconds=1))
    sent = await scheduler.tick()
    assert [s.split(" ")[0] for s in sent] == ["todo_reminder"]
    for _ in range(3):  # the minute goes on: it rang already
        clock.advance(timedelta(seconds=20))
        assert await scheduler.tick() == []
    [card] = tg.calls_to("sendMessage")
    assert card["text"] == "⏰ Appeler maman"
    assert list(buttons(card)) == ["✅ Fait", "⏰ +1 h", "Demain"]


async def test_a_todo_done_or_archived_before_its_time_does_not_ring(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 17, 0))
    ring = at(2026, 11, 25, 18, 0)
    done = await _todo(sessionmaker, clock, title="Fait avant", remind_at=ring)
    archived = await _todo(sessionmaker, clock, title="Archivé", remind_at=ring)
    late = await _todo(sessionmaker, clock, title="Fait au dernier moment", remind_at=ring)
    async with sessionmaker.begin() as s:
        await todos.complete_todo(session=s, todo_id=done.id, now=clock.now(), tz=PARIS)
        await todos.update_todo(
            session=s, todo_id=archived.id, data={"status": "archived"}, now=clock.now()
        )
    scheduler = schedulers(clock)
    clock.set(ring)
    async with sessionmaker() as s:
        rings = await reminders.ringing(
            session=s, start=ring - timedelta(minutes=15), end=ring, default_minutes=30, tz=PARIS
        )
    # Done between the moment the tick found it and the moment it claims it: checked again.
    async with sessionmaker.begin() as s:
        await todos.complete_todo(session=s, todo_id=late.id, now=clock.now(), tz=PARIS)
    assert scheduler.telegram is not None
    assert [r.object_id for r in rings] == [late.id]
    assert not await scheduler.telegram.reminder(rings[0], default_minutes=30)
    assert await scheduler.tick() == []
    assert tg.calls_to("sendMessage") == []
    async with sessionmaker() as s:  # not claimed either: reopened and moved, it would ring
        assert (await s.execute(select(SentLog))).all() == []


async def test_reminder_buttons_done_brings_the_next_occurrence_and_stop_ends_the_series(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    quick_bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 23, 18, 0))  # a Monday
    series = await _todo(
        sessionmaker,
        clock,
        title="Appeler maman",
        due_at=clock.now(),
        remind_at=clock.now(),
        recurrence="FREQ=WEEKLY;BYDAY=MO",
    )
    scheduler = schedulers(clock)
    dp = owner_dispatcher(sessionmaker, clock, scheduler)
    await scheduler.tick()
    card = tg.calls_to("sendMessage")[-1]
    assert card["text"] == "⏰ Appeler maman\n🔁 chaque lundi à 18:00"
    assert list(buttons(card)) == ["✅ Fait", "⏰ +1 h", "Demain", "🔁 Arrêter la série"]
    card_id = last_message_id(tg)

    async def press(data: str, message_id: int) -> str:
        await dp.feed_raw_update(quick_bot, tg.press(next(_updates), OWNER_ID, message_id, data))
        return str(tg.calls_to("answerCallbackQuery")[-1].get("text"))

    done = buttons(card)["✅ Fait"]
    assert (await press(done, card_id)).startswith("✅ Terminé")
    assert await press(done, card_id) == "Déjà fait 👍"  # a double tap
    edited = tg.messages[(OWNER_ID, card_id)]
    assert edited["text"] == (
        "⏰ Appeler maman\n✅ Fait.\n🔁 Prochaine fois : lundi 30 novembre à 18:00."
    )
    assert "reply_markup" not in edited
    async with sessionmaker() as s:
        rows = (await s.execute(select(Todo).order_by(Todo.created_at, Todo.id))).scalars().all()
    assert len(rows) == 2  # one next occurrence, even after two taps
    following = next(r for r in rows if r.id != series.id)
    assert following.remind_at == at(2026, 11, 30, 18, 0)
    assert following.previous_id == series.id and following.status == "todo"

    # Next Monday it rings; 🔁 ends the series there: ✅ then brings nothing more.
    clock.set(at(2026, 11, 30, 18, 0))
    await scheduler.tick()
    card_id = last_message_id(tg)
    stop = buttons(tg.calls_to("sendMessage")[-1])["🔁 Arrêter la série"]
    assert await press(stop, card_id) == "🔁 Série arrêtée."
    assert await press(stop, card_id) == "Déjà fait 👍"
    stopped = tg.messages[(OWNER_ID, card_id)]
    assert stopped["text"].endswith("🔁 Série arrêtée : celle-ci est la dernière.")
    assert list(buttons(stopped)) == ["✅ Fait", "⏰ +1 h", "Demain"]
    assert (await press(buttons(stopped)["✅ Fait"], card_id)).startswith("✅ Terminé")
    async with sessionmaker() as s:
        assert len((await s.execute(select(Todo))).all()) == 2


async def test_plus_one_hour_and_tomorrow_ring_again_then_once(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    quick_bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # Set through the API to the second: its timer rings it then, its buttons name the minute.
    clock = FrozenClock(PARIS, at(2026, 11, 25, 18, 0, 30))
    todo = await _todo(sessionmaker, clock, title="Garage", remind_at=clock.now())
    scheduler = schedulers(clock)
    dp = owner_dispatcher(sessionmaker, clock, scheduler)
    assert len(await scheduler.tick()) == 1

    async def press(label: str) -> str:
        card_id = last_message_id(tg)
        data = buttons(tg.calls_to("sendMessage")[-1])[label]
        await dp.feed_raw_update(quick_bot, tg.press(next(_updates), OWNER_ID, card_id, data))
        return str(tg.calls_to("answerCallbackQuery")[-1].get("text"))

    clock.advance(timedelta(minutes=2))  # pressed at 18:02:30
    assert await press("⏰ +1 h") == "⏰ C'est noté."
    assert await press("⏰ +1 h") == "Déjà fait 👍"  # the same card: not two hours
    assert (await _get(sessionmaker, todo.id)).remind_at == at(2026, 11, 25, 19, 2)
    assert tg.messages[(OWNER_ID, last_message_id(tg))]["text"] == (
        "⏰ Garage\n⏰ Je te le rappelle aujourd'hui à 19:02."
    )
    clock.set(at(2026, 11, 25, 19, 1, 59))
    assert await scheduler.tick() == []
    clock.set(at(2026, 11, 25, 19, 2))
    assert len(await scheduler.tick()) == 1
    assert len(texts(tg, "⏰ Garage")) == 2

    assert await press("Demain") == "⏰ C'est noté."
    assert (await _get(sessionmaker, todo.id)).remind_at == at(2026, 11, 26, 19, 2)
    clock.set(at(2026, 11, 26, 19, 2))
    assert len(await scheduler.tick()) == 1
    assert await scheduler.tick() == []
    assert len(texts(tg, "⏰ Garage")) == 3


async def test_in_the_running_app_a_reminder_rings_and_its_button_is_answered(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """The whole service (polling bot, scheduler, database), as `ordinarthur-os run` starts it."""
    clock = FrozenClock(PARIS, at(2026, 11, 25, 17, 59))
    todo = await _todo(sessionmaker, clock, title="Appeler maman", remind_at=at(2026, 11, 25, 18))
    async with FakeTelegram.start(poll_wait=0.05) as tg:
        configured = settings.model_copy(
            update={
                "telegram_bot_token": SecretStr(BOT_TOKEN),
                "telegram_owner_id": OWNER_ID,
                "telegram_api_base": tg.url,
            }
        )
        app = create_app(configured, clock=clock, run_migrations=False)
        async with TestClient(TestServer(app)):
            scheduler = app[SCHEDULER]
            await until(lambda: scheduler.is_leader)
            assert delivered(tg, "⏰") == []
            clock.set(at(2026, 11, 25, 18, 0))
            await scheduler.tick()  # what its timer does at 18:00
            assert delivered(tg, "⏰") == ["⏰ Appeler maman"]
            card = last_message_id(tg)
            done = buttons(tg.messages[(OWNER_ID, card)])["✅ Fait"]
            tg.push_update(tg.press(next(_updates), OWNER_ID, card, done))
            await until(lambda: "✅ Fait." in str(tg.messages[(OWNER_ID, card)]["text"]))
    assert (await _get(sessionmaker, todo.id)).status == "done"


async def test_a_timer_is_set_at_the_next_reminder_and_follows_a_moved_one(
    schedulers: SchedulerFactory, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # APScheduler's timers run on the real clock: this frozen one starts at the real now.
    clock = FrozenClock(PARIS, datetime.now(UTC).replace(microsecond=0))
    soon = clock.now() + timedelta(hours=2)
    todo = await _todo(sessionmaker, clock, title="Appeler maman", remind_at=soon)
    await _event(sessionmaker, clock, "Dentiste", soon + timedelta(minutes=45))
    scheduler = schedulers(clock)
    await scheduler.start()
    await until(lambda: scheduler.is_leader)
    assert scheduler.next_run_time("next-reminder") == soon
    assert scheduler.next_run_time("minute") is not None
    async with sessionmaker.begin() as s:
        await todos.move_reminder(
            session=s, todo_id=todo.id, remind_at=soon + timedelta(hours=1), now=clock.now()
        )
    await scheduler.reschedule()
    # Now the event's (30 minutes before it) comes first.
    assert scheduler.next_run_time("next-reminder") == soon + timedelta(minutes=15)


# ---------------------------------------------------------------- events


async def test_an_event_rings_its_minutes_before_in_words(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 8, 0))
    day = (2026, 11, 25)
    await _event(sessionmaker, clock, "Dentiste", at(*day, 15), location="12 rue de la Paix")
    await _event(sessionmaker, clock, "Train", at(*day, 16), reminder_minutes=10)
    await _event(sessionmaker, clock, "Sans rappel", at(*day, 15), reminder_minutes=0)
    tomorrow = at(2026, 11, 26, 0)
    await _event(sessionmaker, clock, "Férié", tomorrow, minutes=24 * 60, all_day=True)
    await _event(
        sessionmaker,
        clock,
        "Réunion Google",
        at(*day, 17),
        source="google",
        google_event_id="g-1",
    )
    scheduler = schedulers(clock)
    async with sessionmaker() as s:  # the whole day and the next morning
        found = await reminders.ringing(
            session=s, start=clock.now(), end=at(2026, 11, 26, 8), default_minutes=30, tz=PARIS
        )
    assert [f"{r.at.astimezone(PARIS):%H:%M}" for r in found] == ["14:30", "15:50", "16:30"]
    sent: list[str] = []
    for hour, minute in [(14, 30), (15, 50), (16, 30)]:  # minute by minute around each
        for moment in range(hour * 60 + minute - 2, hour * 60 + minute + 3):
            clock.set(at(*day, moment // 60, moment % 60))
            if await scheduler.tick():
                sent.append(f"{clock.now():%H:%M}")
    assert sent == ["14:30", "15:50", "16:30"]
    assert texts(tg) == [
        "⏰ Dans 30 min : Dentiste — 15:00–16:00, 12 rue de la Paix",
        "⏰ Dans 10 min : Train — 16:00–17:00",
        "⏰ Dans 30 min : Réunion Google — 17:00–18:00",
    ]


async def test_the_owners_default_changes_at_run_time(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 14, 0))
    await _event(sessionmaker, clock, "Dentiste", at(2026, 11, 25, 15))
    await _event(sessionmaker, clock, "Kiné", at(2026, 11, 25, 16))
    async with sessionmaker.begin() as s:
        await owner.update_schedule(session=s, event_reminder_minutes=45)
    scheduler = schedulers(clock)
    clock.set(at(2026, 11, 25, 14, 15))
    assert len(await scheduler.tick()) == 1
    async with sessionmaker.begin() as s:
        await owner.update_schedule(session=s, event_reminder_minutes=0)
    clock.set(at(2026, 11, 25, 15, 15))
    assert await scheduler.tick() == []
    assert texts(tg) == ["⏰ Dans 45 min : Dentiste — 15:00–16:00"]


async def test_each_occurrence_of_a_series_rings_but_not_an_excluded_one(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 23, 8, 0))
    await _event(
        sessionmaker,
        clock,
        "Stand-up",
        at(2026, 11, 23, 9, 30),
        minutes=15,
        recurrence="FREQ=DAILY",
        reminder_minutes=15,
        recurrence_exdates=[at(2026, 11, 25, 9, 30)],
    )
    scheduler = schedulers(clock)
    rang = []
    for day in range(23, 28):
        clock.set(at(2026, 11, day, 9, 15))
        rang.append(len(rung(await scheduler.tick())))
        assert rung(await scheduler.tick()) == []
    assert rang == [1, 1, 0, 1, 1]
    assert set(texts(tg, "⏰")) == {"⏰ Dans 15 min : Stand-up — 09:30–09:45"}


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        ((2026, 3, 29), 6),  # clocks go forward at 02:00: 08:30 Paris is 06:30 UTC
        ((2026, 10, 25), 7),  # and back at 03:00: 08:30 Paris is 07:30 UTC
    ],
)
async def test_reminders_keep_the_owners_wall_clock_on_dst_days(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
    day: tuple[int, int, int],
    utc_hour: int,
) -> None:
    eve = at(*day, 0) - timedelta(days=1)
    clock = FrozenClock(PARIS, eve.replace(hour=8))
    await _event(
        sessionmaker,
        clock,
        "Yoga",
        eve.replace(hour=9),
        recurrence="FREQ=DAILY",
        reminder_minutes=30,
    )
    series = await _todo(
        sessionmaker,
        clock,
        title="Arroser",
        due_at=eve.replace(hour=18),
        remind_at=eve.replace(hour=18),
        recurrence="FREQ=DAILY",
    )
    async with sessionmaker.begin() as s:  # done on the eve: the next one is on the day
        done = await todos.complete_todo(session=s, todo_id=series.id, now=clock.now(), tz=PARIS)
    assert done is not None and done.next is not None
    assert done.next.remind_at == at(*day, 18)
    scheduler = schedulers(clock)
    following = at(*day, 0) + timedelta(days=1)
    expected = [at(*day, 8, 30), at(*day, 18, 0), following.replace(hour=8, minute=30)]
    assert expected[0].astimezone(UTC).hour == utc_hour
    moment = at(*day, 0)
    for ring in expected:
        async with sessionmaker() as s:  # what the scheduler's timer for the next one is set to
            upcoming = await reminders.next_ring(
                session=s, after=moment, within=timedelta(days=1), default_minutes=30, tz=PARIS
            )
        assert upcoming == ring
        clock.set(ring - timedelta(minutes=1))
        assert rung(await scheduler.tick()) == []
        clock.set(ring)
        assert len(rung(await scheduler.tick())) == 1
        moment = ring
    assert texts(tg, "⏰") == [
        "⏰ Dans 30 min : Yoga — 09:00–10:00",
        "⏰ Arroser\n🔁 chaque jour à 18:00",
        "⏰ Dans 30 min : Yoga — 09:00–10:00",
    ]


# ---------------------------------------------------------------- late, failed, twice


async def test_a_reminder_missed_by_a_restart_is_sent_if_less_than_15_minutes_late(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="app.scheduler")
    clock = FrozenClock(PARIS, at(2026, 11, 25, 18, 14))
    await _todo(sessionmaker, clock, title="Dix minutes", remind_at=at(2026, 11, 25, 18, 4))
    await _todo(sessionmaker, clock, title="Vingt minutes", remind_at=at(2026, 11, 25, 17, 54))
    await _event(sessionmaker, clock, "Déjà loin", at(2026, 11, 25, 18, 40), reminder_minutes=50)
    for _ in range(2):  # the service starts (again): its leader catches up once
        scheduler = schedulers(clock)
        await scheduler.start()
        await until(lambda s=scheduler: s.is_leader)  # type: ignore[misc]
        await scheduler.stop()
    assert texts(tg) == ["⏰ Dix minutes"]
    dropped = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert len(dropped) == 2
    assert any("todo_reminder" in line and "20 min late" in line for line in dropped)
    assert any("event_reminder" in line and "24 min late" in line for line in dropped)


async def test_a_failed_reminder_is_tried_again_within_its_window_then_dropped(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="app.scheduler")
    clock = FrozenClock(PARIS, at(2026, 11, 25, 18, 0))
    await _todo(sessionmaker, clock, title="Appeler maman", remind_at=clock.now())
    never = await _todo(sessionmaker, clock, title="Jamais", remind_at=at(2026, 11, 25, 19, 0))
    scheduler = schedulers(clock)
    tg.fail_next("sendMessage", error_code=502, description="Bad Gateway", times=4)
    assert await scheduler.tick() == []  # the transport tried 4 times, in vain
    clock.advance(timedelta(minutes=1))
    assert len(await scheduler.tick()) == 1
    clock.advance(timedelta(minutes=1))
    assert await scheduler.tick() == []
    assert delivered(tg, "Appeler") == ["⏰ Appeler maman"]

    # Telegram down for good from 19:00: tried every minute for 15 minutes, then dropped.
    tg.fail_next("sendMessage", disconnect=True, times=10_000)
    for minute in range(0, 20):
        clock.set(at(2026, 11, 25, 19, minute))
        assert await scheduler.tick() == []
    async with sessionmaker() as s:
        slot = reminders.slot(never.id, at(2026, 11, 25, 19, 0))
        row = (await s.execute(select(SentLog).where(SentLog.slot == slot))).scalar_one()
    assert row.sent_at is None and row.given_up_at is not None and row.attempts == 15
    assert [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()] == [
        f"todo_reminder {row.slot} dropped after 15 failed attempt(s): 15 min late"
    ]


async def test_two_schedulers_on_one_database_ring_each_reminder_once(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 14, 30))
    for n in range(5):
        await _todo(sessionmaker, clock, title=f"Tâche {n}", remind_at=clock.now())
    await _event(sessionmaker, clock, "Dentiste", at(2026, 11, 25, 15))
    first, second = schedulers(clock), schedulers(clock)
    for _ in range(3):
        await asyncio.gather(first.tick(), second.tick(), first.tick(), second.tick())
    assert len(tg.calls_to("sendMessage")) == 6
    assert len(set(texts(tg))) == 6


async def test_a_claim_left_by_a_sender_that_died_is_taken_again_after_its_lease(
    schedulers: SchedulerFactory,
    tg: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FrozenClock(PARIS, at(2026, 11, 25, 18, 0))
    todo = await _todo(sessionmaker, clock, title="Appeler maman", remind_at=clock.now())
    slot = f"{todo.id}:{clock.now().astimezone(UTC).isoformat()}"  # the shared decision's form
    async with sessionmaker.begin() as s:  # another replica claimed it, then its pod died
        assert await sendlog.claim(session=s, kind="todo_reminder", slot=slot, now=clock.now())
    scheduler = schedulers(clock)
    for seconds in (0, 60, 120, 179):
        clock.set(at(2026, 11, 25, 18, 0) + timedelta(seconds=seconds))
        assert await scheduler.tick() == []  # it may still be sending
    clock.set(at(2026, 11, 25, 18, 3))
    assert len(await scheduler.tick()) == 1
    assert texts(tg) == ["⏰ Appeler maman"]


async def test_reminder_callback_data_fits_telegram() -> None:
    data = ReminderCb(op="tomorrow", todo=uuid.uuid4().hex, at=2**40).pack()
    assert len(data.encode()) <= 64
