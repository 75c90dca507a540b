"""The five actions the agent may propose, one pydantic model of arguments each.

These models are the single source of truth for an action's arguments: the tool signatures the
model sees (their docstrings and field descriptions are its manual), the validation of arguments
the model proposed or the owner edited, and the JSON schemas of the `/ai/*` routes.

Validation needs a context (`validation_context(tz, project_ids)`): a naive datetime is read as
wall-clock time in the owner's `TIMEZONE`, and, when `project_ids` is given, a `project_id`
outside it is refused so that the model, which only knows the ids listed in its prompt, retries.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, Literal, TypedDict
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    model_validator,
)

from core.recurrence import RRule
from core.vocabulary import (
    HIGHEST_PRIORITY,
    LOWEST_PRIORITY,
    MAX_EVENT_REMINDER_MINUTES,
    PRIORITY_LABELS,
    StepStatus,
)


class ValidationContext(TypedDict, total=False):
    tz: ZoneInfo
    project_ids: Collection[uuid.UUID]
    project_aliases: Mapping[str, uuid.UUID]


def project_aliases(project_ids: Sequence[uuid.UUID]) -> dict[str, uuid.UUID]:
    """Short ids for the prompt ("p1", "p2", …): a UUID costs the model some thirty tokens to
    read and to copy back, and a mistyped copy is a wrong project."""
    return {f"p{i}": project_id for i, project_id in enumerate(project_ids, start=1)}


def validation_context(
    tz: ZoneInfo, project_ids: Sequence[uuid.UUID] | None = None
) -> ValidationContext:
    """`project_ids`, for the model's answers: the projects listed in its prompt, the only
    ones it may name (by UUID or by their short alias)."""
    context = ValidationContext(tz=tz)
    if project_ids is not None:
        context["project_ids"] = frozenset(project_ids)
        context["project_aliases"] = project_aliases(project_ids)
    return context


def _context(info: ValidationInfo) -> ValidationContext:
    return info.context if isinstance(info.context, dict) else ValidationContext()  # type: ignore[return-value]


def _aware(value: datetime, info: ValidationInfo) -> datetime:
    tz = _context(info).get("tz")
    if tz is None:
        if value.tzinfo is None:
            raise ValueError("a date-time needs a UTC offset")
        return value
    if value.tzinfo is None:
        # The model and the owner speak in wall-clock time where the owner lives.
        return value.replace(tzinfo=tz)
    return value.astimezone(tz)


def _project_alias(value: Any, info: ValidationInfo) -> Any:
    aliases = _context(info).get("project_aliases") or {}
    if isinstance(value, str) and value.strip().lower() in aliases:
        return aliases[value.strip().lower()]
    return value


def _known_project(value: uuid.UUID, info: ValidationInfo) -> uuid.UUID:
    known = _context(info).get("project_ids")
    if known is not None and value not in known:
        raise ValueError("unknown project_id: use an id from the project list, or none")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
ProjectId = Annotated[uuid.UUID, BeforeValidator(_project_alias), AfterValidator(_known_project)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)
]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class ActionArgs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_json(self) -> dict[str, Any]:
        """The arguments as stored in `ai_actions.function_args` and sent to clients."""
        return self.model_dump(mode="json", exclude_none=True)


# A tool's description is its argument model's docstring, and every request carries every
# tool's: a model whose tool name says it all has none.


class CreateTodoArgs(ActionArgs):
    title: Title
    description: LongText | None = None
    due_at: AwareDatetime | None = None
    priority: int | None = Field(
        None,
        ge=LOWEST_PRIORITY,
        le=HIGHEST_PRIORITY,
        description=f"{LOWEST_PRIORITY} {PRIORITY_LABELS[LOWEST_PRIORITY]}, "
        f"{HIGHEST_PRIORITY} {PRIORITY_LABELS[HIGHEST_PRIORITY]}",
    )
    project_id: ProjectId | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    # How to fill these two: the system prompt says it once (agent/prompt.py).
    remind_at: AwareDatetime | None = None
    recurrence: RRule | None = None


class AddProjectIdeaArgs(ActionArgs):
    project_id: ProjectId
    content: LongText


class AddProjectStepArgs(ActionArgs):
    # A kanban card of the project (the prompt maps "étape" to this tool).

    project_id: ProjectId
    title: Title
    status: StepStatus | None = None  # backlog when none is said


class CreateCalendarEventArgs(ActionArgs):
    title: Title
    starts_at: AwareDatetime  # of the first occurrence, for a series (the prompt says so)
    ends_at: AwareDatetime
    location: Title | None = None
    description: LongText | None = None
    # The system prompt says how to write the rule, once for todos and events (agent/prompt.py).
    recurrence: RRule | None = Field(None, description="RRULE")
    reminder_minutes: int | None = Field(
        None, ge=0, le=MAX_EVENT_REMINDER_MINUTES, description="minutes avant, si demandé"
    )

    @model_validator(mode="after")
    def _ends_after_start(self) -> CreateCalendarEventArgs:
        if self.ends_at < self.starts_at:
            raise ValueError("ends_at must not be before starts_at")
        return self


class ToggleDailyCheckinArgs(ActionArgs):
    # Ticks the day's medication, or unticks it (the prompt maps "médicaments pris" here).

    note: LongText | None = None


ARGS_MODELS: Mapping[str, type[ActionArgs]] = {
    "create_todo": CreateTodoArgs,
    "add_project_idea": AddProjectIdeaArgs,
    "add_project_step": AddProjectStepArgs,
    "create_calendar_event": CreateCalendarEventArgs,
    "toggle_daily_checkin": ToggleDailyCheckinArgs,
}


class UnknownFunctionError(ValueError):
    def __init__(self, fn: str) -> None:
        super().__init__(f"unknown action {fn!r}; expected one of {', '.join(ARGS_MODELS)}")
        self.fn = fn


def validate_args(fn: str, args: Mapping[str, Any], context: ValidationContext) -> ActionArgs:
    """Validate one action's arguments.

    Raises `pydantic.ValidationError`, or `UnknownFunctionError` for a name not of the five.
    """
    model = ARGS_MODELS.get(fn)
    if model is None:
        raise UnknownFunctionError(fn)
    return model.model_validate(args, context=context)


# ---------------------------------------------------------------- actions as clients see them
# A `ProposedAction` is `{fn, args}` (the shape the API's clients know), plus the id of its
# `ai_actions` row.


WarningCode = Literal["overlap", "reminder_during_event"]


class ActionWarning(BaseModel):
    """Something the owner may want to know before ✅, computed when the card is built
    (agent/clashes.py); it never blocks the confirm. `overlap`: a proposed event overlaps this
    occurrence of an event; `reminder_during_event`: a todo's `remind_at` falls inside it."""

    model_config = ConfigDict(frozen=True)

    code: WarningCode
    event_id: uuid.UUID
    title: str
    starts_at: datetime = Field(description="the occurrence's start")
    ends_at: datetime


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: uuid.UUID
    warnings: list[ActionWarning] = Field(
        default_factory=list,
        description="clashes with the agenda, when proposed; never blocks the confirm (sent "
        "back with a confirm, they are ignored)",
    )


