"""GET /ai/usage: what the AI cost, per day of the owner and per model, in euros.

The report is `agent.usage.UsageMeter.report`'s; this module reads the window and checks it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from aiohttp import web
from pydantic import Field, model_validator

from agent.usage import UsageReport
from store.clock import Clock
from web.api import Api
from web.appkeys import AGENT
from web.models import In

api = Api("ai")

# Days this service can have spent anything on: no arithmetic near date.min or date.max.
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2999, 12, 31))]
# A year and a day at most: any month, or the same month a year apart, in one call.
MAX_DAYS = 367


class UsageWindow(In):
    """Days of the owner (TIMEZONE), both included. Without `from`, the 1st of `to`'s month;
    without `to`, the last day of `from`'s month; without either, this month."""

    start: Day | None = Field(None, alias="from", description="first day")
    end: Day | None = Field(None, alias="to", description="last day, included")

    @model_validator(mode="after")
    def _ordered(self) -> UsageWindow:
        if self.start and self.end:
            if self.start > self.end:
                raise ValueError("'from' is after 'to'")
            if (self.end - self.start).days >= MAX_DAYS:
                raise ValueError(f"at most {MAX_DAYS} days at once")
        return self


def _last_of_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _window(query: UsageWindow, today: date) -> tuple[date, date]:
    start = query.start or (query.end or today).replace(day=1)
    return start, query.end or _last_of_month(start)


@api.get("/ai/usage")
async def ai_usage(request: web.Request, clock: Clock, query: UsageWindow) -> UsageReport:
    """Requests, tokens, seconds of audio and cost in euros (genai-prices' USD prices at
    AI_USD_EUR_RATE), per day and model, with totals and this month's budget. A model
    genai-prices does not know has a null cost, never a guessed one."""
    start, end = _window(query, clock.today())
    return await request.app[AGENT].usage.report(start, end)
