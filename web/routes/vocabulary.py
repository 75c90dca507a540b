"""`GET /meta`: the vocabulary with its French labels, in display order, so that the PWA shows
the same words as the bot and keeps no copy of its own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from core import vocabulary as v
from web.api import Api
from web.models import Out

api = Api("meta")


class Term(Out):
    value: str | int
    label: str


class MetaOut(Out):
    todo_statuses: list[Term]
    step_statuses: list[Term]
    priorities: list[Term]
    energies: list[Term]
    contexts: list[Term]
    remote_types: list[Term]
    project_kinds: list[Term]
    action_statuses: list[Term]


def _terms(values: Iterable[str], labels: Mapping[str, str]) -> list[Term]:
    return [Term(value=value, label=labels[value]) for value in values]


META = MetaOut(
    todo_statuses=_terms(v.TODO_STATUSES, v.TODO_STATUS_LABELS),
    step_statuses=_terms(v.STEP_STATUSES, v.STEP_STATUS_LABELS),
    priorities=[Term(value=i, label=label) for i, label in enumerate(v.PRIORITY_LABELS)],
    energies=_terms(v.ENERGIES, v.ENERGY_LABELS),
    contexts=_terms(v.CONTEXT_LABELS, v.CONTEXT_LABELS),
    remote_types=_terms(v.REMOTE_TYPES, v.REMOTE_TYPE_LABELS),
    project_kinds=_terms(v.PROJECT_KINDS, v.PROJECT_KIND_LABELS),
    action_statuses=_terms(v.ACTION_STATUSES, v.ACTION_STATUS_LABELS),
)


@api.get("/meta")
async def get_meta() -> MetaOut:
    """Statuses, priorities, energies, the contexts offered first, remote types and project
    kinds, each with its French label (lower case), in the order to show them."""
    return META
