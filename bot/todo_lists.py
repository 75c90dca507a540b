"""Lists of todos you can act on: /todos, the digest's (and /today's) todo lines, and the rest
of either sent by ➕.

A message shows at most `PER_MESSAGE` todos, each with ✅ and ⏰ Demain, and carries their ids in
its buttons (not their places in a list that changes): a press redraws the message from the
database — a done todo shows ✓, a postponed one its new date — even on yesterday's message.
Which message a button is on is its `view`:
- "l": /todos; "L": the rest of it, sent by ➕;
- "d<ISO day>": that day's digest or /today (bot/digest.py draws the whole message);
  "c<ISO day>": the rest of that day's todos;
- "a": the todos of a question's answer ("quelles tâches en retard ?"), drawn again under the
  heading the message already has (the question is not asked again: the list keeps its todos).
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from aiogram.types import InlineKeyboardButton
from sqlalchemy.ext.asyncio import AsyncSession

from bot.keyboards import ListedTodo, more_row, todo_list, todo_rows
from bot.render.escape import esc
from bot.render.todos import listed_todo_line
from bot.sending import Outgoing
from core.vocabulary import CLOSED_TODO_STATUSES
from store import digest, todos
from store.clock import Clock
from store.tables import Todo

PER_MESSAGE = 8
# ➕ sends the rest in messages of PER_MESSAGE, this many at most; the app shows everything.
MAX_REST_MESSAGES = 5


@dataclass(frozen=True)
class View:
    kind: str  # l, L, d, c
    day: date | None = None

    @property
    def code(self) -> str:
        return self.kind + (self.day.isoformat() if self.day else "")

    @property
    def rest(self) -> View:
        """The view of the messages ➕ sends."""
        return View("L") if self.kind in "lL" else View("c", self.day)

    @property
    def is_day(self) -> bool:
        return self.kind in ("d", "c")


def parse_view(code: str) -> View | None:
    """None for a code this version does not know (an old button)."""
    kind, day = code[:1], code[1:]
    try:
        if kind in ("l", "L", "a") and not day:
            return View(kind)
        if kind in ("d", "c"):
            return View(kind, date.fromisoformat(day))
    except ValueError:
        return None
    return None


def day_end(day: date, clock: Clock) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=clock.tz)


async def current(session: AsyncSession, view: View, clock: Clock) -> list[Todo]:
    """The view's whole list as it is now: the open todos, or those due by the end of its day."""
    if view.day is not None:
        return list(await digest.todos_due(session=session, before=day_end(view.day, clock)))
    return list(await todos.list_open_todos(session=session))


def listed(rows: Sequence[Todo]) -> list[ListedTodo]:
    return [(t.id, t.title, t.status in CLOSED_TODO_STATUSES) for t in rows]


def lines(rows: Sequence[Todo], view: View, clock: Clock) -> list[str]:
    end = day_end(view.day, clock) if view.day is not None else None
    return [listed_todo_line(t, clock, due_by=end) for t in rows]


@dataclass(frozen=True)
class Section:
    """A list message's todos: the ones it shows, and how many more ➕ would send."""

    shown: list[Todo]
    more: int


async def section(
    session: AsyncSession,
    view: View,
    clock: Clock,
    ids: Sequence[uuid.UUID] | None = None,
    *,
    with_more: bool = True,
) -> Section:
    """The first page of the view's list, or (`ids`) the todos a message already shows."""
    every = await current(session, view, clock)
    if ids is None:
        shown = every[:PER_MESSAGE]
    else:
        shown = await todos.get_todos(session=session, ids=ids)
    showing = {t.id for t in shown}
    more = sum(t.id not in showing for t in every) if with_more else 0
    return Section(shown, more)


def _heading(view: View, count: int) -> str:
    if view.kind == "l":
        return f"<b>📋 Tâches ouvertes ({count})</b>"
    if view.kind == "L":
        return "<b>📋 Tâches ouvertes (suite)</b>"
    return "<b>✅ À faire (suite)</b>"


async def list_message(
    session: AsyncSession,
    view: View,
    clock: Clock,
    ids: Sequence[uuid.UUID] | None = None,
    *,
    with_more: bool = True,
    enrich: bool = False,
) -> Outgoing | None:
    """A /todos message (view l or L), or a day's rest (c): None when there is nothing to list.
    `enrich`: /todos offers ✨ Enrichir on each open todo (only with a language model)."""
    part = await section(session, view, clock, ids, with_more=with_more and view.kind == "l")
    if not part.shown:
        return None
    count = len(await current(session, view, clock)) if view.kind == "l" else 0
    text = "\n".join([_heading(view, count), *lines(part.shown, view, clock)])
    keyboard = todo_list(
        listed(part.shown), view.code, part.more, enrich=enrich and not view.is_day
    )
    return Outgoing(text, keyboard)


async def rest(
    session: AsyncSession,
    view: View,
    clock: Clock,
    shown: Sequence[uuid.UUID],
    *,
    enrich: bool = False,
) -> list[Outgoing]:
    """What ➕ sends: the view's todos the message does not show, PER_MESSAGE per message."""
    left = [t for t in await current(session, view, clock) if t.id not in set(shown)]
    pages = [left[i : i + PER_MESSAGE] for i in range(0, len(left), PER_MESSAGE)]
    messages = []
    for page in pages[:MAX_REST_MESSAGES]:
        text = "\n".join([_heading(view.rest, 0), *lines(page, view.rest, clock)])
        keyboard = todo_list(listed(page), view.rest.code, enrich=enrich and not view.is_day)
        messages.append(Outgoing(text, keyboard))
    return messages


def digest_rows(part: Section, view: View) -> list[list[InlineKeyboardButton]]:
    """The buttons of a digest's todo lines (its meds button comes after them)."""
    rows = todo_rows(listed(part.shown), view.code)
    if part.more:
        rows.append(more_row(view.code, part.more))
    return rows


# ---------------------------------------------------------------- a question's todos

ANSWER = View("a")


def found_lists(todos: Sequence[Todo], heading: str, clock: Clock) -> list[Outgoing]:
    """A question's todos as lists you can act on: PER_MESSAGE a message, at most
    MAX_REST_MESSAGES messages (the heading says how many were found in all)."""
    pages = [todos[i : i + PER_MESSAGE] for i in range(0, len(todos), PER_MESSAGE)]
    messages = []
    for n, page in enumerate(pages[:MAX_REST_MESSAGES]):
        title = heading if n == 0 else "<b>📋 (suite)</b>"
        text = "\n".join([title, *lines(page, ANSWER, clock)])
        messages.append(Outgoing(text, todo_list(listed(page), ANSWER.code)))
    return messages


_TAG = re.compile(r"<[^>]+>")


def heading_of(message_text: str | None) -> str:
    """The heading of an answer's list, read back from the message a button is on: its first
    line, as Telegram gives it (plain text; our fake keeps the HTML, stripped here too)."""
    first = (message_text or "").split("\n", 1)[0]
    return f"<b>{esc(html.unescape(_TAG.sub('', first)))}</b>" if first else "<b>📋 Tâches</b>"


async def answer_list(
    session: AsyncSession, clock: Clock, ids: Sequence[uuid.UUID], heading: str
) -> Outgoing | None:
    """An answer's list drawn again: its todos as they are now (✓ once done)."""
    shown = await todos.get_todos(session=session, ids=ids)
    if not shown:
        return None
    text = "\n".join([heading, *lines(shown, ANSWER, clock)])
    return Outgoing(text, todo_list(listed(shown), ANSWER.code))
