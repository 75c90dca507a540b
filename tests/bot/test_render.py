"""The bot writes the shared vocabulary's labels, the same words as the PWA."""

from __future__ import annotations

from datetime import date, timedelta

from bot.render.dates import of_day
from bot.render.meds import meds_status
from bot.render.proposals import describe
from core.vocabulary import PRIORITY_LABELS
from store.clock import FrozenClock


def test_a_proposed_todo_names_its_priority_with_the_shared_labels(clock: FrozenClock) -> None:
    for priority, label in enumerate(PRIORITY_LABELS):
        text = describe("create_todo", {"title": "Pain", "priority": priority}, {}, clock)
        assert f"priorité {label}" in text
    assert "priorité" not in describe("create_todo", {"title": "Pain"}, {}, clock)
    assert "priorité urgente" in describe("todos", {"title": "Pain", "priority": 3}, {}, clock)


def test_a_step_names_its_column_and_a_todo_its_day(clock: FrozenClock) -> None:
    text = describe("add_project_step", {"title": "Relire", "status": "review"}, {}, clock)
    assert "(en revue)" in text
    args = {"title": "x", "due_at": clock.now() + timedelta(days=1)}
    assert "pour demain à 10:00" in describe("create_todo", args, {}, clock)


def test_a_day_after_de_is_elided_or_contracted() -> None:
    today = date(2026, 11, 25)
    assert of_day(today, today=today) == "d'aujourd'hui"
    assert of_day(date(2026, 11, 24), today=today) == "d'hier"
    assert of_day(date(2026, 11, 26), today=today) == "de demain"
    assert of_day(date(2026, 12, 3), today=today) == "du jeudi 3 décembre"
    assert meds_status(today, False, today) == (
        "💊 Médicaments d'aujourd'hui : <b>pas encore pris</b>"
    )


def test_a_project_the_card_does_not_know_is_said_once(clock: FrozenClock) -> None:
    unknown = "00000000-0000-4000-8000-000000000009"
    todo = describe("create_todo", {"title": "Pain", "project_id": unknown}, {}, clock)
    idea = describe("add_project_idea", {"project_id": unknown, "content": "x"}, {}, clock)
    assert "projet inconnu" in todo and "projet projet" not in todo
    assert idea.startswith("💡 Idée pour un projet inconnu :")
