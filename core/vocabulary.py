"""The words the service stores and the owner reads, each defined once.

Every closed set of values is a `Literal` (what pydantic models and type checks use), the tuple
of its values in display order (what the tables' CHECKs and the kanban's columns use) and, for
what the owner reads, its French labels, in lower case: the bot writes them inside sentences,
the PWA capitalises them where they start a chip or a heading. The PWA reads them from
`GET /meta`, never from a copy of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Literal, get_args

TodoStatus = Literal["inbox", "todo", "doing", "done", "archived"]
TODO_STATUSES: tuple[TodoStatus, ...] = get_args(TodoStatus)
# Neither listed as open nor in the digest.
CLOSED_TODO_STATUSES: tuple[TodoStatus, ...] = ("done", "archived")
TODO_STATUS_LABELS: Mapping[str, str] = {
    "inbox": "inbox",
    "todo": "à faire",
    "doing": "en cours",
    "done": "faite",
    "archived": "archivée",
}

StepStatus = Literal["backlog", "todo", "doing", "review", "done"]
STEP_STATUSES: tuple[StepStatus, ...] = get_args(StepStatus)  # the kanban's columns, in order
STEP_STATUS_LABELS: Mapping[str, str] = {
    "backlog": "backlog",
    "todo": "à faire",
    "doing": "en cours",
    "review": "en revue",
    "done": "fait",
}

# A todo's priority is a number, higher is more urgent; NULL means none was given. The label
# of a priority is at its index.
PRIORITY_LABELS: tuple[str, ...] = ("basse", "normale", "haute", "urgente")
LOWEST_PRIORITY = 0
HIGHEST_PRIORITY = len(PRIORITY_LABELS) - 1

Energy = Literal["low", "med", "high"]
ENERGIES: tuple[Energy, ...] = get_args(Energy)
ENERGY_LABELS: Mapping[str, str] = {"low": "faible", "med": "moyenne", "high": "élevée"}
# Where, or with what, a todo gets done: the contexts offered first (the owner and the
# enrichment may write any other "@word").
CONTEXT_LABELS: Mapping[str, str] = {
    "@home": "à la maison",
    "@laptop": "sur l'ordi",
    "@phone": "au téléphone",
    "@errands": "en course",
    "@office": "au bureau",
}

RemoteType = Literal["remote", "hybrid", "onsite"]
REMOTE_TYPES: tuple[RemoteType, ...] = get_args(RemoteType)
REMOTE_TYPE_LABELS: Mapping[str, str] = {
    "remote": "remote",
    "hybrid": "hybride",
    "onsite": "sur site",
}

ProjectKind = Literal["freelance", "perso"]
PROJECT_KINDS: tuple[ProjectKind, ...] = get_args(ProjectKind)
PROJECT_KIND_LABELS: Mapping[str, str] = {"freelance": "freelance", "perso": "perso"}

# 'undone' (undone after a confirm) and 'superseded' (replaced by a corrected proposal) come
# after the four states of a proposal's life: proposed, then confirmed, cancelled or failed.
# 'answered': a question's query, run at once (read-only, nothing to confirm).
ActionStatus = Literal[
    "proposed", "confirmed", "cancelled", "failed", "undone", "superseded", "answered"
]
ACTION_STATUSES: tuple[ActionStatus, ...] = get_args(ActionStatus)
ACTION_STATUS_LABELS: Mapping[str, str] = {
    "proposed": "en attente",
    "confirmed": "confirmée",
    "cancelled": "annulée",
    "failed": "échec",
    "undone": "annulée après coup",
    "superseded": "remplacée",
    "answered": "répondue",
}

# "api": actions a client sent to run at once, with no proposal first (`POST /ai/command/confirm
# {actions}`).
ActionSource = Literal["telegram", "pwa", "api"]
ACTION_SOURCES: tuple[ActionSource, ...] = get_args(ActionSource)

# What a row of `ai_usage` accounts for: a run of the language model, or a transcription.
AiUsageKind = Literal["chat", "transcription"]
AI_USAGE_KINDS: tuple[AiUsageKind, ...] = get_args(AiUsageKind)

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)

# Why the Google sync stopped until the owner reconnects: the calendar was deleted in Google,
# or Google refused our refresh token (invalid_grant).
SyncStop = Literal["calendar_gone", "token_refused"]
SYNC_STOPS: tuple[SyncStop, ...] = get_args(SyncStop)


# ---------------------------------------------------------------- HH:MM

# What the API documents: two digits, a colon, two digits.
HHMM_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
_HHMM = re.compile(r"(\d{1,2}):(\d{2})")
# What a person types in a chat: '07:30', '7:30', '7h30', '7h', '7'.
_TYPED = re.compile(r"(\d{1,2})(?:[:h](\d{2})?)?")


def hhmm(value: time | datetime) -> str:
    """'07:30'."""
    return f"{value.hour:02d}:{value.minute:02d}"


def parse_hhmm(value: str, *, typed: bool = False) -> time:
    """'07:30' (or '7:30') → a time; `typed` also reads '7h30', '7h' and '7'.
    ValueError, saying the form expected, for anything else."""
    match = (_TYPED if typed else _HHMM).fullmatch(value.strip().lower())
    try:
        if match is None:
            raise ValueError(value)
        return time(int(match[1]), int(match[2] or 0))
    except ValueError:
        raise ValueError(f"{value!r} is not a time like 07:30") from None


def parse_hhmm_list(value: str, *, typed: bool = False) -> tuple[time, ...]:
    """'20:00, 09:00' → (09:00, 20:00): separated by commas or spaces, sorted, each once."""
    parts = (part for part in re.split(r"[,\s]+", value) if part)
    return tuple(sorted({parse_hhmm(part, typed=typed) for part in parts}))


# ---------------------------------------------------------------- a weekly moment

WEEKDAY_CODES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
# What the API documents: a weekday code, a space, HH:MM ("SUN 18:00").
WEEKLY_PATTERN = r"^(MON|TUE|WED|THU|FRI|SAT|SUN) ([01]\d|2[0-3]):[0-5]\d$"
# An event reminder rings up to a week before it (0: none).
MAX_EVENT_REMINDER_MINUTES = 7 * 24 * 60
_FRENCH_WEEKDAY_CODES = ("LUN", "MAR", "MER", "JEU", "VEN", "SAM", "DIM")


@dataclass(frozen=True)
class WeeklyTime:
    """A day of the week (0 = Monday) and a time: when the weekly review goes out."""

    weekday: int
    at: time

    def __str__(self) -> str:
        return f"{WEEKDAY_CODES[self.weekday]} {hhmm(self.at)}"


def parse_weekly(value: str) -> WeeklyTime:
    """'SUN 18:00' (or 'dim 18:00', 'sunday 18:00') → a WeeklyTime; ValueError otherwise."""
    day, _, moment = value.strip().partition(" ")
    code = day[:3].upper()
    for codes in (WEEKDAY_CODES, _FRENCH_WEEKDAY_CODES):
        if code in codes:
            return WeeklyTime(codes.index(code), parse_hhmm(moment, typed=True))
    raise ValueError(f"{value!r} is not a weekly time like SUN 18:00")
