"""The bot writes the shared vocabulary's labels, the same words as the PWA."""

from __future__ import annotations

from datetime import timedelta

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
