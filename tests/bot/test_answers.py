"""Questions on Telegram (the offline parser answering, as without MISTRAL_API_KEY): the
answer is a message written from the rows, its todos a list you can act on; a question and an
order in one message get the answer and the card; a card says its clashes with the agenda."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import todos
from store.clock import FrozenClock
from store.tables import AiAction, Todo
from tests.agent.conftest import all_rows
from tests.agent.owner_week import seed
from tests.bot.conftest import Conversation
from tests.fakes.groq import FakeGroq
from tests.fakes.telegram import OWNER_ID, message_update, voice_update

VOICE = Path(__file__).parent.parent / "data" / "voice_fr.ogg"
Sessionmaker = async_sessionmaker[AsyncSession]


async def _say(chat: Conversation, text: str) -> list[str]:
    """What the bot sent back to `text`."""
    before = len(chat.sent())
    await chat.feed(message_update(chat.update_id(), text=text))
    return [str(m["text"]) for m in chat.sent()[before:]]


async def test_a_question_gets_the_rows_and_its_todos_with_their_buttons(
    chat: Conversation, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    await seed(sessionmaker, clock)

    agenda, listed = await _say(chat, "qu'est-ce que j'ai demain ?")

    assert agenda.startswith("<b>📅 Demain</b>")
    assert "• 15:00–16:00 Dentiste 📍 12 rue de la Paix" in agenda
    assert listed == "<b>📋 Tâches pour demain (1)</b>\n• Acheter du pain — demain à 09:00"
    assert list(chat.buttons()) == ["✅ Acheter du pain", "⏰ Demain"]
    assert "Je propose" not in agenda + listed  # nothing to confirm
    async with sessionmaker() as s:
        assert [t.status for t in await todos.list_open_todos(session=s)]  # nothing written


async def test_a_press_on_the_answers_list_redraws_it_under_its_heading(
    chat: Conversation, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    await seed(sessionmaker, clock)
    await _say(chat, "quelles tâches en retard ?")
    listed = chat.card_id()

    await chat.feed(
        chat.tg.press(chat.update_id(), OWNER_ID, listed, chat.buttons()["✅ Payer le loyer"])
    )

    redrawn = chat.tg.messages[(OWNER_ID, listed)]
    assert redrawn["text"] == "<b>📋 Tâches en retard (1)</b>\n✓ <s>Payer le loyer</s>"
    [paid] = [t for t in await all_rows(sessionmaker, Todo) if t.title == "Payer le loyer"]
    assert paid.status == "done"


async def test_a_list_too_long_for_one_message_is_split_with_its_buttons_at_the_end(
    chat: Conversation, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    tomorrow = clock.now().replace(hour=9) + timedelta(days=1)
    async with sessionmaker.begin() as session:
        for n in range(8):  # one page of a list, 8 × 600 characters: over Telegram's 4,096
            title = f"Tâche {n} " + "x" * 600
            session.add(Todo(title=title, status="todo", due_at=tomorrow))

    sent = await _say(chat, "qu'est-ce que j'ai demain ?")

    assert all(len(text) <= 4096 for text in sent)
    assert all(f"Tâche {n} " in "".join(sent) for n in range(8))
    assert len([label for label in chat.buttons() if label.startswith("✅")]) == 8


async def test_an_empty_answer_says_so_in_two_words(chat: Conversation) -> None:
    assert await _say(chat, "qu'est-ce que j'ai le 12 ?") == ["Rien le samedi 12 décembre."]


async def test_the_other_questions_answer_in_french(
    chat: Conversation, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    await seed(sessionmaker, clock)

    [meds] = await _say(chat, "j'ai pris mes médocs hier ?")
    [offers] = await _say(chat, "les nouvelles offres")
    project, project_todos = await _say(chat, "où en est le projet Portfolio")

    assert meds == "💊 Hier : médicaments pris ✅"
    assert offers == "<b>💼 Nouvelles offres (1)</b>\n• Développeur Python — Acme · Paris"
    assert project.startswith("<b>📁 Portfolio</b> (perso)")
    assert project_todos.startswith("<b>📋 Tâches ouvertes du projet Portfolio (1)</b>")


async def test_a_spoken_question_shows_its_transcript_above_the_answer(
    chat: Conversation, groq: FakeGroq, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    await seed(sessionmaker, clock)
    groq.push_text("Qu'est-ce que j'ai demain ?")
    chat.tg.add_file("voice-q", VOICE.read_bytes())

    await chat.feed(voice_update(chat.update_id(), file_id="voice-q"))

    agenda = str(chat.sent()[-2]["text"])
    assert agenda.startswith("🎤 <i>Qu'est-ce que j'ai demain ?</i>\n\n<b>📅 Demain</b>")
    asked = [a for a in await all_rows(sessionmaker, AiAction) if a.status == "answered"]
    assert {a.transcript for a in asked} == {"Qu'est-ce que j'ai demain ?"}
    assert {a.source for a in asked} == {"telegram"}


async def test_a_question_and_an_order_get_the_answer_then_the_card(
    chat: Conversation, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    await seed(sessionmaker, clock)

    *answer, card = await _say(chat, "j'ai quoi demain ? et ajoute acheter du lait")

    assert answer[0].startswith("<b>📅 Demain</b>")
    assert card.startswith("Je propose :\n📝 Tâche « Acheter du lait »")
    assert "✅ Confirmer" in chat.buttons()


async def test_the_card_says_what_the_event_overlaps_and_keeps_it_after_a_drop(
    chat: Conversation, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    await seed(sessionmaker, clock)

    [card] = await _say(chat, "ajoute acheter du lait demain et rdv coiffeur demain à 15h30")

    assert "2. 📅 « Rdv coiffeur » — demain, 15:30–16:30" in card
    assert "\n   ⚠️ chevauche « Dentiste » 15:00–16:00" in card
    await chat.press(chat.buttons()["🗑 Retirer 1"])
    redrawn = str(chat.sent("editMessageText")[-1]["text"])
    assert "⚠️ chevauche « Dentiste » 15:00–16:00" in redrawn
    await chat.press(chat.buttons(chat.sent("editMessageText")[-1])["✅ Confirmer"])
    assert "✅ C'est fait" in str(chat.sent("editMessageText")[-1]["text"])  # never blocked


async def test_the_card_says_a_reminder_rings_during_an_event(
    chat: Conversation, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    await seed(sessionmaker, clock)

    [card] = await _say(chat, "rappelle-moi d'appeler le garage demain à 15h30")

    assert "\n   ⚠️ rappel pendant « Dentiste » 15:00–16:00" in card


async def test_a_series_over_a_series_says_the_first_clashes_and_how_many_more(
    chat: Conversation, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    await seed(sessionmaker, clock)

    [card] = await _say(chat, "yoga tous les lundis à 18h")

    lines = [line for line in card.split("\n") if "⚠️" in line]
    assert lines == [
        "   ⚠️ chevauche « Piscine » 18:00–19:00",
        "   ⚠️ chevauche « Piscine » lundi 7 décembre 18:00–19:00",
        "   ⚠️ chevauche « Piscine » lundi 14 décembre 18:00–19:00",
        "   ⚠️ … et 10 de plus",
    ]


async def test_history_lists_the_questions(
    chat: Conversation, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    await seed(sessionmaker, clock)
    await _say(chat, "quelles tâches en retard ?")

    [history] = await _say(chat, "/history")

    assert "question tâches « quelles tâches en retard ? » : 🔎 répondue" in history
