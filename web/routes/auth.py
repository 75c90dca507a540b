"""Signing in: `POST /auth/verify` (the PWA's onboarding checks the bearer the owner typed),
`POST /auth/telegram` (inside Telegram, the Mini App's signed data buys a session token),
and the sessions' list and revocation (`GET /auth/sessions`, `DELETE /auth/sessions/{id}`).

The master `API_BEARER_TOKEN` is never in any answer here: a session token is its own random
value, scoped to the PWA (`web/scope.py`), valid 30 days (`web/sessions.py`)."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from aiohttp import web
from pydantic import AwareDatetime, Field
from sqlalchemy.ext.asyncio import AsyncSession

from store import auth_sessions
from store.clock import Clock
from web import sessions
from web.api import Api
from web.appkeys import WebConfig
from web.errors import ApiError, NotFound
from web.models import In, Out
from web.sessions import PRINCIPAL
from web.telegram_signin import InitDataRefused, NotTheOwner, verify_init_data
from web.throttle import client_address

log = logging.getLogger(__name__)

api = Api("auth")


class VerifyOut(Out):
    ok: bool


@api.post("/auth/verify")
async def verify() -> VerifyOut:
    """Answers only when the bearer is right (401 otherwise, from the middleware)."""
    return VerifyOut(ok=True)


# ---------------------------------------------------------------- Telegram sign-in


class TelegramSignIn(In):
    init_data: Annotated[str, Field(min_length=1, max_length=8192)] = Field(
        description="Telegram.WebApp.initData, the raw query string, as Telegram gave it"
    )


class SessionToken(Out):
    token: str = Field(description="a bearer for the PWA's routes; keep it on this device")
    expires_at: AwareDatetime


class InitDataError(ApiError):
    """401, with the reason as its code: init_data_invalid, init_data_incomplete or
    init_data_expired."""

    status = 401

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class NotOwner(ApiError):
    status = 403
    code = "not_the_owner"


class TelegramNotConfigured(ApiError):
    status = 503
    code = "telegram_not_configured"


@api.post("/auth/telegram", public=True, errors=(401, 403, 503))
async def sign_in_with_telegram(
    request: web.Request,
    session: AsyncSession,
    clock: Clock,
    config: WebConfig,
    body: TelegramSignIn,
) -> SessionToken:
    """Exchange the Mini App's initData, signed by Telegram, for a session token."""
    login = config.telegram_login
    if login is None:
        raise TelegramNotConfigured("TELEGRAM_BOT_TOKEN is not set: no Telegram sign-in")
    now = clock.now()
    client = client_address(request, config.trusted_proxies)
    try:
        signed = verify_init_data(
            body.init_data, bot_token=login.bot_token, owner_id=login.owner_id, now=now
        )
    except InitDataRefused as exc:
        # One line per refusal, here only (the error middleware does not log 4xx).
        log.warning("telegram sign-in refused from %s: %s", client, exc.code)
        raise InitDataError(exc.code, exc.message) from None
    except NotTheOwner as exc:
        log.warning("telegram sign-in by user %d (not the owner) from %s", exc.user_id, client)
        raise NotOwner("this app serves its owner only") from None
    opened = await sessions.open_session(
        session=session,
        telegram_user_id=signed.user_id,
        device=sessions.device_of(request.headers.get("User-Agent")),
        now=now,
    )
    log.info("telegram sign-in: session %s opened from %s", opened.id, client)
    return SessionToken(token=opened.token, expires_at=opened.expires_at)


# ---------------------------------------------------------------- sessions


class SessionOut(Out):
    id: uuid.UUID
    device: str = Field(description="the User-Agent it signed in with, trimmed")
    created_at: AwareDatetime
    last_used_at: AwareDatetime = Field(description="to the minute")
    expires_at: AwareDatetime
    current: bool = Field(description="the session making this request")


@api.get("/auth/sessions")
async def list_sessions(
    request: web.Request, session: AsyncSession, clock: Clock
) -> list[SessionOut]:
    """Devices signed in from Telegram and not expired, last used first."""
    current = request[PRINCIPAL].session_id
    rows = await auth_sessions.live(session=session, now=clock.now())
    return [
        SessionOut(
            id=row.id,
            device=row.device,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
            current=row.id == current,
        )
        for row in rows
    ]


@api.delete("/auth/sessions/{session_id}")
async def revoke_session(session: AsyncSession, session_id: uuid.UUID) -> None:
    """Sign a device out: its token opens nothing from now on (this one's too)."""
    if not await auth_sessions.revoke(session=session, session_id=session_id):
        raise NotFound(f"no session {session_id}")
