"""A todo's enrichment: the draft's card (nothing written yet), then the todo as the database
holds it once the draft is applied."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agent.enrich import EnrichDraft
from bot.render.escape import esc
from core.vocabulary import CONTEXT_LABELS, ENERGY_LABELS
from store.tables import Todo

# A card is one Telegram message (4096 characters at most): a long description, list or item
# is cut; the app shows them whole.
DESCRIPTION_SHOWN = 600
ITEMS_SHOWN = 10
ITEM_SHOWN = 100


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit].rstrip()}…"


def _shown(lines: Sequence[str]) -> list[str]:
    """The first lines, cut and escaped, then how many more."""
    more = len(lines) - ITEMS_SHOWN
    shown = [esc(_cut(line, ITEM_SHOWN)) for line in lines[:ITEMS_SHOWN]]
    return shown + ([f"   … et {more} de plus"] if more > 0 else [])


def _fields(values: Mapping[str, Any]) -> list[str]:
    """The enrichable fields (a draft's, or a todo row's), one block each, escaped."""
    lines: list[str] = []
    if values.get("description"):
        lines += [f"<i>{esc(_cut(str(values['description']).strip(), DESCRIPTION_SHOWN))}</i>", ""]
    checklist = [i for i in values.get("checklist") or [] if isinstance(i, dict)]
    if checklist:
        lines += _shown([f"{'☑' if i.get('done') else '☐'} {i.get('text')}" for i in checklist])
    details = []
    if energy := values.get("energy"):
        details.append(f"⚡ énergie {ENERGY_LABELS.get(energy, energy)}")
    if context := values.get("context"):
        label = CONTEXT_LABELS.get(context)
        details.append(f"📍 {esc(_cut(context, 40))}" + (f" ({label})" if label else ""))
    tags = list(values.get("tags") or [])
    details += [f"#{esc(_cut(t, 40))}" for t in tags[:ITEMS_SHOWN]]
    if details:
        lines.append(" · ".join(details))
    steps = values.get("verification_steps") or []
    if steps:
        lines += ["🔎 Pour vérifier :", *_shown([f"• {step}" for step in steps])]
    return lines


def draft_card(title: str, draft: EnrichDraft) -> str:
    """The draft, before ✅: what the todo will hold once applied."""
    lines = [f"✨ <b>Enrichir « {esc(title)} »</b>", ""]
    lines += _fields(draft.values()) or ["(rien à ajouter)"]
    lines += ["", "<i>Rien n'est enregistré avant ✅.</i>"]
    return "\n".join(lines)


def enriched_text(todo: Todo) -> str:
    """After ✅: the todo as written."""
    values = {
        "description": todo.description,
        "checklist": todo.checklist,
        "energy": todo.energy,
        "context": todo.context,
        "tags": todo.tags,
        "verification_steps": todo.verification_steps,
    }
    return "\n".join([f"✅ <b>Tâche enrichie : « {esc(todo.title)} »</b>", "", *_fields(values)])
