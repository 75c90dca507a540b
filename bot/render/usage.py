"""What the AI cost, as /usage shows it: this month and its models, last month, each day of
this week; and the budget line of /usage and /settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from agent.usage import BudgetState, DaySpend, ModelSpend, Spend, UsageReport, euros
from bot import texts
from bot.render.dates import capitalised
from bot.render.escape import esc
from core.french import DAYS, MONTHS


def number(n: int) -> str:
    """'1 234': thousands apart, as French writes them (a narrow no-break space)."""
    return f"{n:,}".replace(",", "\u202f")


def count(n: int, one: str, many: str | None = None) -> str:
    """'1 requête', '1 234 requêtes'."""
    return f"{number(n)} {one if n == 1 else (many or one + 's')}"


def duration(seconds: float) -> str:
    """'45 s', '3 min 20 s', '1 h 05 min'."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def money(value: float) -> str:
    return euros(Decimal(str(value)))


def spend_line(spend: Spend) -> str:
    """'3 requêtes · 1 200 jetons en entrée, 300 en sortie · 45 s d'audio'."""
    parts = [count(spend.requests, "requête")]
    if spend.input_tokens or spend.output_tokens:
        tokens = count(spend.input_tokens, "jeton")
        parts.append(f"{tokens} en entrée, {number(spend.output_tokens)} en sortie")
    if spend.audio_seconds:
        parts.append(f"{duration(spend.audio_seconds)} d'audio")
    return " · ".join(parts)


def budget_line(state: BudgetState) -> str:
    spent = money(state.spent_eur)
    if state.limit_eur is None:
        return texts.BUDGET_NONE.format(spent=spent)
    reached = texts.BUDGET_REACHED_NOTE if state.reached else ""
    return texts.BUDGET_LINE.format(limit=money(state.limit_eur), spent=spent, reached=reached)


def usage_text(this_month: UsageReport, last_month: UsageReport, *, today: date) -> str:
    lines = [texts.USAGE_TITLE, ""]
    lines += _month("Ce mois-ci", this_month, with_models=True)
    lines += [budget_line(this_month.budget), ""]
    lines += _month("Le mois dernier", last_month, with_models=False)
    lines += ["", texts.USAGE_WEEK, *_week([*last_month.days, *this_month.days], today)]
    return "\n".join(lines)


def _month(label: str, report: UsageReport, *, with_models: bool) -> list[str]:
    total = report.total
    month = f"{MONTHS[report.start.month - 1]} {report.start.year}"
    head = texts.USAGE_MONTH.format(label=label, month=month, cost=money(total.cost_eur))
    if not total.requests:
        return [f"{head} · {texts.USAGE_NOTHING}"]
    lines = [head, spend_line(total)]
    if total.unpriced_requests:
        unpriced = count(total.unpriced_requests, "requête")
        lines.append(texts.USAGE_UNPRICED.format(requests=unpriced))
    if with_models:
        lines += [_model_line(m) for m in report.models]
    return lines


def _model_line(model: ModelSpend) -> str:
    cost = texts.USAGE_UNKNOWN_PRICE if model.cost_eur is None else money(model.cost_eur)
    if model.kind == "transcription":
        what = f"{count(model.requests, 'transcription')}, {duration(model.audio_seconds)}"
    else:
        what = count(model.requests, "requête")
    return f"• {esc(model.model)} : {cost} ({what})"


def _week(days: Sequence[DaySpend], today: date) -> list[str]:
    """Monday to today."""
    by_day = {d.day: d for d in days}
    monday = today - timedelta(days=today.weekday())
    lines = []
    for offset in range(today.weekday() + 1):
        day = monday + timedelta(days=offset)
        name = capitalised(f"{DAYS[day.weekday()][:3]}. {day.day}")
        spent = by_day.get(day)
        if spent is None:
            lines.append(f"{name} : —")
        else:
            lines.append(f"{name} : {money(spent.cost_eur)} · {count(spent.requests, 'requête')}")
    return lines
