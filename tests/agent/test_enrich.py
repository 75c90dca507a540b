"""The enrichment's argument model, prompt and draft, and one request through the agent's
machinery (the network edge is faked in tests/web/test_enrich.py and tests/bot/test_enrich.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.enrich import CHECKLIST_MAX, EnrichDraft, _model_schema, merge, todo_prompt
from agent.errors import EnrichUnavailableError
from agent.service import AgentService
from store import todos
from store.clock import FrozenClock
from store.tables import AiAction, Todo
from tests.agent.conftest import all_rows, script
from tests.conftest import PARIS


def a_todo(**fields: Any) -> Todo:
    return Todo(
        **{
            "title": "Préparer le déménagement",
            "description": None,
            "checklist": [],
            "tags": [],
            "verification_steps": [],
            "energy": None,
            "context": None,
            **fields,
        }
    )


def test_a_draft_reads_what_the_model_writes_and_what_the_owner_sends() -> None:
    draft = EnrichDraft.model_validate(
        {
            "checklist": ["Réserver le camion", {"text": "Cartons", "done": True}],
            "context": " errands ",
            "tags": ["#maison", " perso "],
            "energy": "high",
        }
    )

    assert [(i.text, i.done) for i in draft.checklist] == [
        ("Réserver le camion", False),
        ("Cartons", True),
    ]
    assert draft.context == "@errands" and draft.tags == ["maison", "perso"]
    wrong_drafts = (
        {"energy": "medium"},
        {"checklist": [""]},
        {"surprise": 1},
        {"tags": ["#"]},
        {"context": "@"},
    )
    for wrong in wrong_drafts:
        with pytest.raises(ValidationError):
            EnrichDraft.model_validate(wrong)


def test_the_model_reads_a_compact_schema() -> None:
    schema = _model_schema()

    assert set(schema["properties"]) == {
        "description",
        "checklist",
        "energy",
        "context",
        "tags",
        "verification_steps",
    }
    assert schema["properties"]["checklist"]["items"] == {"type": "string"}
    assert schema["properties"]["energy"]["enum"] == ["low", "med", "high"]
    text = str(schema)
    for unread in ("maxLength", "maxItems", "title", "anyOf", "$defs", "default"):
        assert unread not in text, unread


def test_the_draft_keeps_what_the_todo_holds_and_adds_only_what_is_new() -> None:
    todo = a_todo(
        description="Le 12.",
        checklist=[{"text": "Cartons", "done": True}, "Réserver le camion", {"x": 1}],
        tags=["Maison"],
        verification_steps=["Clés rendues"],
        energy="low",
    )
    proposed = EnrichDraft.model_validate(
        {
            "description": "  Prévenir la banque.  ",
            "checklist": ["réserver  le CAMION", "Résilier la box"],
            "tags": ["maison", "admin"],
            "verification_steps": ["Clés rendues", "État des lieux signé"],
            "energy": "high",
            "context": "@home",
        }
    )

    draft = merge(todo, proposed)

    assert draft.description == "Le 12.\n\nPrévenir la banque."
    assert [(i.text, i.done) for i in draft.checklist] == [
        ("Cartons", True),
        ("Réserver le camion", False),  # a bare string in the column is read as an item
        ("Résilier la box", False),
    ]
    assert draft.tags == ["Maison", "admin"]
    assert draft.verification_steps == ["Clés rendues", "État des lieux signé"]
    assert (draft.energy, draft.context) == ("low", "@home")  # set stays; missing is filled


def test_a_full_checklist_keeps_every_item_it_had() -> None:
    full = [{"text": f"étape {i}", "done": False} for i in range(CHECKLIST_MAX)]

    draft = merge(
        a_todo(checklist=full), EnrichDraft.model_validate({"checklist": ["une de plus"]})
    )

    assert [i.text for i in draft.checklist] == [i["text"] for i in full]


def test_the_prompt_is_bounded_and_framed() -> None:
    todo = a_todo(
        title="Titre\nsur deux lignes",
        description="x" * 5000,
        checklist=[{"text": f"étape {i}", "done": False} for i in range(40)],
        due_at=datetime(2026, 11, 27, 18, 0, tzinfo=PARIS),
    )

    prompt = todo_prompt(todo, project="Maison", tz=PARIS)

    assert prompt.startswith("<tache>Titre : Titre sur deux lignes\nProjet : Maison\n")
    assert "Échéance : vendredi 27 novembre" in prompt
    assert "x" * 2000 + " […]" in prompt and "x" * 2001 not in prompt
    assert "étape 29 ; (+10)" in prompt
    assert len(prompt) < 3000


async def test_a_draft_is_one_request_for_the_output_tool(
    make_service: Callable[..., AgentService],
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
) -> None:
    async with sessionmaker.begin() as s:
        todo = await todos.create_todo(session=s, data={"title": "Vider la cave"}, now=clock.now())
    model = script([("final_result", {"checklist": ["Trier"], "energy": "high"})])
    service = make_service(model)

    made = await service.enricher.draft(todo.id)

    assert model.requests == 1
    [info] = model.infos
    assert info.function_tools == [] and not info.allow_text_output
    [tool] = info.output_tools
    schema = _model_schema()
    description = schema.pop("description")  # pydantic-ai makes it the tool's description
    assert (tool.name, tool.description) == ("final_result", description)
    assert tool.parameters_json_schema == schema
    assert [i.text for i in made.draft.checklist] == ["Trier"]
    [row] = await all_rows(sessionmaker, AiAction)
    assert row.status == "proposed" and row.model_name == "scripted"


async def test_no_model_no_draft(
    make_service: Callable[..., AgentService],
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
) -> None:
    async with sessionmaker.begin() as s:
        todo = await todos.create_todo(session=s, data={"title": "Vider la cave"}, now=clock.now())

    with pytest.raises(EnrichUnavailableError):
        await make_service().enricher.draft(todo.id)
    assert await all_rows(sessionmaker, AiAction) == []
