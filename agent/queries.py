"""The five questions the agent may ask the database, one pydantic model of arguments each.

Like the actions' models (agent/actions.py), each one is the single source of truth for its
query: the tool schema the model reads, the validation of what the model (or the offline parser)
asked, and the JSON the API shows. Times are the owner's wall-clock time, like the actions'.

A query is read-only: it never waits for the owner's ✅. The model's calls of these tools are
deferred like the actions' (agent/tools.py) so that the run ends after its one request; the
service runs them itself (agent/reads.py) and renders the answer from the rows.

A project a query names that is not in the prompt's list (an alias not there, or a name the
offline parser read) is no error to correct: the query keeps the name it was given, and
agent/reads.py looks it up among every project by name (a paused or archived one is not in the
prompt); when none has it, the question has an answer, "no such project" (`unknown_project`),
and the model is not asked again (a question costs one request). An action's project is still
refused, for the model to correct: a write must land in a real project.

Periods are [start, end). A date without a time as `end` (or `due_before`) includes that day
("2026-11-29" ends at the 30th's midnight): the model writes a day as people say it, "until
Sunday". An `end` at or before `start` means the whole day of `start`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from agent.actions import AwareDatetime, ProjectId, Tag, ValidationContext
from core.vocabulary import TodoStatus

# A project a query names: one of the owner's (by UUID or alias), or else the name as given.
UnknownProject = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]
QueryProjectId = Annotated[
    ProjectId | UnknownProject,
    Field(union_mode="left_to_right"),
    WithJsonSchema({"type": "string"}),  # what the model reads: ProjectId's compact schema
]
SearchText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

# find_job_offers' `status`: offers have no status column, only flags; this is how each word
# reads them (README, "Questions"):
#   new      neither archived, starred nor applied to (untouched since the scraper found it)
#   starred  starred and not archived
#   applied  applied to (`applied_at` set), archived or not
#   archived archived
JobStatus = Literal["new", "starred", "applied", "archived"]


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day_included(value: Any) -> Any:
    """A bare day as the end of a period: the midnight after it."""
    if isinstance(value, str) and _DAY.fullmatch(value.strip()):
        value = date.fromisoformat(value.strip())
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value + timedelta(days=1), time())
    return value


PeriodEnd = Annotated[AwareDatetime, BeforeValidator(_day_included)]


class QueryArgs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_json(self) -> dict[str, Any]:
        """The arguments as the audit trail stores them and clients see them."""
        return self.model_dump(mode="json", exclude_none=True)

    @property
    def unknown_project(self) -> str | None:
        """The name of a project asked about that the owner does not have."""
        project = getattr(self, "project_id", None)
        return project if isinstance(project, str) else None


def _day_end(moment: datetime) -> datetime:
    """The next midnight after `moment`'s day, in its zone (a DST day lasts 23 or 25 hours)."""
    assert moment.tzinfo is not None
    following = datetime.combine(moment.date() + timedelta(days=1), time())
    return following.replace(tzinfo=moment.tzinfo)


class _Period(QueryArgs):
    start: AwareDatetime
    end: PeriodEnd

    @model_validator(mode="after")
    def _whole_day_when_empty(self) -> Any:
        if self.end > self.start:
            return self
        return self.model_copy(update={"end": _day_end(self.start)})


# A tool's description is its argument model's docstring, and every request carries every
# tool's: a model whose tool name says it all has none.


class FindEventsArgs(_Period):
    text: SearchText | None = None


class FindTodosArgs(QueryArgs):
    """Tâches, ouvertes si status absent."""

    due_after: AwareDatetime | None = None
    due_before: PeriodEnd | None = None
    overdue: bool | None = None
    status: TodoStatus | None = None
    project_id: QueryProjectId | None = None
    tag: Tag | None = None
    text: SearchText | None = None


class ProjectOverviewArgs(QueryArgs):
    project_id: QueryProjectId


class FindCheckinsArgs(_Period):
    """Médicaments pris, par jour."""


class FindJobOffersArgs(QueryArgs):
    since: AwareDatetime | None = None
    text: SearchText | None = None
    status: JobStatus | None = None
    starred: bool | None = None


QUERY_MODELS: Mapping[str, type[QueryArgs]] = {
    "find_events": FindEventsArgs,
    "find_todos": FindTodosArgs,
    "project_overview": ProjectOverviewArgs,
    "find_checkins": FindCheckinsArgs,
    "find_job_offers": FindJobOffersArgs,
}


class UnknownQueryError(ValueError):
    def __init__(self, fn: str) -> None:
        super().__init__(f"unknown query {fn!r}; expected one of {', '.join(QUERY_MODELS)}")
        self.fn = fn


def validate_query(fn: str, args: Mapping[str, Any], context: ValidationContext) -> QueryArgs:
    """Validate one query's arguments. Raises `pydantic.ValidationError`, or
    `UnknownQueryError` for a name not of the five."""
    model = QUERY_MODELS.get(fn)
    if model is None:
        raise UnknownQueryError(fn)
    return model.model_validate(args, context=context)
