"""The health tab: today's check-in, the meds toggle, and the history heatmap.
"Today" is the owner's, in TIMEZONE. The toggle also takes the day it was pressed on and the
state it asked for: a press queued offline and replayed the next day changes the day it meant."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from store import health
from store.clock import Clock
from store.tables import DailyCheckin
from web.api import Api
from web.errors import Unprocessable
from web.models import In, Out, Text

api = Api("health")


class CheckinOut(Out):
    day: date
    meds_taken: bool = False
    note: str | None = None
    skipped: bool = False


class ToggleIn(In):
    note: Text | None = None
    day: date | None = Field(None, description="the day pressed on (default: today); not after")
    meds_taken: bool | None = Field(None, description="set to this; when absent: flip")


class HistoryQuery(In):
    days: int = Field(30, ge=1, le=366)


def _out(day: date, row: DailyCheckin | None) -> CheckinOut:
    return CheckinOut.model_validate(row) if row is not None else CheckinOut(day=day)


@api.get("/health-tab/today")
async def today(session: AsyncSession, clock: Clock) -> CheckinOut:
    """Today's check-in (not taken, no note, until toggled)."""
    day = clock.today()
    return _out(day, await health.get_checkin(session=session, day=day))


@api.post("/health-tab/today/toggle")
async def toggle_today(session: AsyncSession, clock: Clock, body: ToggleIn | None) -> CheckinOut:
    """Set the day's meds_taken to `meds_taken`, or flip it when absent; `day` is today unless
    given (a press replayed later keeps its day); a note given replaces the day's note."""
    body = body or ToggleIn()
    today = clock.today()
    day = body.day or today
    if day > today:
        message = f"{day} is after today ({today}) in the owner's time zone"
        raise Unprocessable(message, details=[{"loc": ["body", "day"], "msg": message}])
    if body.meds_taken is None:
        row = await health.toggle_meds(session=session, day=day, note=body.note)
    else:
        row = await health.set_checkin(
            session=session, day=day, meds_taken=body.meds_taken, note=body.note
        )
    return CheckinOut.model_validate(row)


@api.get("/health-tab/history")
async def history(session: AsyncSession, clock: Clock, query: HistoryQuery) -> list[CheckinOut]:
    """One entry per day, oldest first, ending today; days without a row read as not taken."""
    today = clock.today()
    since = health.days_back(today, query.days)
    rows = {row.day: row for row in await health.history(session=session, since=since)}
    days = (since + timedelta(days=i) for i in range(query.days))
    return [_out(day, rows.get(day)) for day in days]
