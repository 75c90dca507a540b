"""Splitting a message into parts, one action each."""

from __future__ import annotations

import re

from agent.offline_parser.classify import MEDS, STRONG_EVENTS
from agent.offline_parser.text import fold

# A match starts at the first blank of a run, never inside it (each start would read the run).
_SEPARATOR = re.compile(
    r"(?:(?<!\s)|(?!\s))\s*+[,.]\s++(?:(?:et|and)\s++)?(?:puis\s++|then\s++|aussi\s++|also\s++)?"
    r"|(?<!\s)\s++(?:et|and|puis|then)(?:\s++(?:puis|then|aussi|also))?\s++"
)


# Where a new action may start; "acheter du pain et du lait" stays one todo.
_SPLIT_CUE = re.compile(
    r"(?:(?:ajoute|rajoute|add|rappelle|remind|note|cree|create|planifie|schedule|todo|to-do"
    r"|tache|task|idee|idea|etape|step|rdv|rendez-vous|reunion|meeting|evenement|event"
    r"|appointment)\b|n'oublie|don't\s+forget|dont\s+forget"
    r"|(?:nouvelle|nouvel|nouveau|new|un|une|a|an)\s+(?:rdv|rendez-vous|reunion|meeting|tache"
    r"|todo|task|idee|idea|etape|step|evenement|event|rappel|reminder|appointment)\b"
    r"|(?:j'ai|jai|i)\s+(?:bien\s+|just\s+|already\s+|deja\s+)?(?:pris|took)\s+(?:mes|my)\b"
    rf"|(?:mes\s+)?{MEDS}\s+(?:pris|done|taken|ok)\b"
    rf"|(?:j'ai|i\s+have|i've\s+got)\s+(?:un|une|a|an)\s+{STRONG_EVENTS}\b)"
)


def split(message: str) -> list[str]:
    """Lines and ";" always separate parts; "et", "puis", "and", "," only before an action cue."""
    parts: list[str] = []
    for chunk in re.split(r"[\n;]+", message):
        parts.extend(_split_on_connectors(" ".join(chunk.split())))
    return [part for part in parts if part.strip()]


def _split_on_connectors(chunk: str) -> list[str]:
    folded = fold(chunk)
    parts, start = [], 0
    for match in _SEPARATOR.finditer(folded):
        if match.start() > start and _SPLIT_CUE.match(folded, match.end()):
            parts.append(chunk[start : match.start()])
            start = match.end()
    parts.append(chunk[start:])
    return parts
