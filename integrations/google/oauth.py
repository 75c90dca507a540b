"""The OAuth web flow with Google: the consent page, the callback's code exchanged for tokens
(stored, single row), and the credentials a sync calls Google with."""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2.rfc6749.errors import OAuth2Error  # type: ignore[import-untyped]
from requests import RequestException
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integrations.google.errors import (
    BAD_STATE,
    CODE_REFUSED,
    NO_REFRESH_TOKEN,
    TOKENS_UNREADABLE,
    GoogleAgendaError,
    GoogleOAuthStateError,
    GoogleUnavailableError,
)
from integrations.google.mapping import JsonDict
from integrations.google.remote import (
    CALENDAR_NAME,
    DEFAULT_BACKOFF,
    HTTP_TIMEOUT,
    Backoff,
    Remote,
    call,
)
from store import google as google_store
from store.clock import Clock
from store.encryption import TokenCipher, UndecryptableSecretError
from store.google import GoogleToken

log = logging.getLogger(__name__)

SCOPES = ["https://www.googleapis.com/auth/calendar"]
AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
TOKEN_URI = "https://oauth2.googleapis.com/token"
STATE_TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class GoogleConfig:
    client_id: str
    client_secret: str
    redirect_uri: str
    api_base: str | None = None  # tests: the fake's token endpoint and Calendar API

    @property
    def token_uri(self) -> str:
        return f"{self.api_base}/token" if self.api_base else TOKEN_URI

    def client_config(self) -> JsonDict:
        return {
            "web": {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "auth_uri": AUTH_URI,
                "token_uri": self.token_uri,
                "redirect_uris": [self.redirect_uri],
            }
        }


class GoogleOAuth:
    """Connecting the owner's Google account, and the credentials stored tokens make."""

    def __init__(
        self,
        *,
        config: GoogleConfig,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        cipher: TokenCipher,
        backoff: Backoff = DEFAULT_BACKOFF,
    ) -> None:
        self.config = config
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.cipher = cipher  # the tokens are stored encrypted
        self.tz = clock.tz
        self.backoff = backoff

    def _flow(self, **options: Any) -> Flow:
        return Flow.from_client_config(
            self.config.client_config(),
            scopes=SCOPES,
            redirect_uri=self.config.redirect_uri,
            **options,
        )

    async def authorization_url(self) -> str:
        """Google's consent page for the calendar scope, offline access, with a fresh state."""
        flow = self._flow()
        state = secrets.token_urlsafe(32)
        url, _ = flow.authorization_url(access_type="offline", prompt="consent", state=state)
        now = self.clock.now()
        async with self.sessionmaker.begin() as session:
            await google_store.purge_oauth_states(session=session, before=now - STATE_TTL)
            await google_store.add_oauth_state(
                session=session, state=state, code_verifier=flow.code_verifier, now=now
            )
        return str(url)

    async def connect(self, *, state: str, code: str) -> None:
        """The OAuth callback: tokens stored, calendar found or created."""
        now = self.clock.now()
        async with self.sessionmaker.begin() as session:
            issued = await google_store.take_oauth_state(
                session=session, state=state, since=now - STATE_TTL
            )
        if issued is None:
            raise GoogleOAuthStateError(BAD_STATE)
        flow = self._flow(state=state, code_verifier=issued.code_verifier)
        credentials = await _exchange(flow, code)
        async with self.sessionmaker.begin() as session:
            previous = await stored_token(session, self.cipher)
        refresh_token = credentials.refresh_token or (previous and previous.refresh_token)
        if not refresh_token or not credentials.token:
            raise GoogleUnavailableError(NO_REFRESH_TOKEN)
        stored_id = previous.calendar_id if previous is not None else None
        calendar_id = await self._find_calendar(credentials, stored_id)
        expiry = credentials.expiry
        async with self.sessionmaker.begin() as session:
            await google_store.save_token(
                session=session,
                cipher=self.cipher,
                access_token=credentials.token,
                refresh_token=refresh_token,
                expires_at=expiry.replace(tzinfo=UTC) if expiry else now,
            )
            if calendar_id is not None:
                await google_store.set_calendar(session=session, calendar_id=calendar_id)
            elif previous is not None and previous.calendar_id is not None:
                await google_store.resume(
                    session=session, calendar_id=previous.calendar_id, reason="token_refused"
                )
        log.info("Google Agenda connected")

    async def _find_calendar(self, credentials: Credentials, stored_id: str | None) -> str | None:
        """The calendar synced before if Google still has it, else one named like ours, else
        a new one (`Remote.find_or_create_calendar`). None when Google fails now: the first
        sync tries again, the consent is kept."""
        try:
            remote = await call(Remote, credentials, self.config.api_base, self.backoff)
            try:
                return await call(remote.find_or_create_calendar, self.tz.key, stored_id)
            finally:
                remote.close()
        except GoogleAgendaError as exc:
            log.warning("google calendar %r not set up yet: %s", CALENDAR_NAME, exc)
            return None

    def credentials(self, token: GoogleToken) -> Credentials:
        return Credentials(  # type: ignore[no-untyped-call]
            token=token.access_token,
            refresh_token=token.refresh_token,
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            token_uri=self.config.token_uri,
            scopes=SCOPES,
            # google-auth compares naive UTC datetimes
            expiry=token.expires_at.astimezone(UTC).replace(tzinfo=None),
        )


async def stored_token(session: AsyncSession, cipher: TokenCipher) -> GoogleToken | None:
    """The owner's tokens, decrypted; a key none of the settings hold means reconnecting."""
    try:
        return await google_store.get_token(session=session, cipher=cipher)
    except UndecryptableSecretError as exc:
        raise GoogleUnavailableError(f"{TOKENS_UNREADABLE} ({exc})") from None


async def _exchange(flow: Flow, code: str) -> Credentials:
    def fetch() -> Credentials:
        flow.fetch_token(code=code, timeout=HTTP_TIMEOUT)
        credentials: Credentials = flow.credentials
        return credentials

    try:
        return await asyncio.to_thread(fetch)
    except OAuth2Error as exc:
        raise GoogleOAuthStateError(CODE_REFUSED) from exc
    except (RequestException, OSError) as exc:
        message = f"Google est injoignable ({type(exc).__name__})."
        raise GoogleUnavailableError(message) from exc
