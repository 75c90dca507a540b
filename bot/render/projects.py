"""Projects, their ideas and their kanban steps."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from bot.render.escape import esc
from core.vocabulary import STEP_STATUS_LABELS
from store.tables import ProjectStep

# Project names by id, as a proposal's prompt listed them or as the database holds them.
Projects = Mapping[uuid.UUID, str]


def project_name(project_id: Any, projects: Projects) -> str | None:
    """The project's name, escaped; None for a project these names do not hold."""
    name = projects.get(uuid.UUID(str(project_id))) if project_id is not None else None
    return esc(name) if name else None


def _for_project(project_id: Any, projects: Projects) -> str:
    return project_name(project_id, projects) or "un projet inconnu"


def describe_idea(args: Mapping[str, Any], projects: Projects) -> str:
    project = _for_project(args.get("project_id"), projects)
    return f"💡 Idée pour {project} : « {esc(str(args.get('content') or ''))} »"


def describe_step(args: Mapping[str, Any], projects: Projects) -> str:
    project = _for_project(args.get("project_id"), projects)
    status = str(args.get("status") or "backlog")
    column = STEP_STATUS_LABELS.get(status, STEP_STATUS_LABELS["backlog"])
    return f"🪜 Étape pour {project} ({column}) : « {esc(str(args.get('title') or ''))} »"


def step_in_progress_line(project: str, step: ProjectStep) -> str:
    return f"• {esc(project)} — {esc(step.title)}"
