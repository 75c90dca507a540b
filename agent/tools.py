"""The pydantic-ai agent: exactly the five actions of `agent.actions`, each requiring approval.

A run never executes a tool: it ends with `DeferredToolRequests` listing the validated calls (or
with the model's text when it proposes nothing). `agent.service.AgentService.apply` does the
writing, after the owner confirmed, with the same argument models.

Each tool takes one argument model, so the schema the model sees is that model's schema, and its
description is the model's docstring (the functions below have none on purpose).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from pydantic.json_schema import JsonSchemaMode, JsonSchemaValue
from pydantic_ai import Agent, DeferredToolRequests, RunContext, Tool
from pydantic_ai.tools import GenerateToolJsonSchema
from pydantic_core import CoreSchema, core_schema

from agent.actions import (
    AddProjectIdeaArgs,
    AddProjectStepArgs,
    CreateCalendarEventArgs,
    CreateTodoArgs,
    ToggleDailyCheckinArgs,
    ValidationContext,
)

# The model may correct invalid arguments this many times within one run.
TOOL_RETRIES = 2


# Keys of the argument models' JSON schemas that the model does not need to read: validation
# enforces them and sends a clear error back within the run. Every tool schema goes out with
# every request, so they would cost tokens each time.
_UNREAD_KEYS = frozenset(
    {"title", "default", "minLength", "maxLength", "maxItems", "additionalProperties"}
)


def _compact(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_compact(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    compact: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("properties", "$defs"):  # names of fields, not schema keywords
            compact[key] = {name: _compact(sub) for name, sub in value.items()}
        elif key in _UNREAD_KEYS or (key, value) == ("format", "uuid"):
            continue  # project ids are given as short aliases (p1, …), not UUIDs
        else:
            compact[key] = value if key == "enum" else _compact(value)
    return compact


class CompactToolSchema(GenerateToolJsonSchema):
    """The tool schemas the model reads: the argument models' schemas, without bounds, titles
    and nullability (an optional argument is one the model leaves out)."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def generate(self, schema: CoreSchema, mode: JsonSchemaMode = "validation") -> JsonSchemaValue:
        return _compact(super().generate(schema, mode))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Deps:
    validation: ValidationContext


def _never_runs(fn: str) -> NoReturn:
    raise AssertionError(f"{fn} requires approval; AgentService.apply executes it")


async def create_todo(args: CreateTodoArgs) -> str:  # noqa: ARG001
    _never_runs("create_todo")


async def add_project_idea(args: AddProjectIdeaArgs) -> str:  # noqa: ARG001
    _never_runs("add_project_idea")


async def add_project_step(args: AddProjectStepArgs) -> str:  # noqa: ARG001
    _never_runs("add_project_step")


async def create_calendar_event(args: CreateCalendarEventArgs) -> str:  # noqa: ARG001
    _never_runs("create_calendar_event")


async def toggle_daily_checkin(args: ToggleDailyCheckinArgs) -> str:  # noqa: ARG001
    _never_runs("toggle_daily_checkin")


TOOL_FUNCTIONS = (
    create_todo,
    add_project_idea,
    add_project_step,
    create_calendar_event,
    toggle_daily_checkin,
)

ProposeAgent = Agent[Deps, str | DeferredToolRequests]


def _validation_context(ctx: RunContext[Deps]) -> ValidationContext:
    return ctx.deps.validation


def build_agent() -> ProposeAgent:
    """A new agent; the model, instructions and deps are given per run."""
    return Agent(
        output_type=[str, DeferredToolRequests],
        deps_type=Deps,
        tools=[
            Tool(f, takes_ctx=False, requires_approval=True, schema_generator=CompactToolSchema)
            for f in TOOL_FUNCTIONS
        ],
        retries={"tools": TOOL_RETRIES},
        validation_context=_validation_context,
        name="ordinarthur-os",
    )