class CreateTodoAction(_Action):
    fn: Literal["create_todo"]
    args: CreateTodoArgs


class AddProjectIdeaAction(_Action):
    fn: Literal["add_project_idea"]
    args: AddProjectIdeaArgs


class AddProjectStepAction(_Action):
    fn: Literal["add_project_step"]
    args: AddProjectStepArgs


class CreateCalendarEventAction(_Action):
    fn: Literal["create_calendar_event"]
    args: CreateCalendarEventArgs


class ToggleDailyCheckinAction(_Action):
    fn: Literal["toggle_daily_checkin"]
    args: ToggleDailyCheckinArgs


ProposedAction = Annotated[
    CreateTodoAction
    | AddProjectIdeaAction
    | AddProjectStepAction
    | CreateCalendarEventAction
    | ToggleDailyCheckinAction,
    Field(discriminator="fn"),
]
PROPOSED_ACTION: TypeAdapter[ProposedAction] = TypeAdapter(ProposedAction)


def make_action(
    action_id: uuid.UUID,
    fn: str,
    args: ActionArgs,
    warnings: Sequence[ActionWarning] = (),
) -> ProposedAction:
    return PROPOSED_ACTION.validate_python(
        {"id": action_id, "fn": fn, "args": args, "warnings": list(warnings)}
    )


def action_json(action: ProposedAction) -> dict[str, Any]:
    return {"id": str(action.id), "fn": action.fn, "args": action.args.to_json()}


# ---------------------------------------------------------------- actions a client runs at once
# The one-step confirm, `{actions: [{fn, args}]}`: no proposal came first, so no id yet.


class _Call(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CreateTodoCall(_Call):
    fn: Literal["create_todo"]
    args: CreateTodoArgs


class AddProjectIdeaCall(_Call):
    fn: Literal["add_project_idea"]
    args: AddProjectIdeaArgs


class AddProjectStepCall(_Call):
    fn: Literal["add_project_step"]
    args: AddProjectStepArgs


class CreateCalendarEventCall(_Call):
    fn: Literal["create_calendar_event"]
    args: CreateCalendarEventArgs


class ToggleDailyCheckinCall(_Call):
    fn: Literal["toggle_daily_checkin"]
    args: ToggleDailyCheckinArgs


ActionCall = Annotated[
    CreateTodoCall
    | AddProjectIdeaCall
    | AddProjectStepCall
    | CreateCalendarEventCall
    | ToggleDailyCheckinCall,
    Field(discriminator="fn"),
]
