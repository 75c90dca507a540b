"""A question's answer, written from the rows its queries found, never from the model's prose
(at most its one kept sentence goes on top): the same lines as /agenda, /todos, /jobs and the
digest. Telegram gets HTML, the todos as lists you can act on (bot/todo_lists.py); the API gets
the same text, plain (`plain_text`).

An answer where every query found nothing about one period says so in two words: "Rien
demain."
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from agent.answers import Found, QueryAnswer
from agent.queries import (
    FindCheckinsArgs,
    FindEventsArgs,
    FindJobOffersArgs,
    FindTodosArgs,
    QueryArgs,
)
from agent.reads import DayCheck, Overview
from bot.render.dates import capitalised, day_name, when
from bot.render.escape import esc
from bot.render.events import event_line
from bot.render.jobs import job_line
from bot.render.todos import todo_line
from core.vocabulary import STEP_STATUS_LABELS, STEP_STATUSES
from store.agenda import Occurrence
from store.clock import Clock
from store.tables import Job, Todo

# Lines an answer shows of a list (the API's `answer` holds every row found, up to 50).
EVENTS_SHOWN = 30
JOBS_SHOWN = 10
STEPS_SHOWN = 5

# Todos by status, after "Tâches" then after "Aucune tâche" (French agrees in number).
_TODO_STATUS_WORDS = {
    "inbox": ("dans l'inbox", "dans l'inbox"),
    "todo": ("à faire", "à faire"),
    "doing": ("en cours", "en cours"),
    "done": ("faites", "faite"),
    "archived": ("archivées", "archivée"),
}
# Offers by status: (heading, nothing found).
_JOB_STATUS_WORDS = {
    None: ("Offres", "Aucune offre"),
    "new": ("Nouvelles offres", "Aucune nouvelle offre"),
    "starred": ("Offres favorites", "Aucune offre favorite"),
    "applied": ("Offres où tu as postulé", "Aucune offre où tu as postulé"),
    "archived": ("Offres archivées", "Aucune offre archivée"),
}


@dataclass(frozen=True)
class Section:
    """One query's part of the answer: HTML lines, the first its heading. A list of todos has
    them in `todos` (and `more` that it does not show): Telegram draws it with its buttons."""

    lines: list[str]
    todos: Sequence[Todo] = field(default_factory=list)
    more: int = 0

    @property
    def heading(self) -> str:
        return self.lines[0]


# ---------------------------------------------------------------- periods in words


def _midnight(moment: datetime) -> bool:
    return moment.time() == time()


def _on(day: date, today: date) -> str:
    """'aujourd'hui', 'demain', 'hier', or 'le jeudi 3 décembre'."""
    name = day_name(day, today=today)
    return name if abs((day - today).days) <= 1 else f"le {name}"


def _week(first: date, today: date) -> str | None:
    monday = today - timedelta(days=today.weekday())
    return {
        monday: "cette semaine",
        monday + timedelta(days=7): "la semaine prochaine",
        monday - timedelta(days=7): "la semaine dernière",
    }.get(first)


def period_words(start: datetime, end: datetime, clock: Clock) -> str:
    """[start, end) as the owner says it: 'demain', 'cette semaine', 'du … au …'."""
    start, end = start.astimezone(clock.tz), end.astimezone(clock.tz)
    today = clock.today()
    if not (_midnight(start) and _midnight(end)):
        return f"du {when(start, clock.tz, today=today)} au {when(end, clock.tz, today=today)}"
    first, last = start.date(), (end - timedelta(microseconds=1)).date()
    if first == last:
        return _on(first, today)
    if first.weekday() == 0 and last == first + timedelta(days=6) and _week(first, today):
        return str(_week(first, today))
    if first == today and last.weekday() == 6 and last - first < timedelta(days=7):
        return "cette semaine"
    return f"du {day_name(first)} au {day_name(last)}"


def _period(query: QueryArgs | None) -> tuple[datetime, datetime] | None:
    if isinstance(query, FindEventsArgs | FindCheckinsArgs):
        return query.start, query.end
    if isinstance(query, FindTodosArgs) and query.due_after and query.due_before:
        return query.due_after, query.due_before
    return None


def unknown_project(query: QueryArgs | None) -> str | None:
    """'Je ne connais pas de projet « Jardin ».' for a query about a project the owner does
    not have (the name as asked: the model's alias, or the owner's words offline)."""
    name = query.unknown_project if query is not None else None
    return None if name is None else f"Je ne connais pas de projet « {esc(name)} »."


