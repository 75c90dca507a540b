"""GET/PUT /settings: the digest time, medication reminder times, how many minutes before an
event it rings, when the weekly review comes and the AI's monthly budget, changed at run time; and
what the PWA needs to know of the environment: the owner's time zone (every date it shows and
every "today" it computes), name, and whether Google Calendar sync is configured."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from aiohttp import web
from pydantic import Field

from core.vocabulary import (
    HHMM_PATTERN,
    MAX_EVENT_REMINDER_MINUTES,
    WEEKLY_PATTERN,
    hhmm,
    parse_hhmm,
    parse_weekly,
)
from store import ai_usage, owner
from web.api import Api
from web.appkeys import AGENT, CONFIG, GOOGLE, SCHEDULING, SESSIONMAKER
from web.models import In, Out

api = Api("settings")

HHMM = Annotated[str, Field(pattern=HHMM_PATTERN, examples=["07:30"])]
Euros = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2, examples=[5])]
Weekly = Annotated[
    str,
    Field(
        pattern=WEEKLY_PATTERN,
        examples=["SUN 18:00"],
        description="a day (MON…SUN) and a time in TIMEZONE",
    ),
]
EventMinutes = Annotated[
    int,
    Field(
        ge=0,
        le=MAX_EVENT_REMINDER_MINUTES,
        description="minutes before each event (unless the event says otherwise); 0: none",
    ),
]


class GoogleStatus(Out):
    configured: bool
    missing: list[str] = Field(description="the environment variables still to set")


class SettingsOut(Out):
    digest_time: str
    med_reminder_times: list[str]
    event_reminder_minutes: EventMinutes
    weekly_review: Weekly
    timezone: str = Field(description="TIMEZONE: the PWA shows every time and 'today' in it")
    language: str
    owner_name: str | None = Field(description="OWNER_NAME, for the greeting; null when unset")
    google: GoogleStatus
    ai_monthly_budget_eur: float | None = Field(
        description="the AI's monthly cap in euros (the owner's, else AI_MONTHLY_BUDGET_EUR); "
        "null: no cap"
    )


class SettingsPut(In):
    digest_time: HHMM | None = None
    med_reminder_times: list[HHMM] | None = Field(default=None, min_length=1, max_length=12)
    event_reminder_minutes: EventMinutes | None = None
    weekly_review: Weekly | None = None
    ai_monthly_budget_eur: Euros | None = Field(
        None,
        description="the AI's monthly cap in euros; null: back to AI_MONTHLY_BUDGET_EUR; "
        "absent: unchanged",
    )


async def _current(request: web.Request) -> SettingsOut:
    async with request.app[SESSIONMAKER]() as session:
        schedule = await owner.get_schedule(
            session=session, defaults=request.app[SCHEDULING].defaults
        )
        budget = await ai_usage.get_budget(session=session)
    if budget is None:
        budget = request.app[AGENT].usage.default_budget_eur
    config = request.app[CONFIG]
    return SettingsOut(
        digest_time=hhmm(schedule.digest_time),
        med_reminder_times=[hhmm(t) for t in schedule.med_reminder_times],
        event_reminder_minutes=schedule.event_reminder_minutes,
        weekly_review=str(schedule.weekly_review),
        timezone=config.tz.key,
        language=schedule.language,
        owner_name=config.owner_name,
        google=GoogleStatus(
            configured=request.app.get(GOOGLE) is not None, missing=list(config.google_missing)
        ),
        ai_monthly_budget_eur=None if budget is None else float(budget),
    )


@api.get("/settings", summary="The owner's schedule, time zone and name; what is configured")
async def get_settings(request: web.Request) -> SettingsOut:
    return await _current(request)


@api.put(
    "/settings",
    summary="Change the digest, reminder or weekly review times, or the AI budget (no restart)",
)
async def put_settings(request: web.Request, body: SettingsPut) -> SettingsOut:
    reminders = body.med_reminder_times
    async with request.app[SESSIONMAKER].begin() as session:
        await owner.update_schedule(
            session=session,
            digest_time=parse_hhmm(body.digest_time) if body.digest_time else None,
            med_reminder_times=tuple(parse_hhmm(t) for t in reminders) if reminders else None,
            event_reminder_minutes=body.event_reminder_minutes,
            weekly_review=parse_weekly(body.weekly_review) if body.weekly_review else None,
        )
        if "ai_monthly_budget_eur" in body.model_fields_set:
            await ai_usage.set_budget(session=session, budget_eur=body.ai_monthly_budget_eur)
    # After the commit, so the scheduler reads the new times.
    await request.app[SCHEDULING].changed()
    return await _current(request)
