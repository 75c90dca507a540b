"""Inline keyboards and their callback data (each packs to at most 64 bytes)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo


class ActionCb(CallbackData, prefix="act"):
    """A proposal card button. `op`: ok, edit, no, drop, undo. `item`: the action a drop is
    about; `dropped`: a bit mask of the actions already dropped from the card, so the card
    itself carries the owner's choice and no state is kept between taps."""

    op: str
    proposal: str
    item: int = -1
    dropped: int = 0


class VoiceCb(CallbackData, prefix="voice"):
    """Retry a transcription; `record` is the `voice_failures` row that kept the file id."""

    record: str


class TodoCb(CallbackData, prefix="todo"):
    op: str
    todo: str


class EnrichCb(CallbackData, prefix="enrich"):
    """✨ on a /todos line (`ask`, `id` the todo), then the draft's card (`ok` applies, `no`
    drops; `id` the draft)."""

    op: str
    id: str


class JobCb(CallbackData, prefix="job"):
    op: str
    job: str


class MedsCb(CallbackData, prefix="meds"):
    """Medication buttons: taken, snooze, skip; `day` is the ISO day they are about."""

    op: str
    day: str


def short(ident: uuid.UUID) -> str:
    return ident.hex


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def proposal_card(proposal_id: uuid.UUID, count: int, dropped: int = 0) -> InlineKeyboardMarkup:
    p = short(proposal_id)
    rows = [
        [
            _button("✅ Confirmer", ActionCb(op="ok", proposal=p, dropped=dropped)),
            _button("✏️ Modifier", ActionCb(op="edit", proposal=p)),
            _button("❌ Annuler", ActionCb(op="no", proposal=p)),
        ]
    ]
    kept = [i for i in range(count) if not dropped & (1 << i)]
    if len(kept) > 1:
        rows.append(
            [
                _button(
                    f"🗑 Retirer {i + 1}", ActionCb(op="drop", proposal=p, item=i, dropped=dropped)
                )
                for i in kept
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def undo_card(proposal_id: uuid.UUID) -> InlineKeyboardMarkup:
    data = ActionCb(op="undo", proposal=short(proposal_id))
    return InlineKeyboardMarkup(inline_keyboard=[[_button("↩️ Annuler", data)]])


def voice_retry(record_id: uuid.UUID) -> InlineKeyboardMarkup:
    data = VoiceCb(record=short(record_id))
    return InlineKeyboardMarkup(inline_keyboard=[[_button("🔁 Réessayer", data)]])


def todo_done(todos: Sequence[tuple[uuid.UUID, str]]) -> InlineKeyboardMarkup:
    rows = [[_button(f"✅ {label[:40]}", TodoCb(op="done", todo=short(i)))] for i, label in todos]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def with_enrich_buttons(
    markup: InlineKeyboardMarkup, todo_ids: Sequence[uuid.UUID]
) -> InlineKeyboardMarkup:
    """A /todos keyboard (one row per todo, in order) with ✨ at the end of each row."""
    rows = [
        [*row, _button("✨ Enrichir", EnrichCb(op="ask", id=short(todo_id)))]
        for row, todo_id in zip(markup.inline_keyboard, todo_ids, strict=True)
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def enrich_card(draft_id: uuid.UUID) -> InlineKeyboardMarkup:
    d = short(draft_id)
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button("✅ Appliquer", EnrichCb(op="ok", id=d)),
                _button("❌ Ignorer", EnrichCb(op="no", id=d)),
            ]
        ]
    )


def job_buttons(job_id: uuid.UUID, *, starred: bool) -> InlineKeyboardMarkup:
    j = short(job_id)
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button("★ Retirer" if starred else "⭐ Favori", JobCb(op="star", job=j)),
                _button("🗄 Archiver", JobCb(op="archive", job=j)),
            ]
        ]
    )


def meds_reminder(day: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button("✅ Pris", MedsCb(op="taken", day=day)),
                _button("⏰ +30 min", MedsCb(op="snooze", day=day)),
                _button("⏭️ Pas aujourd'hui", MedsCb(op="skip", day=day)),
            ]
        ]
    )


def meds_toggle(day: str, *, taken: bool) -> InlineKeyboardMarkup:
    label = "↩️ Pas encore pris" if taken else "💊 Pris"
    return InlineKeyboardMarkup(inline_keyboard=[[_button(label, MedsCb(op="toggle", day=day))]])


def open_app(url: str, text: str) -> InlineKeyboardMarkup:
    """One button that opens the PWA inside Telegram, signed in (a `web_app` button)."""
    button = InlineKeyboardButton(text=text, web_app=WebAppInfo(url=url))
    return InlineKeyboardMarkup(inline_keyboard=[[button]])
