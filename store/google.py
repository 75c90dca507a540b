"""Google Calendar link: OAuth states, the token row, the sync state, the events' sync marks.

An event is "changed here" when its `updated_at` is not the `google_synced_at` recorded at its
last exchange with Google. Keyword-only; never commit.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, DateTime, any_, delete, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.recurrence import next_after
from store.encryption import TokenCipher
from store.tables import CalendarEvent, GoogleOAuthState, GoogleOAuthToken, GoogleSyncState

# The id Google gives one occurrence of a series: "<series id>_<original start>".
_OCCURRENCE_SUFFIX = re.compile(r"_\d{8}(T\d{6}Z)?")

# ---------------------------------------------------------------- OAuth states


async def add_oauth_state(
    *, session: AsyncSession, state: str, code_verifier: str | None, now: datetime
) -> None:
    session.add(GoogleOAuthState(state=state, code_verifier=code_verifier, created_at=now))
    await session.flush()


async def take_oauth_state(
    *, session: AsyncSession, state: str, since: datetime
) -> GoogleOAuthState | None:
    """The state if it was issued after `since`; it is deleted either way (used once)."""
    stmt = (
        delete(GoogleOAuthState).where(GoogleOAuthState.state == state).returning(GoogleOAuthState)
    )
    found = (await session.execute(stmt)).scalar_one_or_none()
    return found if found is not None and found.created_at > since else None


async def purge_oauth_states(*, session: AsyncSession, before: datetime) -> None:
    await session.execute(delete(GoogleOAuthState).where(GoogleOAuthState.created_at <= before))


# ---------------------------------------------------------------- tokens


@dataclass(frozen=True)
class GoogleToken:
    """The owner's tokens, decrypted (the row holds them encrypted: store/encryption.py)."""

    access_token: str
    refresh_token: str
    expires_at: datetime
    calendar_id: str | None


async def get_token(*, session: AsyncSession, cipher: TokenCipher) -> GoogleToken | None:
    """The tokens, decrypted. Tokens stored in plain text (before encryption) or with an old
    key are written again with the current key, in the caller's transaction."""
    columns = (
        GoogleOAuthToken.access_token,
        GoogleOAuthToken.refresh_token,
        GoogleOAuthToken.expires_at,
        GoogleOAuthToken.calendar_id,
    )
    row = (await session.execute(select(*columns).where(GoogleOAuthToken.id == 1))).first()
    if row is None:
        return None
    access, refresh = cipher.decrypt(row.access_token), cipher.decrypt(row.refresh_token)
    if access.stale or refresh.stale:
        sealed = _sealed(cipher, access_token=access.text, refresh_token=refresh.text)
        stmt = update(GoogleOAuthToken).where(GoogleOAuthToken.id == 1)
        await session.execute(stmt.values(**sealed))
    return GoogleToken(access.text, refresh.text, row.expires_at, row.calendar_id)


def _sealed(cipher: TokenCipher, **tokens: str) -> dict[str, str]:
    return {column: cipher.encrypt(token) for column, token in tokens.items()}


async def save_token(
    *,
    session: AsyncSession,
    cipher: TokenCipher,
    access_token: str,
    refresh_token: str,
    expires_at: datetime,
) -> None:
    """The owner's tokens after a consent, encrypted; the calendar (`set_calendar`) is kept."""
    values: dict[str, Any] = {
        **_sealed(cipher, access_token=access_token, refresh_token=refresh_token),
        "expires_at": expires_at,
    }
    stmt = pg_insert(GoogleOAuthToken).values(id=1, **values)
    await session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=values))


async def update_access_token(
    *, session: AsyncSession, cipher: TokenCipher, access_token: str, expires_at: datetime
) -> None:
    stmt = update(GoogleOAuthToken).where(GoogleOAuthToken.id == 1)
    sealed = _sealed(cipher, access_token=access_token)
    await session.execute(stmt.values(**sealed, expires_at=expires_at))


_UNLINKED = {
    "google_event_id": None,
    "google_synced_at": None,
    "google_updated_at": None,
    "google_etag": None,
    "google_base": None,
    "google_error": None,
}


