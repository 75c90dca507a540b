"""GET /status: how each part of the service is doing, for the PWA's account page. Whether
something is configured, never a secret's value."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from aiohttp import web
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from agent.offline_model import OFFLINE_MODEL_NAME
from core.vocabulary import SyncStop
from store import status
from web.api import Api
from web.appkeys import CONFIG, GOOGLE, SCHEDULER_STATE, SERVICE_FACTS, ServiceFacts
from web.models import Out

api = Api("status")


class TelegramStatus(Out):
    configured: bool
    mode: Literal["webhook", "polling"] | None = Field(description="null without a bot")
    owner_id: int | None
    last_update_at: datetime | None = Field(description="the last update received")


class GoogleEventErrorOut(Out):
    event_id: uuid.UUID
    title: str
    starts_at: datetime
    error: str = Field(description="why Google refused this event's last push, in French")


class GoogleRestoredOut(Out):
    event_id: uuid.UUID
    title: str


class GoogleStatus(Out):
    configured: bool
    missing: list[str] = Field(description="the environment variables still to set")
    connected: bool
    calendar_id: str | None
    last_sync_at: datetime | None = Field(description="the last sync that succeeded")
    last_error: str | None = Field(description="why the last sync failed; null if it did not")
    stopped: SyncStop | None = Field(
        description="why the periodic sync waits for a reconnection: the calendar was deleted "
        "in Google, or Google refused our access; null while it runs"
    )
    stopped_since: datetime | None
    event_errors: list[GoogleEventErrorOut] = Field(
        description="events Google refused (the others went); tried again at each sync"
    )
    restored: list[GoogleRestoredOut] = Field(
        description="events the last sync recreated in Google (deleted there after a change here)"
    )


class ModelStatus(Out):
    configured: bool = Field(description="MISTRAL_API_KEY is set")
    name: str | None
    fallback_active: bool = Field(
        description="the offline parser answers: no key, or it answered the latest proposal"
    )
    last_used: str | None = Field(description="the model that answered the latest proposal")
    last_used_at: datetime | None


class SpeechStatus(Out):
    configured: bool = Field(description="GROQ_API_KEY is set")
    model: str | None


class NextRun(Out):
    job: str
    at: datetime


class SendOut(Out):
    kind: str
    slot: str
    claimed_at: datetime
    sent_at: datetime | None
    error: str | None


class SchedulerStatus(Out):
    running: bool
    leader: bool = Field(description="this replica holds the lock and runs the timers")
    next_runs: list[NextRun] = Field(description="soonest first")
    last_sends: list[SendOut] = Field(description="newest first")


class DatabaseStatus(Out):
    embedded: bool
    migration_head: str | None


class StatusOut(Out):
    version: str
    telegram: TelegramStatus
    google: GoogleStatus
    model: ModelStatus
    speech_to_text: SpeechStatus
    scheduler: SchedulerStatus
    database: DatabaseStatus


def _telegram(facts: ServiceFacts, last: datetime | None) -> TelegramStatus:
    mode: Literal["webhook", "polling"] = "webhook" if facts.telegram_webhook else "polling"
    return TelegramStatus(
        configured=facts.telegram_configured,
        mode=mode if facts.telegram_configured else None,
        owner_id=facts.telegram_owner_id,
        last_update_at=last,
    )


async def _model(session: AsyncSession, facts: ServiceFacts) -> ModelStatus:
    last, at = await status.last_model_used(session=session)
    return ModelStatus(
        configured=facts.model_configured,
        name=facts.model_name,
        fallback_active=not facts.model_configured or last == OFFLINE_MODEL_NAME,
        last_used=last,
        last_used_at=at,
    )


async def _google(request: web.Request, session: AsyncSession) -> GoogleStatus:
    link = await status.google_link(session=session)
    report = link.last_report or {}
    return GoogleStatus(
        configured=request.app.get(GOOGLE) is not None,
        missing=list(request.app[CONFIG].google_missing),
        connected=link.connected,
        calendar_id=link.calendar_id,
        last_sync_at=link.last_synced_at,
        last_error=link.last_error,
        stopped=link.stopped,
        stopped_since=link.stopped_since,
        event_errors=[GoogleEventErrorOut.model_validate(e) for e in link.event_errors],
        restored=[GoogleRestoredOut.model_validate(r) for r in report.get("restored", [])],
    )


async def _scheduler(request: web.Request, session: AsyncSession) -> SchedulerStatus:
    state = request.app.get(SCHEDULER_STATE)
    current = state() if state is not None else None
    runs = sorted((current.next_runs if current else {}).items(), key=lambda kv: kv[1])
    sends = await status.recent_sends(session=session)
    return SchedulerStatus(
        running=current is not None,
        leader=current.leader if current else False,
        next_runs=[NextRun(job=job, at=at) for job, at in runs],
        last_sends=[SendOut.model_validate(s) for s in sends],
    )


@api.get("/status", summary="How each part of the service is doing (no secret in it)")
async def get_status(request: web.Request, session: AsyncSession) -> StatusOut:
    facts = request.app.get(SERVICE_FACTS) or ServiceFacts()
    config = request.app[CONFIG]
    return StatusOut(
        version=config.version,
        telegram=_telegram(facts, await status.last_telegram_update(session=session)),
        google=await _google(request, session),
        model=await _model(session, facts),
        speech_to_text=SpeechStatus(configured=facts.stt_configured, model=facts.stt_model),
        scheduler=await _scheduler(request, session),
        database=DatabaseStatus(
            embedded=facts.database_embedded,
            migration_head=await status.migration_head(session=session),
        ),
    )
