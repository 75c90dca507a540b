"""Inline keyboards and their callback data (each packs to at most 64 bytes)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Self

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
    """A todo's button in a list. `op`: done, tomorrow. `view`: the message it is on, which
    the press redraws from the database: "l" a /todos list, "d<ISO day>" that day's digest
    (or /today); "" (buttons sent before views existed): nothing redrawn."""

    op: str
    todo: str
    view: str = ""

    @classmethod
    def unpack(cls, value: str) -> Self:
        # Buttons already in the chat from before `view` was added carry one part less.
        if value.count(cls.__separator__) == len(cls.model_fields) - 1:
            value += cls.__separator__
        return super().unpack(value)


class MoreTodosCb(CallbackData, prefix="tmore"):
    """The rest of a list: its todos that the message with this button does not show."""

    view: str


class ReminderCb(CallbackData, prefix="rem"):
    """A todo reminder's buttons. `op`: done, hour (+1 h), tomorrow, stop (the series).
    `at`: the reminder rung (epoch minutes), so that a second press of ⏰ moves nothing."""

    op: str
    todo: str
    at: int


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


# What a list's buttons say of each todo: its id, title, and whether it is done.
ListedTodo = tuple[uuid.UUID, str, bool]


def todo_rows(
    todos: Sequence[ListedTodo], view: str, *, enrich: bool = False
) -> list[list[InlineKeyboardButton]]:
    """One row per todo: ✅ and ⏰ Demain while open (and ✨ Enrichir with `enrich`); a done
    one keeps a ✓ button (which answers "déjà fait") so that the message still knows every
    todo it lists."""
    rows = []
    for ident, title, done in todos:
        todo = short(ident)
        if done:
            rows.append([_button(f"✓ {title[:40]}", TodoCb(op="done", todo=todo, view=view))])
            continue
        row = [
            _button(f"✅ {title[:30]}", TodoCb(op="done", todo=todo, view=view)),
            _button("⏰ Demain", TodoCb(op="tomorrow", todo=todo, view=view)),
        ]
        if enrich:
            row.append(_button("✨ Enrichir", EnrichCb(op="ask", id=todo)))
        rows.append(row)
    return rows


def more_row(view: str, count: int) -> list[InlineKeyboardButton]:
    return [_button(f"➕ {count} de plus", MoreTodosCb(view=view))]


def todo_list(
    todos: Sequence[ListedTodo], view: str, more: int = 0, *, enrich: bool = False
) -> InlineKeyboardMarkup:
    rows = todo_rows(todos, view, enrich=enrich)
    if more:
        rows.append(more_row(view, more))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def has_more(markup: InlineKeyboardMarkup | None) -> bool:
    prefix = f"{MoreTodosCb.__prefix__}{MoreTodosCb.__separator__}"
    buttons = (b for row in (markup.inline_keyboard if markup else []) for b in row)
    return any((b.callback_data or "").startswith(prefix) for b in buttons)


def todo_ids(markup: InlineKeyboardMarkup | None) -> list[uuid.UUID]:
    """The todos a list message shows, read back from its buttons, in order."""
    found: list[uuid.UUID] = []
    for row in markup.inline_keyboard if markup else []:
        for button in row:
            data = button.callback_data or ""
            if data.startswith(f"{TodoCb.__prefix__}{TodoCb.__separator__}"):
                ident = uuid.UUID(hex=TodoCb.unpack(data).todo)
                if ident not in found:
                    found.append(ident)
    return found


def epoch_minutes(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


def todo_reminder(todo_id: uuid.UUID, rung: datetime, *, recurring: bool) -> InlineKeyboardMarkup:
    t, at = short(todo_id), epoch_minutes(rung)
    rows = [
        [
            _button("✅ Fait", ReminderCb(op="done", todo=t, at=at)),
            _button("⏰ +1 h", ReminderCb(op="hour", todo=t, at=at)),
            _button("Demain", ReminderCb(op="tomorrow", todo=t, at=at)),
        ]
    ]
    if recurring:
        rows.append([_button("🔁 Arrêter la série", ReminderCb(op="stop", todo=t, at=at))])
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


def meds_toggle(day: str, *, taken: bool, op: str = "toggle") -> InlineKeyboardMarkup:
    """`op` "dtoggle": on a digest, which the press redraws whole."""
    return InlineKeyboardMarkup(inline_keyboard=[[meds_button(day, taken=taken, op=op)]])


def meds_button(day: str, *, taken: bool, op: str = "toggle") -> InlineKeyboardButton:
    label = "↩️ Pas encore pris" if taken else "💊 Pris"
    return _button(label, MedsCb(op=op, day=day))


def open_app(url: str, text: str) -> InlineKeyboardMarkup:
    """One button that opens the PWA inside Telegram, signed in (a `web_app` button)."""
    button = InlineKeyboardButton(text=text, web_app=WebAppInfo(url=url))
    return InlineKeyboardMarkup(inline_keyboard=[[button]])
