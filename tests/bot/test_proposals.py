"""The main loop through Telegram: message → card → confirm → row → card edited → undo."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.service import AgentService
from bot.dispatcher import create_dispatcher
from store import projects as projects_q
from store.clock import FrozenClock
from store.tables import AiAction, CalendarEvent, Todo, VoiceFailure
from tests.bot.conftest import Conversation
from tests.fakes.groq import FakeGroq
from tests.fakes.telegram import OWNER_ID, message_update, parse_html, voice_update

VOICE = Path(__file__).parent.parent / "data" / "voice_fr.ogg"


async def _todos(sessionmaker: async_sessionmaker[AsyncSession]) -> list[Todo]:
    async with sessionmaker() as s:
        return list((await s.execute(select(Todo))).scalars())


async def test_text_confirm_undo(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.feed(
        message_update(chat.update_id(), text="ajoute une tâche acheter du pain demain")
    )
    assert chat.sent("sendChatAction")
    card = chat.last_text()
    assert "Je propose" in card and "« Acheter du pain »" in card and "demain à 09:00" in card
    assert await _todos(sessionmaker) == []  # nothing written before ✅

    buttons = chat.buttons()
    assert set(buttons) == {"✅ Confirmer", "✏️ Modifier", "❌ Annuler"}
    card_id = chat.card_id()
    await chat.press(buttons["✅ Confirmer"], card_id)
    [todo] = await _todos(sessionmaker)
    assert todo.title == "Acheter du pain"
    edited = chat.sent("editMessageText")[-1]
    assert edited["message_id"] == card_id
    assert "✅ C'est fait" in edited["text"] and "Acheter du pain" in edited["text"]

    await chat.press(buttons["✅ Confirmer"], card_id)  # a double tap writes nothing more
    assert chat.sent("answerCallbackQuery")[-1]["text"] == "Déjà fait 👍"
    assert len(await _todos(sessionmaker)) == 1

    undo = chat.buttons(edited)["↩️ Annuler"]
    await chat.press(undo, card_id)
    assert await _todos(sessionmaker) == []
    assert "↩️ Annulé" in chat.sent("editMessageText")[-1]["text"]


async def test_the_card_names_the_project(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker.begin() as s:
        await projects_q.create_project(session=s, data={"name": "Portfolio <v2>"})
    text = "idée pour le projet Portfolio <v2> : mode sombre"
    await chat.feed(message_update(chat.update_id(), text=text))
    assert "💡 Idée pour Portfolio &lt;v2&gt; :" in chat.last_text()


async def test_two_actions_one_dropped_confirm_writes_one(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    text = "ajoute une tâche acheter du pain demain et rdv dentiste jeudi à 14h"
    await chat.feed(message_update(chat.update_id(), text=text))
    card_id = chat.card_id()
    buttons = chat.buttons()
    assert {"🗑 Retirer 1", "🗑 Retirer 2"} <= set(buttons)
    await chat.press(buttons["🗑 Retirer 1"], card_id)
    edited = chat.sent("editMessageText")[-1]
    assert "<s>1. 📝 Tâche « Acheter du pain »" in edited["text"]
    await chat.press(chat.buttons(edited)["✅ Confirmer"], card_id)
    assert await _todos(sessionmaker) == []
    async with sessionmaker() as s:
        events = list((await s.execute(select(CalendarEvent))).scalars())
        statuses = sorted(a.status for a in (await s.execute(select(AiAction))).scalars())
    assert [e.title for e in events] == ["Rdv dentiste"]
    assert statuses == ["cancelled", "confirmed"]


async def test_cancel_writes_nothing(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.feed(message_update(chat.update_id(), text="todo: payer le loyer"))
    await chat.press(chat.buttons()["❌ Annuler"])
    assert "Annulé" in chat.sent("editMessageText")[-1]["text"]
    assert await _todos(sessionmaker) == []


async def test_modify_replaces_the_card(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.feed(
        message_update(chat.update_id(), text="ajoute une tâche acheter du pain demain")
    )
    first_card = chat.card_id()
    await chat.press(chat.buttons()["✏️ Modifier"], first_card)
    assert chat.last_text() == "✏️ Qu'est-ce que je dois changer ?"
    await chat.feed(
        message_update(chat.update_id(), text="ajoute une tâche acheter du lait demain")
    )
    assert "Remplacée" in chat.sent("editMessageText")[-1]["text"]
    assert "« Acheter du lait »" in chat.last_text()
    await chat.press(chat.buttons()["✅ Confirmer"])
    assert [t.title for t in await _todos(sessionmaker)] == ["Acheter du lait"]


async def test_user_text_is_escaped(chat: Conversation) -> None:
    await chat.feed(message_update(chat.update_id(), text="ajoute une tâche <b>x</b> demain"))
    assert "&lt;b&gt;x&lt;/b&gt;" in chat.last_text()


async def test_nothing_understood_says_so(chat: Conversation) -> None:
    await chat.feed(message_update(chat.update_id(), text="bonjour"))
    assert chat.last_text().startswith("🤷")
    assert not chat.buttons()


async def test_undo_after_ten_minutes_is_refused(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    await chat.feed(message_update(chat.update_id(), text="todo: payer le loyer"))
    card_id = chat.card_id()
    await chat.press(chat.buttons()["✅ Confirmer"], card_id)
    undo = chat.buttons(chat.sent("editMessageText")[-1])["↩️ Annuler"]
    clock.advance(timedelta(minutes=11))
    await chat.press(undo, card_id)
    assert "Trop tard" in chat.sent("answerCallbackQuery")[-1]["text"]
    assert len(await _todos(sessionmaker)) == 1


async def test_voice_shows_the_transcript_above_the_proposal(
    chat: Conversation, groq: FakeGroq
) -> None:
    chat.tg.add_file("voice-1", VOICE.read_bytes())
    await chat.feed(voice_update(chat.update_id(), file_id="voice-1"))
    text = chat.last_text()
    assert text.startswith("🎤 <i>Ajoute une tâche acheter du pain demain</i>")
    assert "« Acheter du pain »" in text
    assert groq.last_upload is not None and groq.last_upload.size == VOICE.stat().st_size


async def test_a_9000_character_transcript_comes_before_the_card_in_parts_telegram_accepts(
    chat: Conversation, groq: FakeGroq, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    said = "Ajoute une tâche acheter du pain demain. " + "Puis j'ai parlé longtemps. " * 340
    groq.transcript = said.strip()
    assert len(groq.transcript) >= 9000
    chat.tg.add_file("voice-long", VOICE.read_bytes())

    await chat.feed(voice_update(chat.update_id(), file_id="voice-long"))

    *transcript, card = chat.sent()
    assert len(transcript) == 3
    shown = " ".join(parse_html(m["text"]) for m in transcript)  # Telegram accepted each
    assert shown.removeprefix("🎤 ").replace("  ", " ") == groq.transcript
    assert card["text"].startswith("Je propose :") and "« Acheter du pain" in card["text"]
    assert "✅ Confirmer" in chat.buttons(card)

    await chat.press(chat.buttons(card)["✅ Confirmer"])
    assert "C'est fait" in chat.sent("editMessageText")[-1]["text"]
    assert len(await _todos(sessionmaker)) == 1


async def test_a_voice_note_over_the_limit_is_refused_from_its_size_before_any_download(
    chat: Conversation, groq: FakeGroq, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    heavy = voice_update(chat.update_id(), file_id="voice-big", file_size=30_000_000)

    await chat.feed(heavy)

    assert chat.tg.calls_to("getFile") == [] and chat.tg.downloads == []
    assert "trop lourde" in chat.last_text() and "limite 20,0 Mo" in chat.last_text()
    assert groq.uploads == []
    async with sessionmaker() as s:
        assert (await s.execute(select(AiAction))).all() == []


async def test_a_voice_note_without_its_size_is_measured_by_get_file_before_download(
    chat: Conversation, groq: FakeGroq, agent: AgentService
) -> None:
    assert agent.stt is not None
    agent.stt.max_bytes = 1000
    chat.tg.add_file("voice-unsized", b"x" * 2000)

    await chat.feed(voice_update(chat.update_id(), file_id="voice-unsized"))

    assert len(chat.tg.calls_to("getFile")) == 1 and chat.tg.downloads == []
    assert "trop lourde" in chat.last_text() and groq.uploads == []


async def test_a_failed_transcription_says_so_and_offers_a_retry(
    chat: Conversation, groq: FakeGroq, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    chat.tg.add_file("voice-2", VOICE.read_bytes())
    groq.push_status(500)
    await chat.feed(voice_update(chat.update_id(), file_id="voice-2"))
    assert "Je n'ai pas pu transcrire" in chat.last_text()
    retry = chat.buttons()["🔁 Réessayer"]
    async with sessionmaker() as s:
        record = (await s.execute(select(VoiceFailure))).scalar_one()
        assert (await s.execute(select(AiAction))).all() == []  # nothing was proposed
    assert record.telegram_file_id == "voice-2" and record.error

    await chat.press(retry)
    assert "« Acheter du pain »" in chat.last_text()
    assert len(groq.uploads) == 2


async def test_a_text_delivered_twice_gives_one_card_and_one_proposal(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    update = message_update(chat.update_id(), text="todo: payer le loyer")
    await chat.feed(update)
    await chat.feed(update)
    cards = [c for c in chat.sent() if "Je propose" in c["text"]]
    async with sessionmaker() as s:
        proposals = {a.proposal_id for a in (await s.execute(select(AiAction))).scalars()}
    assert (len(cards), len(proposals)) == (1, 1)


async def test_a_forwarded_message_is_data_for_the_agent(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    text = "ajoute une tâche acheter du pain demain"
    await chat.feed(message_update(chat.update_id(), text=text, forwarded_from="Alice"))
    async with sessionmaker() as s:
        action = (await s.execute(select(AiAction))).scalar_one()
    assert action.input_text == f"Transféré : {text}"
    assert "Je propose" in chat.last_text()


async def test_the_correction_may_reach_another_replica(
    chat: Conversation,
    workflow: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    pain = "ajoute une tâche acheter du pain demain"
    await chat.feed(message_update(chat.update_id(), text=pain))
    await chat.press(chat.buttons()["✏️ Modifier"])
    other_replica = create_dispatcher(owner_id=OWNER_ID, **workflow)
    correction = message_update(chat.update_id(), text="ajoute une tâche acheter du lait demain")
    await other_replica.feed_raw_update(chat.bot, correction)
    assert "Remplacée" in chat.sent("editMessageText")[-1]["text"]
    await chat.press(chat.buttons()["✅ Confirmer"])
    assert [t.title for t in await _todos(sessionmaker)] == ["Acheter du lait"]


async def test_a_sticker_gets_an_answer_not_silence(chat: Conversation) -> None:
    update = message_update(chat.update_id(), text="")
    del update["message"]["text"]
    update["message"]["sticker"] = {
        "file_id": "s1",
        "file_unique_id": "us1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    await chat.feed(update)
    assert "notes vocales" in chat.last_text()
