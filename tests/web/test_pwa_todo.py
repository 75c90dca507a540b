"""A todo's own page in Chromium: everything the todo holds, shown and edited (the checklist
ticked in place), and ✨ Enrichir: the model's draft reviewed and edited, then applied."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from playwright.async_api import Page
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.clock import FrozenClock
from store.tables import AiAction, Project, Todo
from tests.agent.conftest import all_rows
from tests.conftest import PARIS
from tests.fakes import FakeMistral
from tests.web.browser import QUEUED, go, shot, sign_in

Sessionmaker = async_sessionmaker[AsyncSession]


async def a_todo(sessionmaker: Sessionmaker, clock: FrozenClock, **fields: Any) -> uuid.UUID:
    async with sessionmaker.begin() as session:
        project = Project(name="Refonte du site", created_at=clock.now())
        session.add(project)
        await session.flush()
        todo = Todo(
            title="Rendre le rapport",
            status="todo",
            priority=2,
            project_id=project.id,
            due_at=datetime(2026, 11, 27, 18, 0, tzinfo=PARIS),
            description="Pour le comité de **lundi**.",
            checklist=[
                {"text": "Écrire le plan", "done": True},
                {"text": "Relire", "done": False},
            ],
            energy="med",
            context="@office",
            tags=["boulot"],
            ticket_url="https://tickets.example/42",
            verification_steps=["Envoyé à Léa"],
            recurrence="FREQ=WEEKLY;BYDAY=FR",
            created_at=clock.now(),
            **fields,
        )
        session.add(todo)
    return todo.id


async def the_todo(sessionmaker: Sessionmaker, todo_id: uuid.UUID) -> Todo:
    async with sessionmaker() as session:
        todo = await session.get(Todo, todo_id)
        assert todo is not None
        return todo


async def test_the_page_shows_and_edits_everything_a_todo_holds(
    page: Page, base_url: str, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    todo_id = await a_todo(sessionmaker, clock)
    await sign_in(page, base_url, "/app/todos", ready="#todo-list li.todo")

    await page.click(f"#todo-list a[href='/app/todos/{todo_id}']")
    await page.wait_for_selector("#todo-edit-form")
    assert await page.input_value("#todo-edit-title") == "Rendre le rapport"
    assert await page.input_value("#todo-edit-description") == "Pour le comité de **lundi**."
    assert await page.input_value("#todo-edit-status") == "todo"
    assert await page.input_value("#todo-edit-priority") == "2"
    assert await page.input_value("#todo-edit-day") == "2026-11-27"
    assert await page.input_value("#todo-edit-time") == "18:00"
    assert await page.inner_text("#todo-edit-project option:checked") == "Refonte du site"
    assert await page.input_value("#todo-edit-energy") == "med"
    assert await page.input_value("#todo-edit-context") == "@office"
    assert await page.input_value("#todo-edit-tags") == "boulot"
    assert await page.get_attribute("#todo-ticket-link", "href") == "https://tickets.example/42"
    assert await page.input_value("#todo-edit-steps") == "Envoyé à Léa"
    # The rule in words, from the API's recurrence_text (the PWA reads no RRULE).
    assert "chaque vendredi à 18:00" in (await page.text_content("#todo-recurrence") or "")
    assert await page.input_value("#todo-edit-repeat") == "FREQ=WEEKLY;BYDAY=FR"
    boxes = page.locator("#todo-checklist input.check")
    assert [await boxes.nth(i).is_checked() for i in range(2)] == [True, False]
    await shot(page, "todo-detail")

    await boxes.nth(1).check()  # ticked at once, no Enregistrer needed
    await page.wait_for_selector("#todo-checklist li.done >> text=Relire")
    await page.fill("#checklist-new", "Imprimer")
    await page.press("#checklist-new", "Enter")
    await page.wait_for_selector("#todo-checklist >> text=Imprimer")
    await page.fill("#todo-edit-title", "Rendre le rapport final")
    await page.select_option("#todo-edit-energy", "low")
    await page.fill("#todo-edit-tags", "boulot, #urgent")
    await page.fill("#todo-edit-steps", "Envoyé à Léa\nLéa a répondu")
    await page.fill("#todo-edit-ticket", "javascript:alert(1)")
    await page.click("#todo-save")
    await page.wait_for_selector(".toast >> text=Tâche enregistrée")

    todo = await the_todo(sessionmaker, todo_id)
    assert todo.title == "Rendre le rapport final" and todo.energy == "low"
    assert todo.tags == ["boulot", "urgent"]
    assert todo.verification_steps == ["Envoyé à Léa", "Léa a répondu"]
    assert todo.checklist == [
        {"text": "Écrire le plan", "done": True},
        {"text": "Relire", "done": True},
        {"text": "Imprimer", "done": False},
    ]
    assert todo.description == "Pour le comité de **lundi**." and todo.priority == 2
    assert todo.ticket_url == "javascript:alert(1)"
    assert await page.locator("#todo-ticket-link").count() == 0  # http(s) only as a link


async def test_enrich_shows_the_draft_for_review_then_applies_the_owner_edits(
    page: Page,
    model_base_url: str,
    mistral: FakeMistral,
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
) -> None:
    todo_id = await a_todo(sessionmaker, clock)
    await sign_in(page, model_base_url)
    await go(page, f"/app/todos/{todo_id}")
    await page.wait_for_selector("#todo-edit-form")

    await page.click("#todo-enrich")
    await page.wait_for_selector("#enrich-modal #enrich-draft")
    await shot(page, "todo-enrich-draft")
    assert len(mistral.requests) == 1
    assert await page.input_value("#draft-description") == (
        "Pour le comité de **lundi**.\n\nRelire les chiffres du **trimestre** avant l'envoi."
    )
    assert await page.input_value("#draft-checklist") == (
        "Écrire le plan\nRelire\nExporter les chiffres\nRelire avec Léa"
    )
    assert await page.input_value("#draft-energy") == "med"  # the owner's stays
    assert await page.input_value("#draft-tags") == "boulot, rapport"
    assert (await the_todo(sessionmaker, todo_id)).ai_enriched is False  # nothing written yet

    await page.fill("#draft-checklist", "Écrire le plan\nExporter les chiffres")
    await page.fill("#draft-context", "maison")
    await page.click("#enrich-apply")
    await page.wait_for_selector("#enrich-modal", state="detached")
    await page.wait_for_selector("text=✨ enrichie par l'IA")
    await page.wait_for_selector("#todo-checklist >> text=Exporter les chiffres")

    todo = await the_todo(sessionmaker, todo_id)
    assert todo.ai_enriched
    assert todo.checklist == [
        {"text": "Écrire le plan", "done": True},  # still ticked
        {"text": "Exporter les chiffres", "done": False},
    ]
    assert todo.context == "@maison" and todo.tags == ["boulot", "rapport"]
    assert todo.verification_steps == ["Envoyé à Léa", "Léa a accusé réception"]
    assert await page.input_value("#todo-edit-context") == "@maison"
    [row] = await all_rows(sessionmaker, AiAction)
    assert row.status == "confirmed" and len(mistral.requests) == 1


async def test_a_draft_applied_offline_waits_in_the_queue_then_is_replayed_once(
    page: Page,
    model_base_url: str,
    mistral: FakeMistral,
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
) -> None:
    todo_id = await a_todo(sessionmaker, clock)
    await sign_in(page, model_base_url)
    await go(page, f"/app/todos/{todo_id}")
    await page.wait_for_selector("#todo-edit-form")
    await page.click("#todo-enrich")
    await page.wait_for_selector("#enrich-draft")

    await page.context.set_offline(True)
    await page.fill("#draft-tags", "boulot, hors-ligne")
    await page.click("#enrich-apply")
    await page.wait_for_selector("#sync-state >> text=1 en attente")
    [queued] = await page.evaluate(QUEUED)
    assert (queued["method"], queued["path"]) == ("POST", f"/todos/{todo_id}/ai-enrich/apply")
    assert queued["body"]["draft"]["tags"] == ["boulot", "hors-ligne"]
    assert queued["client_mutation_id"]
    assert (await the_todo(sessionmaker, todo_id)).ai_enriched is False

    await page.context.set_offline(False)
    # Replayed; a selector, not a function: the page's CSP forbids evaluating a string.
    await page.wait_for_selector("#sync-state:empty", state="attached")
    todo = await the_todo(sessionmaker, todo_id)
    assert todo.ai_enriched and todo.tags == ["boulot", "hors-ligne"]
    [row] = await all_rows(sessionmaker, AiAction)
    assert row.status == "confirmed" and len(mistral.requests) == 1


async def test_enrich_without_a_model_says_why_and_changes_nothing(
    page: Page, base_url: str, sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    todo_id = await a_todo(sessionmaker, clock)
    before = await the_todo(sessionmaker, todo_id)
    await sign_in(page, base_url)
    await go(page, f"/app/todos/{todo_id}")
    await page.wait_for_selector("#todo-edit-form")

    await page.click("#todo-enrich")

    await page.wait_for_selector(".toast.err >> text=MISTRAL_API_KEY")
    assert await page.locator("#enrich-modal").count() == 0
    after = await the_todo(sessionmaker, todo_id)
    assert (after.ai_enriched, after.checklist) == (before.ai_enriched, before.checklist)


async def test_an_unknown_todo_page_says_so(page: Page, base_url: str) -> None:
    await sign_in(page, base_url)
    await go(page, f"/app/todos/{uuid.uuid4()}")
    await page.wait_for_selector(".hero >> text=introuvable")