async def set_calendar(*, session: AsyncSession, calendar_id: str) -> None:
    """The calendar synced from now on; the same one again changes nothing (and lifts a stop).
    Another one (the old one was deleted, or is gone from the account): the events that came
    from the old one and were not changed here since go with it, and every other event is
    unlinked, so that the next sync sends our own events, and only those, to the new one."""
    old = await session.scalar(
        select(GoogleOAuthToken.calendar_id).where(GoogleOAuthToken.id == 1)
    )
    if old is not None and old != calendar_id:
        theirs = select(CalendarEvent.id).where(CalendarEvent.source == "google", ~_changed_here())
        gone = list(await session.scalars(theirs))
        # Unlinked before deleted: the deletion trigger must not send these to any calendar.
        await session.execute(update(CalendarEvent).values(**_UNLINKED))
        await session.execute(delete(CalendarEvent).where(CalendarEvent.id.in_(gone)))
    stmt = update(GoogleOAuthToken).where(GoogleOAuthToken.id == 1)
    await session.execute(stmt.values(calendar_id=calendar_id))
    await ensure_sync_state(session=session, calendar_id=calendar_id)
    await resume(session=session, calendar_id=calendar_id)


# ---------------------------------------------------------------- sync state


async def ensure_sync_state(*, session: AsyncSession, calendar_id: str) -> None:
    """The row exists before any event is deleted: the deletion trigger writes into it."""
    stmt = pg_insert(GoogleSyncState).values(calendar_id=calendar_id)
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["calendar_id"]))


async def get_sync_state(*, session: AsyncSession, calendar_id: str) -> GoogleSyncState | None:
    return await session.get(GoogleSyncState, calendar_id)


async def save_sync_token(*, session: AsyncSession, calendar_id: str, sync_token: str) -> None:
    stmt = update(GoogleSyncState).where(GoogleSyncState.calendar_id == calendar_id)
    await session.execute(stmt.values(sync_token=sync_token))


async def record_sync(
    *,
    session: AsyncSession,
    calendar_id: str,
    now: datetime,
    error: str | None,
    report: dict[str, Any] | None = None,
) -> None:
    """A success clears the last error (and a stop: the sync works again) and keeps its
    report; a failure keeps the last success's time and report."""
    values: dict[str, Any] = {"last_error": error}
    if error is None:
        values |= {"last_synced_at": now, "last_report": report, "stopped": None}
        values["stopped_since"] = None
    stmt = pg_insert(GoogleSyncState).values(calendar_id=calendar_id, **values)
    await session.execute(stmt.on_conflict_do_update(index_elements=["calendar_id"], set_=values))


