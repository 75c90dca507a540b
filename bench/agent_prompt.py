"""Size of the first model request of a proposal: system prompt + user message + tool schemas;
and of a todo's enrichment request (its one request: instructions, the todo, the draft schema).

    .venv/bin/python -m bench.agent_prompt

The request is the one the real mistralai SDK sends (captured by the fake Mistral server of
`tests/fakes`), for an owner with 0, 8 and 20 active projects. Tokens are counted with Mistral's
own Tekken tokenizer from `mistral-common` (`pip install mistral-common`, it ships the
vocabulary, no download), encoding the request as the model sees it (tools included); without
it, the bench says so and falls back to characters / 4. Aim: <= 1,500 tokens.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from pydantic_ai.models import override_allow_model_requests

from agent.service import AgentService
from bench._agent import clock, database
from integrations.mistral import mistral_model
from store import projects as projects_q
from store import todos as todos_q
from store.db import create_engine, create_sessionmaker
from tests.fakes.mistral import FakeMistral, ToolCalls

AIM = 1500
MESSAGE = "ajoute acheter du pain demain et rdv dentiste jeudi 14h"
PROJECT_NAMES = [
    "Portfolio",
    "Blog technique",
    "Refonte CV",
    "Appartement",
    "Side project SaaS",
    "Formation Rust",
    "Mission freelance Acme",
    "Vacances été",
]


Counter = Callable[[dict[str, Any]], int]


def tekken_counter() -> Counter | None:
    try:
        from mistral_common.protocol.instruct.messages import SystemMessage, UserMessage
        from mistral_common.protocol.instruct.request import ChatCompletionRequest
        from mistral_common.protocol.instruct.tool_calls import Function, Tool
        from mistral_common.tokens.tokenizers.mistral import MistralTokenizer
        from mistral_common.tokens.tokenizers.tekken import Tekkenizer
    except ImportError:
        return None
    import mistral_common

    vocab = f"{mistral_common.__path__[0]}/data/tekken_240911.json"
    tokenizer = MistralTokenizer.from_file(vocab)
    assert isinstance(tokenizer.instruct_tokenizer.tokenizer, Tekkenizer)

    def count(body: dict[str, Any]) -> int:
        messages: list[Any] = []
        for m in body["messages"]:
            cls = SystemMessage if m["role"] == "system" else UserMessage
            messages.append(cls(content=m["content"]))
        tools = [Tool(function=Function(**t["function"])) for t in body["tools"]]
        request = ChatCompletionRequest(messages=messages, tools=tools)
        return len(tokenizer.encode_chat_completion(request).tokens)

    return count


def chars_counter(body: dict[str, Any]) -> int:
    text = json.dumps(body["messages"], ensure_ascii=False) + json.dumps(
        body["tools"], ensure_ascii=False
    )
    return len(text) // 4


async def first_request(url: str, projects: int) -> dict[str, Any]:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with sessionmaker() as session, session.begin():
            for old in await projects_q.list_projects(session=session):
                await projects_q.delete_project(session=session, project_id=old.id)
            for name in (PROJECT_NAMES * 3)[:projects]:
                await projects_q.create_project(session=session, data={"name": name})
        async with FakeMistral.start() as fake:
            fake.push(ToolCalls([("create_todo", {"title": "Pain"})]))
            model = mistral_model(
                api_key=fake.api_key, model_name="mistral-small-latest", base_url=fake.url
            )
            service = AgentService(sessionmaker=sessionmaker, clock=clock(), model=model)
            with override_allow_model_requests(True):
                async with model:
                    await service.propose(MESSAGE)
            return fake.requests[0]
    finally:
        await engine.dispose()


async def measure(url: str, tekken: Counter | None) -> None:
    for projects in (0, 8, 20):
        body = await first_request(url, projects)
        system = next(m["content"] for m in body["messages"] if m["role"] == "system")
        tools = json.dumps(body["tools"], ensure_ascii=False)
        tokens = tekken(body) if tekken else chars_counter(body)
        tool_only = (
            tekken({**body, "messages": [{"role": "user", "content": "."}]})
            if tekken
            else len(tools) // 4
        )
        verdict = "ok" if tokens <= AIM else "OVER"
        print(  # noqa: T201
            f"{projects:2d} projects: first request {tokens:5d} tokens "
            f"({'Tekken' if tekken else 'chars/4'}; aim <= {AIM}: {verdict}) | "
            f"tools alone ~{tool_only} tokens, {len(tools)} chars | "
            f"system prompt {len(system)} chars | chars/4 estimate {chars_counter(body)}"
        )


# The enrichment's one request (POST /todos/{id}/ai-enrich): a typical todo, and one holding as
# much as the prompt shows of a todo (a long description, many steps).
ENRICH_TODOS = {
    "typical todo": {
        "title": "Déclaration d'impôts 2025",
        "description": "Avant le 28 mai. Penser aux frais réels cette année.",
        "checklist": [{"text": "Retrouver le numéro fiscal", "done": True}],
        "tags": ["admin", "impots"],
    },
    "largest todo": {
        "title": "Refonte du site " * 20,
        "description": "Notes de réunion. " * 300,
        "checklist": [{"text": f"Étape numéro {i} du chantier", "done": False} for i in range(40)],
        "verification_steps": [f"Vérification {i}" for i in range(40)],
        "tags": [f"tag{i}" for i in range(40)],
        "energy": "high",
        "context": "@laptop",
    },
}


async def enrich_request(url: str, todo: dict[str, Any]) -> dict[str, Any]:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with sessionmaker() as session, session.begin():
            now = clock().now()
            row = await todos_q.create_todo(session=session, data=dict(todo), now=now)
        async with FakeMistral.start() as fake:
            fake.push(ToolCalls([("final_result", {"energy": "med"})]))
            model = mistral_model(
                api_key=fake.api_key, model_name="mistral-small-latest", base_url=fake.url
            )
            service = AgentService(sessionmaker=sessionmaker, clock=clock(), model=model)
            with override_allow_model_requests(True):
                async with model:
                    await service.enricher.draft(row.id)
            return fake.requests[0]
    finally:
        await engine.dispose()


async def measure_enrich(url: str, tekken: Counter | None) -> None:
    for name, todo in ENRICH_TODOS.items():
        body = await enrich_request(url, todo)
        tokens = tekken(body) if tekken else chars_counter(body)
        schema = len(json.dumps(body["tools"], ensure_ascii=False))
        print(  # noqa: T201
            f"enrich, {name}: the request {tokens:5d} tokens "
            f"({'Tekken' if tekken else 'chars/4'}) | draft schema {schema} chars | "
            f"chars/4 estimate {chars_counter(body)}"
        )


def main() -> None:
    tekken = tekken_counter()
    if tekken is None:
        print("mistral-common is not installed: tokens ESTIMATED as characters / 4")  # noqa: T201
    with database() as url:
        asyncio.run(measure(url, tekken))
        asyncio.run(measure_enrich(url, tekken))


if __name__ == "__main__":
    main()
