"""The offline parser as a pydantic-ai model, so it goes through the same agent, tools and
validation as Mistral: it answers with tool calls for what `offline_parser.parse` understood,
or with a sentence when it understood nothing.

One model is built per request: it carries the text to parse (the owner's words, not the
framed prompt), the current time and the projects.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    ModelResponsePart,
    RetryPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel

from agent.offline_parser import parse
from agent.situation import ProjectRef

OFFLINE_MODEL_NAME = "offline-parser"
NOTHING_UNDERSTOOD = (
    "Je n'ai rien compris que je sache faire. Essaie par exemple : « ajoute acheter du pain "
    "demain », « rdv dentiste jeudi 14h », « idée pour Portfolio : … », « j'ai pris mes médocs »."
)


def _is_retry(messages: Sequence[ModelMessage]) -> bool:
    """Whether the agent sent back arguments it refused (the parser would only repeat them)."""
    last = messages[-1] if messages else None
    if not isinstance(last, ModelRequest):
        return False
    return any(
        isinstance(p, RetryPromptPart)
        or (isinstance(p, ToolReturnPart) and p.outcome == "retried")
        for p in last.parts
    )


def offline_model(text: str, *, now: datetime, projects: Sequence[ProjectRef]) -> FunctionModel:
    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:  # noqa: ARG001
        parsed = [] if _is_retry(messages) else parse(text, now=now, projects=projects)
        parts: list[ModelResponsePart]
        if parsed:
            parts = [
                ToolCallPart(p.fn, p.args, tool_call_id=f"offline{i}")
                for i, p in enumerate(parsed)
            ]
        else:
            parts = [TextPart(NOTHING_UNDERSTOOD)]
        return ModelResponse(parts=parts)

    return FunctionModel(respond, model_name=OFFLINE_MODEL_NAME)
