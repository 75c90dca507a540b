"""`GoogleCalendarLink`: the sync of the calendar "ordinarthur-os" both ways, pull first (the
package's docstring says how conflicts and deletions are settled), and its periodic job."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, timedelta

from google.oauth2.credentials import Credentials
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integrations.google import GoogleSyncReport
from integrations.google.errors import (
    NOT_CONNECTED,
    GoogleAgendaError,
    GoogleNotConnectedError,
)
from integrations.google.mapping import LocalEvent, Sent, apply_changes
from integrations.google.oauth import GoogleConfig, GoogleOAuth, stored_token
from integrations.google.remote import Remote, call
from store import google as google_store
from store.clock import Clock
from store.encryption import TokenCipher
from store.google import GoogleToken

log = logging.getLogger(__name__)

PULL_WINDOW = timedelta(days=30)


class GoogleCalendarLink:
    """`GoogleAgenda`: OAuth (`oauth.GoogleOAuth`), the sync, and the periodic job."""

    def __init__(
        self,
        *,
        config: GoogleConfig,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        cipher: TokenCipher,
    ) -> None:
        self.config = config
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.tz = clock.tz
        self.oauth = GoogleOAuth(
            config=config, sessionmaker=sessionmaker, clock=clock, cipher=cipher
        )
        self._lock = asyncio.Lock()

    async def authorization_url(self) -> str:
        return await self.oauth.authorization_url()

    async def connect(self, *, state: str, code: str) -> None:
        await self.oauth.connect(state=state, code=code)

    # ------------------------------------------------------------ sync

    async def sync(self) -> GoogleSyncReport:
        """Pull then push; raises GoogleNotConnectedError or GoogleUnavailableError."""
        async with self._lock:
            report = await self._sync()
        log.info(
            "google sync: pushed %d, pulled %d, deleted %d",
            report.pushed,
            report.pulled,
            report.deleted,
        )
        return report

    async def sync_if_connected(self) -> None:
        """The periodic job: nothing without an account; a failure is logged and recorded."""
        try:
            await self.sync()
        except GoogleNotConnectedError:
            return
        except GoogleAgendaError as exc:
            log.warning("google sync failed: %s", exc)

    async def _sync(self) -> GoogleSyncReport:
        async with self.sessionmaker.begin() as session:  # a stale token is encrypted again
            token = await stored_token(session, self.oauth.cipher)
        if token is None:
            raise GoogleNotConnectedError(NOT_CONNECTED)
        credentials = self.oauth.credentials(token)
        calendar_id = token.calendar_id
        remote: Remote | None = None
        try:
            remote = await call(Remote, credentials, self.config.api_base)
            if calendar_id is None:
                calendar_id = await self._set_up_calendar(remote)
            pulled, deleted_here = await self._pull(remote, calendar_id)
            pushed, deleted_there = await self._push(remote, calendar_id)
        except GoogleAgendaError as exc:
            await self._record(calendar_id, error=str(exc))
            raise
        finally:
            if remote is not None:
                remote.close()
            await self._keep_refreshed(credentials, token)
        await self._record(calendar_id, error=None)
        return GoogleSyncReport(pushed=pushed, pulled=pulled, deleted=deleted_here + deleted_there)

    async def _set_up_calendar(self, remote: Remote) -> str:
        calendar_id = await call(remote.find_or_create_calendar, self.tz.key)
        async with self.sessionmaker.begin() as session:
            await google_store.set_calendar(session=session, calendar_id=calendar_id)
        return calendar_id

    async def _pull(self, remote: Remote, calendar_id: str) -> tuple[int, int]:
        async with self.sessionmaker() as session:
            state = await google_store.get_sync_state(session=session, calendar_id=calendar_id)
        since = self.clock.now() - PULL_WINDOW
        token = state.sync_token if state is not None else None
        changes = await call(remote.changes, calendar_id, token, since)
        async with self.sessionmaker.begin() as session:
            await google_store.ensure_sync_state(session=session, calendar_id=calendar_id)
            deleted_here = await google_store.pending_deletions(
                session=session, calendar_id=calendar_id
            )
            pulled, gone = await apply_changes(
                session, changes, self.tz, deleted_here=set(deleted_here)
            )
            if changes.full:
                gone += await google_store.delete_vanished(
                    session=session,
                    kept_google_ids=[item["id"] for item in changes.items],
                    ending_after=since,
                    tz=self.tz,
                )
            # The deletion trigger took these for deletions to send: Google has them deleted.
            await google_store.forget_deletions(
                session=session, calendar_id=calendar_id, google_event_ids=gone
            )
            await google_store.save_sync_token(
                session=session, calendar_id=calendar_id, sync_token=changes.sync_token
            )
        return pulled, len(gone)

    async def _push(self, remote: Remote, calendar_id: str) -> tuple[int, int]:
        async with self.sessionmaker() as session:
            rows = await google_store.changed_events(
                session=session, ending_after=self.clock.now() - PULL_WINDOW
            )
            events = [LocalEvent.of(row) for row in rows]
            state = await google_store.get_sync_state(session=session, calendar_id=calendar_id)
        deletions = list(dict.fromkeys(state.deleted_event_ids)) if state is not None else []
        sent: list[Sent] = []
        deleted: list[str] = []
        try:
            await call(remote.push_all, calendar_id, events, self.tz, sent)
            await call(remote.delete_all, calendar_id, deletions, deleted)
        finally:
            await self._record_pushed(calendar_id, sent, deleted)
        return len(sent), len(deleted)

    async def _record_pushed(
        self, calendar_id: str, sent: Sequence[Sent], deleted: Sequence[str]
    ) -> None:
        async with self.sessionmaker.begin() as session:
            lost = []  # deleted here while being sent: to delete there next time
            for push in sent:
                if not await google_store.mark_sent(
                    session=session,
                    event_id=push.event_id,
                    sent_version=push.version,
                    google_event_id=push.google_event_id,
                    google_updated_at=push.google_updated_at,
                ):
                    lost.append(push.google_event_id)
            await google_store.add_deletions(
                session=session, calendar_id=calendar_id, google_event_ids=lost
            )
            await google_store.forget_deletions(
                session=session, calendar_id=calendar_id, google_event_ids=deleted
            )

    async def _record(self, calendar_id: str | None, *, error: str | None) -> None:
        if calendar_id is None:
            return
        async with self.sessionmaker.begin() as session:
            await google_store.record_sync(
                session=session, calendar_id=calendar_id, now=self.clock.now(), error=error
            )

    async def _keep_refreshed(self, credentials: Credentials, token: GoogleToken) -> None:
        if not credentials.token or credentials.token == token.access_token:
            return
        expiry = credentials.expiry
        async with self.sessionmaker.begin() as session:
            await google_store.update_access_token(
                session=session,
                cipher=self.oauth.cipher,
                access_token=credentials.token,
                expires_at=expiry.replace(tzinfo=UTC) if expiry else self.clock.now(),
            )