def nothing(answer: QueryAnswer, clock: Clock) -> str | None:
    """'Rien demain.' when every query found nothing and all asked about the same period
    (and none about a project that does not exist: that is said instead)."""
    if not answer.results or not answer.empty:
        return None
    if any(found.query is not None and found.query.unknown_project for found in answer.results):
        return None
    periods = {_period(found.query) for found in answer.results}
    if len(periods) != 1 or (period := periods.pop()) is None:
        return None
    return f"Rien {period_words(*period, clock)}."


# ---------------------------------------------------------------- each query


def _more(shown: int, total: int) -> list[str]:
    return [f"… et {total - shown} de plus"] if total > shown else []


def _events(found: Found, clock: Clock) -> Section:
    query = found.query
    assert isinstance(query, FindEventsArgs)
    words = period_words(query.start, query.end, clock)
    about = f"« {esc(query.text)} » " if query.text else ""
    occurrences: list[Occurrence] = list(found.records or [])
    if not occurrences:
        return Section([f"📅 Rien {about}à l'agenda {words}."])
    lines = [f"<b>📅 {capitalised(about + words)}</b>"]
    days = {o.occurrence_start.astimezone(clock.tz).date() for o in occurrences}
    current = None
    for occurrence in occurrences[:EVENTS_SHOWN]:
        day = occurrence.occurrence_start.astimezone(clock.tz).date()
        if len(days) > 1 and day != current:
            current = day
            lines.append(f"<i>{capitalised(day_name(day, today=clock.today()))}</i>")
        lines.append(event_line(occurrence, clock))
    return Section(lines + _more(min(len(occurrences), EVENTS_SHOWN), found.total))


def _todo_words(query: FindTodosArgs, found: Found, clock: Clock, *, plural: bool) -> str:
    """What the todos asked for are, after "Tâches" (plural) or "Aucune tâche"."""
    s = "s" if plural else ""
    words: list[str] = []
    if query.overdue:
        words.append("en retard")
    elif query.due_before is not None:
        today = datetime.combine(clock.today(), time(), tzinfo=clock.tz)
        if query.due_after is not None:
            words.append(f"pour {period_words(query.due_after, query.due_before, clock)}")
        elif query.due_before > today and _midnight(query.due_before.astimezone(clock.tz)):
            # From today on, with the late ones: what is left to do.
            words.append(f"pour {period_words(today, query.due_before, clock)} ou en retard")
        else:
            words.append(f"due{s} avant {when(query.due_before, clock.tz, today=clock.today())}")
    elif query.due_after is not None:
        words.append(f"due{s} après {when(query.due_after, clock.tz, today=clock.today())}")
    if query.status is not None:
        words.append(_TODO_STATUS_WORDS[query.status][0 if plural else 1])
    elif not words:
        words.append(f"ouverte{s}")
    if found.subject:
        words.append(f"du projet {esc(found.subject)}")
    if query.tag:
        words.append(f"#{esc(query.tag)}")
    if query.text:
        words.append(f"« {esc(query.text)} »")
    return " ".join(words)


def _todos(found: Found, clock: Clock) -> Section:
    query = found.query
    assert isinstance(query, FindTodosArgs)
    todos: list[Todo] = list(found.records or [])
    if (unknown := unknown_project(query)) is not None:
        return Section([f"📋 {unknown}"])
    if not todos:
        return Section([f"📋 Aucune tâche {_todo_words(query, found, clock, plural=False)}."])
    heading = f"<b>📋 Tâches {_todo_words(query, found, clock, plural=True)} ({found.total})</b>"
    return Section([heading], todos=todos, more=found.total - len(todos))


def _checkin_state(day: DayCheck) -> str:
    if day.meds_taken:
        return "pris ✅"
    return "sautés ⏭️" if day.skipped else "pas pris"


def _checkins(found: Found, clock: Clock) -> Section:
    query = found.query
    assert isinstance(query, FindCheckinsArgs)
    days: list[DayCheck] = list(found.records or [])
    today = clock.today()
    if len(days) == 1:
        [day] = days
        note = f" — « {esc(day.note)} »" if day.note else ""
        said = f"{capitalised(_on(day.day, today))} : médicaments {_checkin_state(day)}"
        return Section([f"💊 {said}{note}"])
    taken = sum(d.meds_taken for d in days)
    words = period_words(query.start, query.end, clock)
    lines = [f"<b>💊 Médicaments {words} : {taken}/{len(days)} jours</b>"]
    lines += [f"• {capitalised(day_name(d.day, today=today))} : {_checkin_state(d)}" for d in days]
    return Section(lines)


def _job_words(query: FindJobOffersArgs, clock: Clock, *, plural: bool) -> str:
    words = []
    if query.starred is not None and query.status != "starred":
        s = "s" if plural else ""
        words.append(f"favorite{s}" if query.starred else "hors favorites")
    if query.since is not None:
        words.append(f"depuis {when(query.since, clock.tz, today=clock.today())}")
    if query.text:
        words.append(f"« {esc(query.text)} »")
    return " ".join(words)