async def stop(*, session: AsyncSession, calendar_id: str, reason: str, now: datetime) -> bool:
    """The periodic sync stops until the owner reconnects; True only for the call that
    stopped it (the one that tells the owner, once)."""
    stmt = (
        update(GoogleSyncState)
        .where(GoogleSyncState.calendar_id == calendar_id, GoogleSyncState.stopped.is_(None))
        .values(stopped=reason, stopped_since=now)
        .returning(GoogleSyncState.calendar_id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def resume(*, session: AsyncSession, calendar_id: str, reason: str | None = None) -> None:
    """The periodic sync goes on (after a reconnection); with `reason`, only if it stopped
    for that reason."""
    stmt = update(GoogleSyncState).where(GoogleSyncState.calendar_id == calendar_id)
    if reason is not None:
        stmt = stmt.where(GoogleSyncState.stopped == reason)
    await session.execute(stmt.values(stopped=None, stopped_since=None))


async def save_pair(
    *, session: AsyncSession, calendar_id: str, app_at: datetime, google_at: datetime
) -> None:
    """The last push Google confirmed, on both clocks (see integrations.google.merge)."""
    stmt = update(GoogleSyncState).where(GoogleSyncState.calendar_id == calendar_id)
    await session.execute(stmt.values(paired_app_at=app_at, paired_google_at=google_at))


async def pending_deletions(*, session: AsyncSession, calendar_id: str) -> list[str]:
    """Google ids of rows deleted here, not yet there; locked until the transaction ends, so a
    deletion here waits for the reader's decision."""
    where = GoogleSyncState.calendar_id == calendar_id
    read = select(GoogleSyncState.deleted_event_ids).where(where).with_for_update()
    return list((await session.execute(read)).scalar_one_or_none() or [])


async def forget_deletions(
    *, session: AsyncSession, calendar_id: str, google_event_ids: Collection[str]
) -> None:
    """Take these ids off the deletions to send (sent, or deleted there already)."""
    if not google_event_ids:
        return
    pending = await pending_deletions(session=session, calendar_id=calendar_id)
    remaining = [gid for gid in pending if gid not in set(google_event_ids)]
    stmt = update(GoogleSyncState).where(GoogleSyncState.calendar_id == calendar_id)
    await session.execute(stmt.values(deleted_event_ids=remaining))


async def add_deletions(
    *, session: AsyncSession, calendar_id: str, google_event_ids: Collection[str]
) -> None:
    if not google_event_ids:
        return
    added = GoogleSyncState.deleted_event_ids + list(google_event_ids)
    stmt = update(GoogleSyncState).where(GoogleSyncState.calendar_id == calendar_id)
    await session.execute(stmt.values(deleted_event_ids=added))


# ---------------------------------------------------------------- events


def _changed_here() -> ColumnElement[bool]:
    return CalendarEvent.google_synced_at.is_distinct_from(CalendarEvent.updated_at)


async def changed_events(
    *, session: AsyncSession, ending_after: datetime
) -> Sequence[CalendarEvent]:
    """Events to send: changed here since their last exchange (never sent included), except
    never-sent ones that ended before `ending_after` (a series goes whatever its first
    occurrence's end). Overrides of one occurrence come after every series."""
    linked = CalendarEvent.google_event_id.is_not(None)
    series = CalendarEvent.recurrence.is_not(None)
    override = CalendarEvent.recurring_event_id.is_not(None)
    stmt = (
        select(CalendarEvent)
        .where(_changed_here(), or_(linked, series, CalendarEvent.ends_at > ending_after))
        .order_by(override, CalendarEvent.starts_at, CalendarEvent.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def google_ids(
    *, session: AsyncSession, event_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The Google ids of these rows, for those linked."""
    stmt = select(CalendarEvent.id, CalendarEvent.google_event_id).where(
        CalendarEvent.id.in_(list(event_ids)), CalendarEvent.google_event_id.is_not(None)
    )
    return {event_id: str(gid) for event_id, gid in (await session.execute(stmt)).all()}


async def overrides_of(
    *, session: AsyncSession, series_ids: Collection[uuid.UUID]
) -> Sequence[CalendarEvent]:
    """The rows overriding one occurrence of these series; locked until the transaction ends."""
    stmt = (
        select(CalendarEvent)
        .where(CalendarEvent.recurring_event_id.in_(list(series_ids)))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalars().all()


async def events_for_remote(
    *, session: AsyncSession, google_event_ids: Collection[str], local_ids: Collection[uuid.UUID]
) -> Sequence[CalendarEvent]:
    """Rows linked to these Google ids, or with these ids and not linked yet (sent, but the
    answer never got stored); locked until the transaction ends."""
    unlinked = CalendarEvent.id.in_(list(local_ids)) & CalendarEvent.google_event_id.is_(None)
    stmt = (
        select(CalendarEvent)
        .where(or_(CalendarEvent.google_event_id.in_(list(google_event_ids)), unlinked))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalars().all()


def is_changed_here(event: CalendarEvent) -> bool:
    return event.google_synced_at != event.updated_at


async def forget_etags(*, session: AsyncSession, event_id: uuid.UUID) -> None:
    """The next push reads Google's copy of this row, and of its overrides, first (they are
    sent again: Google deleted them)."""
    await session.execute(
        update(CalendarEvent).where(CalendarEvent.id == event_id).values(google_etag=None)
    )
    overrides = update(CalendarEvent).where(CalendarEvent.recurring_event_id == event_id)
    await session.execute(overrides.values(google_etag=None, google_synced_at=None))


async def delete_rows(*, session: AsyncSession, event_ids: Collection[uuid.UUID]) -> list[str]:
    """Delete these rows (a series with its overrides); the Google ids of all of them."""
    if not event_ids:
        return []
    ids = list(event_ids)
    linked = select(CalendarEvent.google_event_id).where(
        or_(CalendarEvent.id.in_(ids), CalendarEvent.recurring_event_id.in_(ids)),
        CalendarEvent.google_event_id.is_not(None),
    )
    found = [str(gid) for gid in (await session.execute(linked)).scalars()]
    await session.execute(delete(CalendarEvent).where(CalendarEvent.id.in_(ids)))
    return found


async def take_remote(*, session: AsyncSession, event_id: uuid.UUID, data: dict[str, Any]) -> None:
    """Overwrite a row with Google's copy (`data` carries the sync marks)."""
    await session.execute(update(CalendarEvent).where(CalendarEvent.id == event_id).values(**data))


async def delete_vanished(
    *,
    session: AsyncSession,
    kept_google_ids: Collection[str],
    ending_after: datetime,
    tz: ZoneInfo,
) -> list[str]:
    """After a full listing (of what ends after `ending_after`): delete the linked rows Google
    no longer has (unless changed here since); returns their Google ids. A series is one of
    them while it has an occurrence left after `ending_after`."""
    stmt = select(CalendarEvent).where(
        CalendarEvent.google_event_id.is_not(None),
        CalendarEvent.google_event_id.not_in(list(kept_google_ids)),
        or_(CalendarEvent.ends_at > ending_after, CalendarEvent.recurrence.is_not(None)),
        ~_changed_here(),
    )
    rows = (await session.execute(stmt)).scalars().all()
    vanished = [row.id for row in rows if _ends_after(row, ending_after, tz)]
    return await _delete_linked(session, vanished)


def _ends_after(event: CalendarEvent, moment: datetime, tz: ZoneInfo) -> bool:
    if event.ends_at > moment or event.recurrence is None:
        return event.ends_at > moment
    length = event.ends_at - event.starts_at
    after = moment - length
    found = next_after(
        event.recurrence, event.starts_at, tz, after, exdates=event.recurrence_exdates
    )
    return found is not None


async def _delete_linked(session: AsyncSession, event_ids: Collection[uuid.UUID]) -> list[str]:
    if not event_ids:
        return []
    stmt = (
        delete(CalendarEvent)
        .where(CalendarEvent.id.in_(list(event_ids)))
        .returning(CalendarEvent.google_event_id)
    )
    return [gid for gid in (await session.execute(stmt)).scalars() if gid is not None]


async def delete_occurrence_rows(*, session: AsyncSession, series_google_id: str) -> list[str]:
    """Delete the rows linked to single occurrences of a Google series (how its occurrences
    were stored before series were synced as series); returns their Google ids. Overrides of
    one occurrence (linked the same way) stay."""
    prefix = CalendarEvent.google_event_id.startswith(f"{series_google_id}_", autoescape=True)
    single = CalendarEvent.recurring_event_id.is_(None)
    stmt = select(CalendarEvent.id, CalendarEvent.google_event_id).where(prefix, single)
    found = (await session.execute(stmt)).all()
    occurrences = [
        event_id
        for event_id, google_id in found
        if google_id and _OCCURRENCE_SUFFIX.fullmatch(google_id[len(series_google_id) :])
    ]
    return await _delete_linked(session, occurrences)


async def skip_remote_occurrence(
    *,
    session: AsyncSession,
    event_id: uuid.UUID,
    occurrence_start: datetime,
    base: dict[str, Any] | None,
) -> list[str]:
    """An occurrence cancelled in Google becomes an exception date here (`base`: the last
    synced copy, which knows it now), and its override, if any, goes; not a change made here
    (the sync marks stay), so nothing is sent back. The override's Google id, if any."""
    moment = occurrence_start.astimezone(UTC)
    known = literal(moment, DateTime(timezone=True)) == any_(CalendarEvent.recurrence_exdates)
    stmt = (
        update(CalendarEvent)
        .where(CalendarEvent.id == event_id, ~known)
        .values(recurrence_exdates=func.array_append(CalendarEvent.recurrence_exdates, moment))
    )
    # Not synchronized: the row in the session keeps what it read (the pull reads it again).
    await session.execute(stmt, execution_options={"synchronize_session": False})
    mark = update(CalendarEvent).where(CalendarEvent.id == event_id)
    await session.execute(mark.values(google_base=base))
    override = select(CalendarEvent.id).where(
        CalendarEvent.recurring_event_id == event_id, CalendarEvent.original_start == moment
    )
    return await delete_rows(session=session, event_ids=list(await session.scalars(override)))


async def mark_sent(
    *,
    session: AsyncSession,
    event_id: uuid.UUID,
    sent_version: datetime,
    google_event_id: str,
    google_updated_at: datetime | None,
    etag: str | None = None,
    base: dict[str, Any] | None = None,
    taken: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> bool:
    """Record what Google holds now; False when the row was deleted meanwhile. `taken`: the
    fields Google's copy gave the row in a merge, written (stamped `now`) unless the row
    changed since `sent_version` (its `updated_at` when sent): then it stays changed here, and
    the next sync merges again."""
    marks: dict[str, Any] = {
        "google_event_id": google_event_id,
        "google_updated_at": google_updated_at,
        "google_etag": etag,
        "google_base": base,
        "google_error": None,
    }
    row = CalendarEvent.id == event_id
    if taken and now is not None:
        unchanged = update(CalendarEvent).where(row, CalendarEvent.updated_at == sent_version)
        written = unchanged.values(**taken, **marks, updated_at=now, google_synced_at=now)
        if (await session.execute(written.returning(CalendarEvent.id))).first() is not None:
            return True
    stmt = update(CalendarEvent).where(row).values(**marks, google_synced_at=sent_version)
    return (await session.execute(stmt.returning(CalendarEvent.id))).first() is not None


async def mark_failed(*, session: AsyncSession, event_id: uuid.UUID, error: str) -> None:
    """Why this row's push failed; it is tried again at the next sync (it stays changed)."""
    stmt = update(CalendarEvent).where(CalendarEvent.id == event_id)
    await session.execute(stmt.values(google_error=error))
