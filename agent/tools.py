"""The pydantic-ai agent: the five actions of `agent.actions`, each requiring approval, and the
five read-only queries of `agent.queries`, deferred.

A run never executes a tool: it ends after the model's response with `DeferredToolRequests`
listing the validated calls — the actions in `approvals`, the queries in `calls` — or with the
model's text when it calls nothing. So a question costs one model request: the service runs the
queries itself (agent/reads.py) and renders the answer from the rows, with no second request
to summarise them; `agent.service.AgentService.apply` writes the actions after the owner
confirmed, with the same argument models.

Each tool takes one argument model, so the schema the model sees is that model's schema, and its
description is the model's docstring (the functions below have none on purpose).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from pydantic.json_schema import JsonSchemaMode, JsonSchemaValue
from pydantic_ai import Agent, CallDeferred, DeferredToolRequests, RunContext, Tool
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
from agent.queries import (
    FindCheckinsArgs,
    FindEventsArgs,
    FindJobOffersArgs,
    FindTodosArgs,
    ProjectOverviewArgs,
)

# The model may correct invalid arguments this many times within one run.
TOOL_RETRIES = 2


# Keys of the argument models' JSON schemas that the model does not need to read: validation
# enforces them and sends a clear error back within the run. Every tool schema goes out with
# every request, so they would cost tokens each time. Formats too: the system prompt says once
# how dates are written (agent/prompt.py), and project ids are short aliases (p1, …).
_UNREAD_KEYS = frozenset(
    {
        "title",
        "default",
        "minLength",
        "maxLength",
        "maxItems",
        "minimum",
        "maximum",
        "additionalProperties",
        "format",
    }
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
        elif key in _UNREAD_KEYS:
            continue
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

# The queries: deferred too, so that the run ends after the model's one request.


async def find_events(args: FindEventsArgs) -> str:  # noqa: ARG001
    raise CallDeferred


async def find_todos(args: FindTodosArgs) -> str:  # noqa: ARG001
    raise CallDeferred


async def project_overview(args: ProjectOverviewArgs) -> str:  # noqa: ARG001
    raise CallDeferred


async def find_checkins(args: FindCheckinsArgs) -> str:  # noqa: ARG001
    raise CallDeferred


async def find_job_offers(args: FindJobOffersArgs) -> str:  # noqa: ARG001
    raise CallDeferred


QUERY_FUNCTIONS = (find_events, find_todos, project_overview, find_checkins, find_job_offers)

ProposeAgent = Agent[Deps, str | DeferredToolRequests]


def _validation_context(ctx: RunContext[Deps]) -> ValidationContext:
    return ctx.deps.validation


_SCHEMA: dict[str, Any] = {"schema_generator": CompactToolSchema}


def build_agent() -> ProposeAgent:
    """A new agent; the model, instructions and deps are given per run."""
    return Agent(
        output_type=[str, DeferredToolRequests],
        deps_type=Deps,
        tools=[
            *(
                Tool(
                    f, takes_ctx=False, requires_approval=True, schema_generator=CompactToolSchema
                )
                for f in TOOL_FUNCTIONS
            ),
            *(
                Tool(f, takes_ctx=False, schema_generator=CompactToolSchema)
                for f in QUERY_FUNCTIONS
            ),
        ],
        retries={"tools": TOOL_RETRIES},
        validation_context=_validation_context,
        name="ordinarthur-os",
    )