def _starred(line: str) -> str:
    """'• ⭐ Title — …': the star after the bullet, as a mark of the offer."""
    return "• ⭐ " + line.removeprefix("• ")


def _jobs(found: Found, clock: Clock) -> Section:
    query = found.query
    assert isinstance(query, FindJobOffersArgs)
    offers, no_offer = _JOB_STATUS_WORDS[query.status]
    jobs: list[Job] = list(found.records or [])
    if not jobs:
        words = _job_words(query, clock, plural=False)
        return Section([" ".join(filter(None, [f"💼 {no_offer}", words])) + "."])
    words = _job_words(query, clock, plural=True)
    heading = " ".join(filter(None, [f"<b>💼 {offers}", words])) + f" ({found.total})</b>"
    lines = [heading]
    lines += [_starred(job_line(j)) if j.starred else job_line(j) for j in jobs[:JOBS_SHOWN]]
    return Section(lines + _more(min(len(jobs), JOBS_SHOWN), found.total))


def _steps(overview: Overview) -> list[str]:
    counts = {s: sum(1 for x in overview.steps if x.status == s) for s in STEP_STATUSES}
    if not overview.steps:
        return ["🪜 Aucune étape."]
    said = [f"{STEP_STATUS_LABELS[s]} {n}" for s, n in counts.items() if n]
    lines = [f"🪜 Étapes : {' · '.join(said)}"]
    for status in ("doing", "review", "todo"):
        titles = [esc(x.title) for x in overview.steps if x.status == status][:STEPS_SHOWN]
        if titles:
            lines.append(f"• {STEP_STATUS_LABELS[status]} : {', '.join(titles)}")
    return lines


def _overview(found: Found) -> list[Section]:
    overview = found.records
    if (unknown := unknown_project(found.query)) is not None:
        return [Section([f"📁 {unknown}"])]
    if not isinstance(overview, Overview):
        return [Section(["📁 Projet introuvable (supprimé entre-temps ?)."])]
    project = overview.project
    state = "" if project.status == "active" else f", {esc(project.status)}"
    lines = [f"<b>📁 {esc(project.name)}</b> ({esc(project.kind)}{state})"]
    lines += _steps(overview)
    if overview.idea_count:
        ideas = ", ".join(f"« {esc(i.content[:80])} »" for i in overview.ideas)
        lines.append(f"💡 Idées ({overview.idea_count}) : {ideas}")
    sections = [Section(lines)]
    if overview.todos:
        name = esc(project.name)
        heading = f"<b>📋 Tâches ouvertes du projet {name} ({overview.todo_count})</b>"
        more = overview.todo_count - len(overview.todos)
        sections.append(Section([heading], todos=overview.todos, more=more))
    else:
        sections[0].lines.append("📋 Aucune tâche ouverte.")
    return sections


def sections(answer: QueryAnswer, clock: Clock) -> list[Section]:
    """Each query's section, in the order asked."""
    found_sections: list[Section] = []
    for found in answer.results:
        if found.fn == "find_events":
            found_sections.append(_events(found, clock))
        elif found.fn == "find_todos":
            found_sections.append(_todos(found, clock))
        elif found.fn == "project_overview":
            found_sections += _overview(found)
        elif found.fn == "find_checkins":
            found_sections.append(_checkins(found, clock))
        elif found.fn == "find_job_offers":
            found_sections.append(_jobs(found, clock))
    return found_sections


# ---------------------------------------------------------------- whole answers


def sentence_line(answer: QueryAnswer) -> list[str]:
    return [esc(answer.sentence)] if answer.sentence else []


def section_text(section: Section, clock: Clock) -> str:
    """A section whole (its todos as lines, as /todos writes them)."""
    lines = list(section.lines) + [todo_line(t, clock) for t in section.todos]
    return "\n".join(lines + _more(len(section.todos), len(section.todos) + section.more))


def answer_html(answer: QueryAnswer, clock: Clock) -> str:
    """The whole answer in one HTML text."""
    said = nothing(answer, clock)
    if said is not None:
        return "\n\n".join([*sentence_line(answer), said])
    parts = [section_text(s, clock) for s in sections(answer, clock)]
    return "\n\n".join([*sentence_line(answer), *parts])


_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Telegram HTML as plain text: every tag is ours (what the owner wrote is escaped)."""
    return html.unescape(_TAG.sub("", text))


def plain_text(answer: QueryAnswer, clock: Clock) -> str:
    """The answer as the API's `message` says it."""
    return plain(answer_html(answer, clock))
