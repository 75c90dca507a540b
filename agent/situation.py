"""What one request is understood against: now, and the owner's projects.

The service builds it; the language model's prompt, the validation of the arguments and the
offline parser all read it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from agent.actions import ValidationContext
from agent.prompt import ProjectLine, system_prompt


@dataclass(frozen=True)
class ProjectRef:
    """A project the owner has, as the parser needs to recognise it by name."""

    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class Situation:
    """What one request's prompt and validation depend on: now, and the owner's projects."""

    now: datetime
    projects: Sequence[ProjectRef]
    validation: ValidationContext

    @property
    def aliases(self) -> dict[uuid.UUID, str]:
        """Project id → its short id in the prompt."""
        return {v: k for k, v in self.validation.get("project_aliases", {}).items()}

    def instructions(self) -> str:
        aliases = self.aliases
        lines = [ProjectLine(aliases[p.id], p.name) for p in self.projects]
        return system_prompt(now=self.now, projects=lines)
