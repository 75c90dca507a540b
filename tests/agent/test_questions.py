"""Questions answered from the rows, through the application as `create_app` builds it: each
form the issue lists, in French and English, answered by the offline parser (no model) and by
Mistral (the real SDK, tool calls on the wire from the fake server), in one model request."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from pydantic_ai.models import override_allow_model_requests
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.service import NOTHING_PROPOSED, RetryPolicy
from app.agent import AGENT_POLICY
from app.main import create_app
from app.settings import Settings
from store import projects
from store.clock import FrozenClock
from store.tables import AiAction, AiUsage, Todo
from tests.agent.conftest import all_rows, count
from tests.agent.owner_week import seed
from tests.fakes import FakeMistral, Text, ToolCalls

Client = TestClient[web.Request, web.Application]
Sessionmaker = async_sessionmaker[AsyncSession]
Call = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Question:
    french: str
    english: str
    calls: list[Call]  # what Mistral answers (the prompt's way: days as dates, end included)
    says: list[str]
    never: list[str] = field(default_factory=list)


TOMORROW = {"start": "2026-11-26", "end": "2026-11-26"}
QUESTIONS = [
    Question(
        "qu'est-ce que j'ai demain ?",
        "what do I have tomorrow?",
        [
            ("find_events", TOMORROW),
            ("find_todos", {"due_after": "2026-11-26", "due_before": "2026-11-26"}),
        ],
        [
            "📅 Demain",
            "15:00–16:00 Dentiste 📍 12 rue de la Paix",
            "Anniversaire de Léa (toute la journée)",
            "Acheter du pain — demain à 09:00",
        ],
        ["Payer le loyer", "Appeler maman"],
    ),
    Question(
        "qu'est-ce que j'ai aujourd'hui",
        "what do I have today?",
        [
            ("find_events", {"start": "2026-11-25", "end": "2026-11-25"}),
            ("find_todos", {"due_before": "2026-11-25"}),
        ],
        [
            "Rien à l'agenda aujourd'hui.",
            "Appeler maman — aujourd'hui à 18:00",
            "Payer le loyer — hier à 09:00 ⚠️",
        ],
        ["Acheter du pain", "Ranger la cave"],
    ),
    Question(
        "qu'est-ce que j'ai cette semaine",
        "what do I have this week?",
        [
            ("find_events", {"start": "2026-11-25", "end": "2026-11-29"}),
            ("find_todos", {"due_before": "2026-11-29"}),
        ],
        [
            "📅 Cette semaine",
            "10:00–11:00 Réunion client",
            "📋 Tâches pour cette semaine ou en retard (3)",
            "Acheter du pain",
        ],
        ["Piscine"],
    ),
    Question(
        "qu'est-ce que j'ai lundi",
        "what do I have on monday?",
        [
            ("find_events", {"start": "2026-11-30", "end": "2026-11-30"}),
            ("find_todos", {"due_after": "2026-11-30", "due_before": "2026-11-30"}),
        ],
        [
            "📅 Le lundi 30 novembre",
            "18:00–19:00 Piscine 🔁",
            "Aucune tâche pour le lundi 30 novembre.",
        ],
        ["Dentiste"],
    ),
    Question(
        "qu'est-ce que j'ai le 12",
        "what do I have on the 12th?",
        [
            ("find_events", {"start": "2026-12-12", "end": "2026-12-12"}),
            ("find_todos", {"due_after": "2026-12-12", "due_before": "2026-12-12"}),
        ],
        ["Rien le samedi 12 décembre."],
        ["Piscine", "Dentiste"],
    ),
    Question(
        "mon agenda de la semaine prochaine",
        "my schedule for next week",
        [("find_events", {"start": "2026-11-30", "end": "2026-12-06"})],
        ["📅 La semaine prochaine", "18:00–19:00 Piscine 🔁"],
        ["Dentiste", "Acheter du pain"],
    ),
    Question(
        "quelles tâches en retard",
        "which tasks are overdue?",
        [("find_todos", {"overdue": True})],
        ["📋 Tâches en retard (1)", "Payer le loyer — hier à 09:00 ⚠️"],
        ["Appeler maman", "Ranger la cave"],
    ),
    Question(
        "qu'est-ce qu'il me reste à faire aujourd'hui",
        "what's left to do today?",
        [("find_todos", {"due_before": "2026-11-25"})],
        ["📋 Tâches pour aujourd'hui ou en retard (2)", "Appeler maman", "Payer le loyer"],
        ["Acheter du pain", "Lire un livre", "Ranger la cave"],
    ),
    Question(
        "où en est le projet Portfolio",
        "how is Portfolio going?",
        [("project_overview", {"project_id": "p1"})],
        [
            "📁 Portfolio",
            "🪜 Étapes : à faire 1 · en cours 1 · fait 1",
            "• en cours : Maquette",
            "💡 Idées (1) : « Mode sombre »",
            "Écrire l'intro",
        ],
        ["Acheter du pain"],
    ),
    Question(
        "j'ai pris mes médocs hier ?",
        "did I take my meds yesterday?",
        [("find_checkins", {"start": "2026-11-24", "end": "2026-11-24"})],
        ["💊 Hier : médicaments pris ✅"],
    ),
    Question(
        "les nouvelles offres",
        "new job offers",
        [("find_job_offers", {"status": "new"})],
        ["💼 Nouvelles offres (1)", "• Développeur Python — Acme · Paris"],
        ["Rust", "Lead dev", "Stage PHP"],
    ),
]

FORMS = [(q.french, q) for q in QUESTIONS] + [(q.english, q) for q in QUESTIONS]
IDS = [text for text, _ in FORMS]


async def ask(client: Client, auth: dict[str, str], text: str) -> dict[str, Any]:
    response = await client.post("/ai/command", json={"text": text}, headers=auth)
    body = await response.json()
    assert response.status == 200, body
    return dict(body)


def check(answer: dict[str, Any], question: Question) -> None:
    assert answer["proposal_id"] is None and answer["actions"] == []
    fns = [found["fn"] for found in answer["answer"]["results"]]
    assert fns == [fn for fn, _ in question.calls]
    for words in question.says:
        assert words in answer["message"], (words, answer["message"])
    for words in question.never:
        assert words not in answer["message"], (words, answer["message"])
    assert "<" not in answer["message"]  # plain text, not Telegram's HTML


@pytest.mark.parametrize(("text", "question"), FORMS, ids=IDS)
async def test_the_offline_parser_answers_from_the_rows(
    client: Client,
    auth: dict[str, str],
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
    text: str,
    question: Question,
) -> None:
    await seed(sessionmaker, clock)

    answer = await ask(client, auth, text)

    check(answer, question)
    assert answer["model_name"] == "offline-parser"
    logged = [a for a in await all_rows(sessionmaker, AiAction) if a.status == "answered"]
    assert sorted(a.function_name for a in logged) == sorted(fn for fn, _ in question.calls)
    assert {a.proposal_id for a in logged} == {uuid.UUID(answer["answer"]["question_id"])}


@pytest.fixture
async def mistral() -> AsyncIterator[FakeMistral]:
    async with FakeMistral.start() as fake:
        yield fake


@pytest.fixture
async def ai(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: Sessionmaker,  # noqa: ARG001 - starts from an empty database
    mistral: FakeMistral,
) -> AsyncIterator[Client]:
    settings = settings.model_copy(
        update={"mistral_api_key": SecretStr(mistral.api_key), "mistral_base_url": mistral.url}
    )
    app = create_app(settings, clock=clock, run_migrations=False)
    app[AGENT_POLICY] = RetryPolicy(timeout=2, attempts=1, backoff=0.01)
    with override_allow_model_requests(True):
        async with TestClient(TestServer(app)) as client:
            yield client


@pytest.mark.parametrize(("text", "question"), FORMS, ids=IDS)
async def test_mistral_asks_and_one_request_answers(
    ai: Client,
    auth: dict[str, str],
    mistral: FakeMistral,
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
    text: str,
    question: Question,
) -> None:
    await seed(sessionmaker, clock)
    mistral.push(ToolCalls(question.calls, content="Voici ce que je trouve."))

    answer = await ask(ai, auth, text)

    check(answer, question)
    assert len(mistral.requests) == 1  # the rows are rendered by code: no second request
    assert answer["model_requests"] == 1
    assert answer["message"].startswith("Voici ce que je trouve.\n\n")
    assert answer["answer"]["sentence"] == "Voici ce que je trouve."
    [first, *_] = [a for a in await all_rows(sessionmaker, AiAction) if a.position == 0]
    assert first.status == "answered" and first.tokens_in  # the question carries the bill


async def test_a_question_and_an_action_get_the_answer_and_the_card(
    ai: Client,
    auth: dict[str, str],
    mistral: FakeMistral,
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
) -> None:
    await seed(sessionmaker, clock)
    mistral.push(
        ToolCalls(
            [
                ("find_events", TOMORROW),
                ("create_todo", {"title": "Acheter du lait", "due_at": "2026-11-26T09:00"}),
            ]
        )
    )

    answer = await ask(ai, auth, "j'ai quoi demain ? et ajoute acheter du lait")

    assert len(mistral.requests) == 1
    assert "15:00–16:00 Dentiste" in answer["message"]
    [action] = answer["actions"]
    assert action["fn"] == "create_todo" and answer["proposal_id"] is not None
    assert action["args"]["due_at"] == "2026-11-26T09:00:00+01:00"  # local time, the owner's zone
    rows = await all_rows(sessionmaker, AiAction)
    asked = [r for r in rows if r.status == "answered"]
    proposed = [r for r in rows if r.status == "proposed"]
    assert [r.function_name for r in asked] == ["find_events"]
    assert asked[0].result == {"total": 2, "proposal_id": answer["proposal_id"]}
    assert proposed[0].tokens_in and asked[0].tokens_in is None  # the bill is counted once
    [used] = await all_rows(sessionmaker, AiUsage)  # and so is its usage
    assert (used.kind, used.requests, used.input_tokens) == ("chat", 1, proposed[0].tokens_in)

    confirm = {"proposal_id": answer["proposal_id"]}
    response = await ai.post("/ai/command/confirm", json=confirm, headers=auth)
    assert response.status == 200
    assert [t.title for t in await all_rows(sessionmaker, Todo) if t.title == "Acheter du lait"]


async def test_offline_a_question_and_an_action_in_one_message(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    await seed(sessionmaker, clock)

    answer = await ask(client, auth, "j'ai quoi demain ? et ajoute acheter du pain")

    assert "Dentiste" in answer["message"]
    [action] = answer["actions"]
    assert (action["fn"], action["args"]["title"]) == ("create_todo", "Acheter du pain")


async def test_an_empty_answer_says_so_plainly(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker
) -> None:
    answer = await ask(client, auth, "qu'est-ce que j'ai demain ?")

    assert answer["message"] == "Rien demain."
    assert [found["total"] for found in answer["answer"]["results"]] == [0, 0]
    assert await count(sessionmaker, AiAction, AiAction.status == "answered") == 2


async def test_the_models_own_words_never_say_what_the_rows_do_not(
    ai: Client,
    auth: dict[str, str],
    mistral: FakeMistral,
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
) -> None:
    await seed(sessionmaker, clock)
    invented = "Tu as 3 rendez-vous demain, dont « Yoga » à 8h."
    mistral.push(ToolCalls([("find_events", TOMORROW)], content=invented))

    answer = await ask(ai, auth, "qu'est-ce que j'ai demain ?")

    assert answer["answer"]["sentence"] is None
    assert "Yoga" not in answer["message"] and "3" not in answer["message"]
    assert answer["message"].startswith("📅 Demain")


async def test_a_reply_that_calls_no_query_never_states_what_no_row_holds(
    ai: Client, auth: dict[str, str], mistral: FakeMistral
) -> None:
    mistral.push(Text("Tu as 3 rendez-vous demain, dont « Yoga » à 8h."))
    invented = await ask(ai, auth, "qu'est-ce que j'ai demain ?")
    assert invented["answer"] is None and invented["actions"] == []
    assert invented["message"] == NOTHING_PROPOSED

    mistral.push(Text("Pour quel jour ? Je regarde dès que tu me le dis."))
    asked_back = await ask(ai, auth, "qu'est-ce que j'ai ?")
    assert asked_back["message"] == "Pour quel jour ?"
    assert len(mistral.requests) == 2  # one request per message


async def test_answers_read_as_french_one_or_many_done_or_late(
    ai: Client,
    auth: dict[str, str],
    mistral: FakeMistral,
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
) -> None:
    await seed(sessionmaker, clock)
    calls = [
        ("find_todos", {"tag": "inexistant"}),
        ("find_todos", {"status": "archived"}),
        ("find_todos", {"due_after": "2027-01-01T00:00:00+01:00"}),
        ("find_todos", {"status": "done"}),
        ("find_job_offers", {"starred": True}),
        ("find_job_offers", {"starred": True, "text": "cobol"}),
    ]
    mistral.push(ToolCalls(calls))

    message = (await ask(ai, auth, "et mes tâches ?"))["message"]

    assert "Aucune tâche ouverte #inexistant." in message
    assert "Aucune tâche archivée." in message
    assert "Aucune tâche due après vendredi 1er janvier 2027 à 00:00." in message
    assert "Tâches faites (1)\n• Ranger la cave — lundi 23 novembre à 09:00\n" in message
    assert "Offres favorites (1)\n• ⭐ Développeuse Rust" in message
    assert "Aucune offre favorite « cobol »." in message


async def test_every_filter_of_the_queries_narrows_the_rows(
    ai: Client,
    auth: dict[str, str],
    mistral: FakeMistral,
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
) -> None:
    week = await seed(sessionmaker, clock)
    month = {"start": "2026-11-01", "end": "2026-12-31"}
    calls: list[tuple[str, dict[str, Any]]] = [
        ("find_events", {**month, "text": "dentiste"}),
        ("find_todos", {"text": "pain"}),
        ("find_todos", {"status": "doing", "project_id": "p1"}),
        ("find_todos", {"due_before": "2026-11-25T00:00:00+01:00", "status": "todo"}),
        ("find_job_offers", {"text": "rust"}),
        ("find_job_offers", {"starred": False}),
    ]
    mistral.push(ToolCalls(calls))

    answer = (await ask(ai, auth, "et alors ?"))["answer"]

    # Sorted: offers found at the same moment come in no particular order.
    titles = [sorted(row["title"] for row in found["rows"]) for found in answer["results"]]
    assert titles == [
        ["Dentiste"],
        ["Acheter du pain"],
        ["Écrire l'intro"],
        ["Payer le loyer"],
        ["Développeuse Rust"],
        ["Développeur Python", "Lead dev"],
    ]
    assert answer["results"][2]["args"]["project_id"] == str(week.portfolio)


async def test_the_answer_holds_the_rows_as_json(
    client: Client, auth: dict[str, str], sessionmaker: Sessionmaker, clock: FrozenClock
) -> None:
    week = await seed(sessionmaker, clock)

    answer = await ask(client, auth, "mon agenda de la semaine prochaine")

    [found] = answer["answer"]["results"]
    assert found["fn"] == "find_events" and found["total"] == 1
    assert found["args"] == {
        "start": "2026-11-30T00:00:00+01:00",
        "end": "2026-12-07T00:00:00+01:00",
    }
    [row] = found["rows"]
    assert row == {
        "event_id": str(week.pool),
        "title": "Piscine",
        "starts_at": "2026-11-30T18:00:00+01:00",
        "ends_at": "2026-11-30T19:00:00+01:00",
        "all_day": False,
        "location": None,
        "recurring": True,
        "source": "ordinarthur-os",
    }
    assert set(answer["answer"]) == {"question_id", "sentence", "results"}
    assert "query" not in found and "records" not in found


DAY = "2026-11-26"


@pytest.mark.parametrize(
    "call",
    [
        ("project_overview", {"project_id": "p9"}),
        ("find_todos", {"project_id": "p9"}),
        ("find_todos", {"project_id": "p9", "due_after": DAY, "due_before": DAY}),
    ],
    ids=["project_overview", "find_todos", "find_todos_tomorrow"],
)
async def test_a_question_about_an_unknown_project_costs_one_request_and_says_so(
    ai: Client,
    auth: dict[str, str],
    mistral: FakeMistral,
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
    call: Call,
) -> None:
    await seed(sessionmaker, clock)
    mistral.push(ToolCalls([call]))

    answer = await ask(ai, auth, "où en est le projet Jardin ?")

    assert len(mistral.requests) == 1 and answer["model_requests"] == 1  # no retry
    assert answer["message"].endswith("Je ne connais pas de projet « p9 ».")
    assert "Rien" not in answer["message"] and "D'accord" not in answer["message"]
    [found] = answer["answer"]["results"]
    assert (found["fn"], found["total"], found["rows"]) == (call[0], 0, [])
    assert found["args"]["project_id"] == "p9"
    logged = [a for a in await all_rows(sessionmaker, AiAction) if a.status == "answered"]
    assert [a.function_name for a in logged] == [call[0]]


async def test_an_action_on_an_unknown_project_is_still_sent_back_to_the_model(
    ai: Client,
    auth: dict[str, str],
    mistral: FakeMistral,
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
) -> None:
    await seed(sessionmaker, clock)
    mistral.push(
        ToolCalls([("add_project_idea", {"project_id": "p9", "content": "Serre"})]),
        ToolCalls([("add_project_idea", {"project_id": "p1", "content": "Serre"})]),
    )

    answer = await ask(ai, auth, "idée pour le projet Portfolio : serre")

    assert len(mistral.requests) == 2  # the write's project is corrected by the model
    [action] = answer["actions"]
    assert action["fn"] == "add_project_idea" and action["args"]["content"] == "Serre"


@pytest.mark.parametrize(
    "text",
    [
        "où en est le projet Jardin ?",
        "how is the project Jardin going?",
        "status of project Jardin",
    ],
)
async def test_offline_a_question_about_an_unknown_project_says_so(
    client: Client,
    auth: dict[str, str],
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
    text: str,
) -> None:
    await seed(sessionmaker, clock)

    answer = await ask(client, auth, text)

    assert answer["message"] == "📁 Je ne connais pas de projet « Jardin »."
    [found] = answer["answer"]["results"]
    assert (found["fn"], found["total"], found["args"]) == (
        "project_overview",
        0,
        {"project_id": "Jardin"},
    )


async def test_a_paused_project_the_prompt_does_not_list_is_found_by_its_name(
    client: Client,
    ai: Client,
    auth: dict[str, str],
    mistral: FakeMistral,
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
) -> None:
    await seed(sessionmaker, clock)
    async with sessionmaker.begin() as session:
        garden = await projects.create_project(
            session=session, data={"name": "Jardin", "status": "paused"}
        )
        await projects.add_step(
            session=session,
            project_id=garden.id,
            title="Tailler la haie",
            status="todo",
            now=clock.now(),
        )

    offline = await ask(client, auth, "où en est le projet jardin ?")
    mistral.push(ToolCalls([("find_todos", {"project_id": "jardin"})]))
    online = await ask(ai, auth, "quoi de neuf côté jardin ?")

    assert offline["message"].startswith("📁 Jardin")
    assert "Je ne connais pas" not in offline["message"]
    assert "Tailler la haie" in offline["message"]
    assert offline["answer"]["results"][0]["total"] == 1
    assert "Je ne connais pas" not in online["message"]
    assert online["answer"]["results"][0]["subject"] == "Jardin"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("ajoute acheter du pain et dis-moi ce que j'ai demain", "Acheter du pain"),
        ("ajoute acheter du pain et qu'est-ce que j'ai demain ?", "Acheter du pain"),
        ("add buy bread and what do I have tomorrow?", "Buy bread"),
    ],
)
async def test_offline_a_question_after_an_action_is_answered_not_put_in_the_todo(
    client: Client,
    auth: dict[str, str],
    sessionmaker: Sessionmaker,
    clock: FrozenClock,
    text: str,
    title: str,
) -> None:
    await seed(sessionmaker, clock)

    answer = await ask(client, auth, text)

    [action] = answer["actions"]
    assert (action["fn"], action["args"]["title"]) == ("create_todo", title)
    assert "due_at" not in action["args"] or action["args"]["due_at"] is None
    assert [found["fn"] for found in answer["answer"]["results"]] == ["find_events", "find_todos"]
    assert "15:00–16:00 Dentiste" in answer["message"]
