"""`GoogleCalendarLink`: the sync of the calendar "ordinarthur-os" both ways, pull first (the
package's docstring says how conflicts and deletions are settled), and its periodic job."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, timedelta

from google.oauth2.credentials import Credentials
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.vocabulary import SyncStop
from integrations.google import EventError, GoogleSyncReport, Notify, RestoredEvent
from integrations.google.errors import (
    NOT_CONNECTED,
    TOLD_CALENDAR_GONE,
    TOLD_RESTORED,
    TOLD_TOKEN_REFUSED,
    GoogleAgendaError,
    GoogleCalendarGoneError,
    GoogleNotConnectedError,
    GoogleTokenRefusedError,
)
from integrations.google.mapping import LocalEvent, google_updated
from integrations.google.merge import Pair, base_of, cancelled_of, copy_of_google
from integrations.google.oauth import GoogleConfig, GoogleOAuth, stored_token
from integrations.google.pull import Pulled, apply_changes
from integrations.google.remote import DEFAULT_BACKOFF, Backoff, Failed, Pushed, Remote, call
from store import agenda
from store import google as google_store
from store.clock import Clock
from store.encryption import TokenCipher
from store.google import GoogleToken
from store.tables import GoogleSyncState

log = logging.getLogger(__name__)

PULL_WINDOW = timedelta(days=30)
_TOLD: dict[SyncStop, str] = {
    "calendar_gone": TOLD_CALENDAR_GONE,
    "token_refused": TOLD_TOKEN_REFUSED,
}


@dataclass(frozen=True)
class _Pushes:
    pushed: list[Pushed]
    failed: list[Failed]
    deleted: list[str]
    refused_deletions: list[str]


class GoogleCalendarLink:
    """`GoogleAgenda`: OAuth (`oauth.GoogleOAuth`), the sync, and the periodic job."""

    def __init__(
        self,
        *,
        config: GoogleConfig,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        cipher: TokenCipher,
        notify: Notify | None = None,
        backoff: Backoff = DEFAULT_BACKOFF,
    ) -> None:
        self.config = config
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.tz = clock.tz
        self.notify = notify
        self.backoff = backoff
        self.oauth = GoogleOAuth(
            config=config, sessionmaker=sessionmaker, clock=clock, cipher=cipher, backoff=backoff
        )
        self._lock = asyncio.Lock()

    async def authorization_url(self) -> str:
        return await self.oauth.authorization_url()

    async def connect(self, *, state: str, code: str) -> None:
        await self.oauth.connect(state=state, code=code)

    # ------------------------------------------------------------ sync

    async def sync(self) -> GoogleSyncReport:
        """Pull then push; raises GoogleNotConnectedError, GoogleCalendarGoneError or
        GoogleUnavailableError."""
        async with self._lock:
            report = await self._sync()
        log.info(
            "google sync: pushed %d, pulled %d, deleted %d, %d error(s)",
            report.pushed,
            report.pulled,
            report.deleted,
            len(report.errors),
        )
        return report

    async def sync_if_connected(self) -> None:
        """The periodic job: nothing without an account, nor while the owner has to reconnect;
        a failure is logged and recorded."""
        try:
            async with self.sessionmaker.begin() as session:  # a stale token is encrypted again
                token = await stored_token(session, self.oauth.cipher)
                state = await self._state(session, token)
            if token is None or (state is not None and state.stopped is not None):
                return
            await self.sync()
        except GoogleAgendaError as exc:
            log.warning("google sync failed: %s", exc)

    async def _state(
        self, session: AsyncSession, token: GoogleToken | None
    ) -> GoogleSyncState | None:
        if token is None or token.calendar_id is None:
            return None
        return await google_store.get_sync_state(session=session, calendar_id=token.calendar_id)

    async def _sync(self) -> GoogleSyncReport:
        async with self.sessionmaker.begin() as session:  # a stale token is encrypted again
            token = await stored_token(session, self.oauth.cipher)
        if token is None:
            raise GoogleNotConnectedError(NOT_CONNECTED)
        credentials = self.oauth.credentials(token)
        calendar_id = token.calendar_id
        remote: Remote | None = None
        try:
            remote = await call(Remote, credentials, self.config.api_base, self.backoff)
            if calendar_id is None:
                calendar_id = await self._set_up_calendar(remote)
            pulled = await self._pull(remote, calendar_id)
            pushes = await self._push(remote, calendar_id)
        except GoogleCalendarGoneError as exc:
            await self._stop(calendar_id, "calendar_gone", str(exc))
            raise
        except GoogleTokenRefusedError as exc:
            await self._stop(calendar_id, "token_refused", str(exc))
            raise
        except GoogleAgendaError as exc:
            await self._record(calendar_id, error=str(exc))
            raise
        finally:
            if remote is not None:
                remote.close()
            await self._keep_refreshed(credentials, token)
        report = await self._report(pulled, pushes)
        await self._record(calendar_id, error=None, report=report)
        await self._tell_restored(report.restored, pushes.pushed)
        return report

    async def _set_up_calendar(self, remote: Remote) -> str:
        calendar_id = await call(remote.find_or_create_calendar, self.tz.key)
        async with self.sessionmaker.begin() as session:
            await google_store.set_calendar(session=session, calendar_id=calendar_id)
        return calendar_id

    async def _pull(self, remote: Remote, calendar_id: str) -> Pulled:
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
            pulled = await apply_changes(
                session,
                changes,
                self.tz,
                deleted_here=set(deleted_here),
                pair=_pair(state),
                now=self.clock.now(),
            )
            if changes.full:
                pulled.gone += await google_store.delete_vanished(
                    session=session,
                    kept_google_ids=[item["id"] for item in changes.items],
                    ending_after=since,
                    tz=self.tz,
                )
            # The deletion trigger took these for deletions to send: Google has them deleted.
            await google_store.forget_deletions(
                session=session, calendar_id=calendar_id, google_event_ids=pulled.gone
            )
            await google_store.add_deletions(
                session=session, calendar_id=calendar_id, google_event_ids=pulled.delete_there
            )
            await google_store.save_sync_token(
                session=session, calendar_id=calendar_id, sync_token=changes.sync_token
            )
        return pulled

    async def _push(self, remote: Remote, calendar_id: str) -> _Pushes:
        async with self.sessionmaker() as session:
            rows = await google_store.changed_events(
                session=session, ending_after=self.clock.now() - PULL_WINDOW
            )
            events = [LocalEvent.of(row) for row in rows]
            series = {e.recurring_event_id for e in events if e.recurring_event_id is not None}
            series_ids = await google_store.google_ids(session=session, event_ids=series)
            state = await google_store.get_sync_state(session=session, calendar_id=calendar_id)
        deletions = list(dict.fromkeys(state.deleted_event_ids)) if state is not None else []
        outcomes: list[Pushed | Failed] = []
        deleted: list[str] = []
        refused: list[str] = []
        implied: list[str] = []
        failure: GoogleAgendaError | None = None
        try:
            await call(
                remote.push_all,
                calendar_id,
                events,
                self.tz,
                pair=_pair(state),
                now=self.clock.now,
                series_ids=series_ids,
                outcomes=outcomes,
            )
        except GoogleAgendaError as exc:
            failure = exc
        try:
            # Always: an event Google refused, or a failure half-way, keeps no deletion back.
            await call(remote.delete_all, calendar_id, deletions, deleted, refused, implied)
        except GoogleAgendaError as exc:
            failure = failure or exc
        finally:
            await self._record_pushed(calendar_id, outcomes, deleted)
        if failure is not None:
            raise failure
        pushed = [o for o in outcomes if isinstance(o, Pushed)]
        failed = [o for o in outcomes if isinstance(o, Failed)]
        counted = [gid for gid in deleted if gid not in set(implied)]
        return _Pushes(pushed, failed, counted, refused)

    async def _record_pushed(
        self, calendar_id: str, outcomes: Sequence[Pushed | Failed], deleted: Sequence[str]
    ) -> None:
        async with self.sessionmaker.begin() as session:
            lost = []  # deleted here while being sent: to delete there next time
            pair: Pair | None = None
            for outcome in outcomes:
                if isinstance(outcome, Failed):
                    await google_store.mark_failed(
                        session=session, event_id=outcome.event.id, error=outcome.message
                    )
                    continue
                if not await self._mark_sent(session, outcome):
                    lost.append(str(outcome.answer["id"]))
                updated = google_updated(outcome.answer)
                if updated is not None:
                    pair = Pair(outcome.answered_at, updated)
            if pair is not None:
                await google_store.save_pair(
                    session=session,
                    calendar_id=calendar_id,
                    app_at=pair.app,
                    google_at=pair.google,
                )
            await google_store.add_deletions(
                session=session, calendar_id=calendar_id, google_event_ids=lost
            )
            await google_store.forget_deletions(
                session=session, calendar_id=calendar_id, google_event_ids=deleted
            )

    async def _mark_sent(self, session: AsyncSession, pushed: Pushed) -> bool:
        answer = pushed.answer
        event = pushed.event
        copy = copy_of_google(answer, self.tz, self.tz.key)
        sent = await google_store.mark_sent(
            session=session,
            event_id=event.id,
            sent_version=event.updated_at,
            google_event_id=str(answer["id"]),
            google_updated_at=google_updated(answer),
            etag=answer.get("etag"),
            base=base_of(copy, cancelled_of(event.google_base)),
            taken=dict(pushed.taken),
            now=self.clock.now(),
        )
        if sent and pushed.taken.keys() & {"recurrence", "starts_at", "all_day"}:
            await agenda.prune_overrides(session=session, series_id=event.id, tz=self.tz)
        return sent

    async def _report(self, pulled: Pulled, pushes: _Pushes) -> GoogleSyncReport:
        errors = [EventError(f.event.id, f.event.title, f.message) for f in pushes.failed]
        errors += [
            EventError(None, google_id, "Google a refusé de supprimer cet événement")
            for google_id in pushes.refused_deletions
        ]
        restored = [
            RestoredEvent(p.event.id, p.event.title)
            for p in pushes.pushed
            if p.restored and not p.event.is_override
        ]
        return GoogleSyncReport(
            pushed=len(pushes.pushed),
            pulled=pulled.pulled,
            deleted=len(pulled.gone) + len(pushes.deleted),
            errors=tuple(errors),
            restored=tuple(restored),
        )

    async def _tell_restored(
        self, restored: Sequence[RestoredEvent], pushed: Sequence[Pushed]
    ) -> None:
        if self.notify is None:
            return
        etags = {p.event.id: p.answer.get("etag") for p in pushed}
        for event in restored:
            slot = f"{event.event_id}:{etags.get(event.event_id)}"
            await self.notify("google_restored", slot, TOLD_RESTORED.format(title=event.title))

    async def _stop(self, calendar_id: str | None, reason: SyncStop, error: str) -> None:
        """Record why the sync stopped; the first time, tell the owner (once)."""
        if calendar_id is None:
            return
        now = self.clock.now()
        async with self.sessionmaker.begin() as session:
            await google_store.ensure_sync_state(session=session, calendar_id=calendar_id)
            await google_store.record_sync(
                session=session, calendar_id=calendar_id, now=now, error=error
            )
            stopped = await google_store.stop(
                session=session, calendar_id=calendar_id, reason=reason, now=now
            )
        log.warning("google sync stopped (%s): %s", reason, error)
        if stopped and self.notify is not None:
            await self.notify("google_stop", f"{calendar_id}:{now.isoformat()}", _TOLD[reason])

    async def _record(
        self, calendar_id: str | None, *, error: str | None, report: GoogleSyncReport | None = None
    ) -> None:
        if calendar_id is None:
            return
        async with self.sessionmaker.begin() as session:
            await google_store.record_sync(
                session=session,
                calendar_id=calendar_id,
                now=self.clock.now(),
                error=error,
                report=_json(report) if report is not None else None,
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


def _pair(state: GoogleSyncState | None) -> Pair | None:
    if state is None or state.paired_app_at is None or state.paired_google_at is None:
        return None
    return Pair(state.paired_app_at, state.paired_google_at)


def _json(report: GoogleSyncReport) -> dict[str, object]:
    def plain(value: object) -> object:
        return str(value) if isinstance(value, uuid.UUID) else value

    data = asdict(report)
    data["errors"] = [{k: plain(v) for k, v in e.items()} for e in data["errors"]]
    data["restored"] = [{k: plain(v) for k, v in r.items()} for r in data["restored"]]
    return data
