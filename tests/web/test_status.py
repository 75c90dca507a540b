"""GET /status: what runs and how it went, through the real application; no secret in it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from aiohttp.test_utils import TestClient, TestServer
from alembic.script import ScriptDirectory
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import migrations
from agent.offline_model import OFFLINE_MODEL_NAME
from app.main import create_app
from app.scheduler import SCHEDULER, SCHEDULER_TIMING, Timing
from app.settings import Settings
from store.clock import FrozenClock
from store.tables import (
    AiAction,
    GoogleOAuthToken,
    GoogleSyncState,
    SentLog,
    TelegramUpdate,
)
from tests.conftest import BEARER, ICAL_SECRET, until
from tests.fakes.google import CLIENT_ID, CLIENT_SECRET
from tests.fakes.telegram import BOT_TOKEN, OWNER_ID, FakeTelegram
from tests.web.conftest import ApiClient

WEBHOOK_SECRET = "status-webhook-secret-0123456789"
MISTRAL_KEY = "mistral-key-that-must-not-leak"
GROQ_KEY = "groq-key-that-must-not-leak"
ACCESS_TOKEN = "google-access-token-that-must-not-leak"
REFRESH_TOKEN = "google-refresh-token-that-must-not-leak"


def head_revision() -> str:
    script = ScriptDirectory.from_config(migrations.alembic_config("postgresql://unused"))
    head = script.get_current_head()
    assert head is not None
    return head


async def test_a_bare_service_says_what_is_missing(api: ApiClient) -> None:
    body = await api.get("/status")
    assert body["telegram"] == {
        "configured": False,
        "mode": None,
        "owner_id": None,
        "last_update_at": None,
    }
    assert body["google"]["configured"] is False
    assert body["google"]["missing"] == [
        "GOOGLE_OAUTH_CLIENT_ID",
        "GOOGLE_OAUTH_CLIENT_SECRET",
        "GOOGLE_OAUTH_REDIRECT_URI",
    ]
    assert body["google"]["connected"] is False
    assert body["model"]["configured"] is False
    assert body["model"]["fallback_active"] is True
    assert body["speech_to_text"]["configured"] is False
    assert body["database"] == {"embedded": False, "migration_head": head_revision()}
    assert body["scheduler"]["last_sends"] == []


async def test_it_needs_the_bearer(api: ApiClient) -> None:
    response = await api.client.get("/status")
    assert response.status == 401


async def test_everything_configured_is_described_and_no_secret_shows(
    settings: Settings,
    clock: FrozenClock,
    sessionmaker: async_sessionmaker[AsyncSession],
    tg: FakeTelegram,
) -> None:
    now = clock.now()
    configured = settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(BOT_TOKEN),
            "telegram_owner_id": OWNER_ID,
            "telegram_api_base": tg.url,
            "telegram_webhook_url": "https://os.example/telegram/webhook",
            "telegram_webhook_secret": SecretStr(WEBHOOK_SECRET),
            "mistral_api_key": SecretStr(MISTRAL_KEY),
            "groq_api_key": SecretStr(GROQ_KEY),
            "google_oauth_client_id": CLIENT_ID,
            "google_oauth_client_secret": SecretStr(CLIENT_SECRET),
            "google_oauth_redirect_uri": "https://os.example/agenda/google/oauth/callback",
        }
    )
    async with sessionmaker() as session, session.begin():
        session.add_all(
            [
                TelegramUpdate(update_id=41, received_at=now - timedelta(minutes=5)),
                TelegramUpdate(update_id=42, received_at=now - timedelta(minutes=2)),
                SentLog(
                    kind="digest",
                    slot="2026-11-25",
                    claimed_at=now - timedelta(hours=2),
                    sent_at=now - timedelta(hours=2),
                ),
                SentLog(
                    kind="meds",
                    slot="2026-11-25 09:00",
                    claimed_at=now - timedelta(hours=1),
                    error="Forbidden: bot was blocked by the user",
                ),
                GoogleOAuthToken(
                    access_token=ACCESS_TOKEN,
                    refresh_token=REFRESH_TOKEN,
                    expires_at=now + timedelta(hours=1),
                    calendar_id="cal-1",
                ),
                GoogleSyncState(
                    calendar_id="cal-1",
                    last_synced_at=now - timedelta(minutes=15),
                    last_error="Google a répondu HTTP 500",
                ),
                AiAction(
                    proposal_id=uuid.uuid4(),
                    model_name=OFFLINE_MODEL_NAME,
                    status="proposed",
                    created_at=now - timedelta(minutes=1),
                ),
            ]
        )
    app = create_app(configured, clock=clock, run_migrations=False)
    app[SCHEDULER_TIMING] = Timing(poll_interval=0.05)
    async with TestClient(TestServer(app)) as client:
        await until(lambda: app[SCHEDULER].is_leader)
        response = await client.get("/status", headers={"Authorization": f"Bearer {BEARER}"})
        assert response.status == 200
        raw = await response.text()
        body = await response.json()

    for secret in (
        BEARER,
        ICAL_SECRET,
        BOT_TOKEN,
        WEBHOOK_SECRET,
        MISTRAL_KEY,
        GROQ_KEY,
        CLIENT_SECRET,
        ACCESS_TOKEN,
        REFRESH_TOKEN,
    ):
        assert secret not in raw
    assert body["telegram"] == {
        "configured": True,
        "mode": "webhook",
        "owner_id": OWNER_ID,
        "last_update_at": "2026-11-25T08:58:00Z",
    }
    google = body["google"]
    assert (google["configured"], google["connected"], google["calendar_id"]) == (
        True,
        True,
        "cal-1",
    )
    assert google["last_sync_at"] == "2026-11-25T08:45:00Z"
    assert google["last_error"] == "Google a répondu HTTP 500"
    assert body["model"]["configured"] is True
    assert body["model"]["name"] == configured.mistral_model
    assert body["model"]["fallback_active"] is True  # the offline parser answered last
    assert body["model"]["last_used"] == OFFLINE_MODEL_NAME
    assert body["speech_to_text"] == {"configured": True, "model": configured.groq_stt_model}
    scheduler = body["scheduler"]
    assert scheduler["running"] is True and scheduler["leader"] is True
    runs = {run["job"]: run["at"] for run in scheduler["next_runs"]}
    assert {"digest", "meds-09:00", "weekly-review", "minute", "prune", "google-sync"} <= set(runs)
    # APScheduler's times are the machine's (the frozen clock has no say there): only the hour.
    review = datetime.fromisoformat(runs["weekly-review"]).astimezone(clock.tz)
    assert (review.isoweekday(), review.hour, review.minute) == (7, 18, 0)  # Sunday 18:00
    times = [run["at"] for run in scheduler["next_runs"]]
    assert times == sorted(times)
    # The leader's catch-up may have sent something meanwhile: ours are there, newest first.
    sends = [(s["kind"], s["error"]) for s in scheduler["last_sends"]]
    assert ("meds", "Forbidden: bot was blocked by the user") in sends
    assert ("digest", None) in sends
    claimed = [s["claimed_at"] for s in scheduler["last_sends"]]
    assert claimed == sorted(claimed, reverse=True)
