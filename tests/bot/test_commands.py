"""Every command answers in French, from real rows."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.keyboards import TodoCb
from store import agenda, health, todos
from store import google as google_store
from store.clock import FrozenClock
from store.encryption import TokenCipher
from store.tables import AiAction, DailyCheckin, OwnerSettings, TelegramUpdate, Todo
from tests.bot.conftest import Conversation, Hooks
from tests.conftest import SECRETS_KEY
from tests.fakes.telegram import callback_update, message_update, parse_html

STRANGER = 666


async def test_start_says_what_it_does_and_the_time_zone(chat: Conversation) -> None:
    await chat.feed(message_update(chat.update_id(), text="/start"))
    assert "Europe/Paris" in chat.last_text()
    assert "confirmes" in chat.last_text()


async def test_help_lists_every_command(chat: Conversation) -> None:
    await chat.feed(message_update(chat.update_id(), text="/help"))
    for command in ("/today", "/todos", "/agenda", "/meds", "/jobs", "/history", "/settings"):
        assert command in chat.last_text()


async def test_todos_lists_open_ones_escaped_with_done_buttons(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    async with sessionmaker.begin() as s:
        tomorrow = clock.now() + timedelta(days=1)
        await todos.create_todo(
            session=s, data={"title": "<b>x</b>", "due_at": tomorrow}, now=clock.now()
        )
        await todos.create_todo(
            session=s, data={"title": "Fini", "status": "done"}, now=clock.now()
        )
    await chat.feed(message_update(chat.update_id(), text="/todos"))
    text = chat.last_text()
    assert "&lt;b&gt;x&lt;/b&gt; — demain à 10:00" in text
    assert "Fini" not in text
    markup = chat.sent()[-1]["reply_markup"]
    data = markup["inline_keyboard"][0][0]["callback_data"]
    assert TodoCb.unpack(data).op == "done"

    await chat.feed(callback_update(chat.update_id(), data=data))
    await chat.feed(callback_update(chat.update_id(), data=data))
    answers = [c["text"] for c in chat.sent("answerCallbackQuery")]
    assert answers[0].startswith("✅ Terminé") and answers[1] == "Déjà fait 👍"
    async with sessionmaker() as s:
        todo = (await s.execute(select(Todo).where(Todo.title == "<b>x</b>"))).scalar_one()
    assert todo.status == "done" and todo.completed_at == clock.now()


async def test_todos_with_three_2000_character_titles_arrive_in_parts_buttons_last(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    titles = [f"{n} " + "très long <titre> " * 111 for n in range(3)]
    assert all(len(t) >= 2000 for t in titles)
    async with sessionmaker.begin() as s:
        for title in titles:
            await todos.create_todo(session=s, data={"title": title[:2000]}, now=clock.now())

    await chat.feed(message_update(chat.update_id(), text="/todos"))

    parts = chat.sent()
    assert len(parts) == 2  # 6,000 characters: the fake Bot API refuses one message over 4096
    assert all("reply_markup" not in p for p in parts[:-1])
    rows = parts[-1]["reply_markup"]["inline_keyboard"]
    done = [b for row in rows for b in row if b["callback_data"].startswith("todo:done:")]
    assert len(done) == 3  # a ✅ for each, on the last part
    shown = "\n".join(parse_html(p["text"]) for p in parts)
    assert all(t[:2000].strip() in shown for t in titles)


async def test_agenda_shows_today_and_the_week(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    now = clock.now()
    async with sessionmaker.begin() as s:
        for title, start in [
            ("Dentiste", now.replace(hour=14)),
            ("Loin", now + timedelta(days=9)),
            ("Réunion", now + timedelta(days=2)),
        ]:
            data = {"title": title, "starts_at": start, "ends_at": start + timedelta(hours=1)}
            await agenda.create_event(session=s, data=data, now=now)
    await chat.feed(message_update(chat.update_id(), text="/agenda"))
    text = chat.last_text()
    assert "<b>Aujourd'hui</b>\n• 14:00–15:00 Dentiste" in text
    assert "<b>Vendredi 27 novembre</b>\n• 10:00–11:00 Réunion" in text
    assert "Loin" not in text


async def test_meds_toggles_today(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    await chat.feed(message_update(chat.update_id(), text="/meds"))
    assert chat.last_text() == "💊 Médicaments d'aujourd'hui : <b>pris</b> ✅"
    async with sessionmaker() as s:
        row = await health.get_checkin(session=s, day=clock.today())
    assert row is not None and row.meds_taken


async def test_history_shows_the_last_actions(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker.begin() as s:
        s.add(
            AiAction(
                proposal_id=uuid.uuid4(),
                function_name="create_todo",
                function_args={"title": "Pain"},
                status="confirmed",
                source="telegram",
            )
        )
    await chat.feed(message_update(chat.update_id(), text="/history"))
    assert "tâche « Pain » : ✅ confirmée" in chat.last_text()


async def test_settings_changes_the_digest_time(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], hooks: Hooks
) -> None:
    await chat.feed(message_update(chat.update_id(), text="/settings resume 06:45"))
    assert "Résumé du matin : <b>06:45</b>" in chat.last_text()
    await chat.feed(message_update(chat.update_id(), text="/settings rappels 21h,8:00"))
    assert "Rappels médicaments : <b>08:00, 21:00</b>" in chat.last_text()
    await chat.feed(message_update(chat.update_id(), text="/settings n'importe quoi"))
    assert "Je n'ai pas compris" in chat.last_text()
    assert hooks.schedule_changes == 2
    async with sessionmaker() as s:
        row = await s.get(OwnerSettings, 1)
    assert row is not None and str(row.digest_time) == "06:45:00"


async def test_settings_changes_event_reminders_and_the_weekly_review(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], hooks: Hooks
) -> None:
    await chat.feed(message_update(chat.update_id(), text="/settings"))
    assert "Rappel avant un événement : <b>30 min avant</b>" in chat.last_text()
    assert "Bilan de la semaine : <b>dimanche 18:00</b>" in chat.last_text()
    await chat.feed(message_update(chat.update_id(), text="/settings agenda 15 min"))
    assert "Rappel avant un événement : <b>15 min avant</b>" in chat.last_text()
    await chat.feed(message_update(chat.update_id(), text="/settings bilan ven 17h30"))
    assert "Bilan de la semaine : <b>vendredi 17:30</b>" in chat.last_text()
    await chat.feed(message_update(chat.update_id(), text="/settings agenda aucun"))
    assert "Rappel avant un événement : <b>aucun</b>" in chat.last_text()
    for wrong in ("/settings agenda beaucoup", "/settings bilan demain", "/settings agenda 99999"):
        await chat.feed(message_update(chat.update_id(), text=wrong))
        assert "Je n'ai pas compris" in chat.last_text()
    assert hooks.schedule_changes == 3
    async with sessionmaker() as s:
        row = await s.get(OwnerSettings, 1)
    assert row is not None
    assert (row.event_reminder_minutes, row.weekly_review_day) == (0, 4)
    assert str(row.weekly_review_time) == "17:30:00"


async def test_settings_shows_the_google_link_and_each_event_google_refused(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    await chat.feed(message_update(chat.update_id(), text="/settings"))
    assert "Google Agenda" not in chat.last_text()  # no account connected: nothing to say
    now = clock.now()
    async with sessionmaker.begin() as s:
        await google_store.save_token(
            session=s,
            cipher=TokenCipher(SECRETS_KEY),
            access_token="a",
            refresh_token="r",
            expires_at=now,
        )
        await google_store.set_calendar(session=s, calendar_id="cal")
        await google_store.record_sync(session=s, calendar_id="cal", now=now, error=None)
        start = now + timedelta(days=1)
        event = await agenda.create_event(
            session=s,
            data={"title": "Dentiste <3", "starts_at": start, "ends_at": start},
            now=now,
        )
        await google_store.mark_failed(
            session=s, event_id=event.id, error="Google a refusé cet événement (400 : Bad Request)"
        )
    await chat.feed(message_update(chat.update_id(), text="/settings"))
    text = chat.last_text()
    assert "<b>Google Agenda</b> : dernière synchro" in text
    assert "Refusé par Google (1) :\n• Dentiste &lt;3 : Google a refusé cet événement" in text

    async with sessionmaker.begin() as s:
        await google_store.stop(session=s, calendar_id="cal", reason="calendar_gone", now=now)
    await chat.feed(message_update(chat.update_id(), text="/settings"))
    assert "synchro arrêtée : le calendrier « ordinarthur-os » a été supprimé" in chat.last_text()


async def test_strangers_get_nothing_and_leave_nothing(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.feed(message_update(chat.update_id(), user_id=STRANGER, text="/meds"))
    await chat.feed(
        callback_update(chat.update_id(), user_id=STRANGER, data="meds:toggle:2026-11-25")
    )
    assert chat.tg.calls == []
    async with sessionmaker() as s:
        assert (await s.execute(select(TelegramUpdate))).all() == []
        assert (await s.execute(select(DailyCheckin))).all() == []


async def test_the_same_update_twice_is_handled_once(chat: Conversation) -> None:
    update = message_update(chat.update_id(), text="/help")
    await chat.feed(update)
    await chat.feed(update)
    assert len(chat.sent()) == 1
