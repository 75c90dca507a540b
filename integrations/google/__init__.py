"""Two-way sync of the agenda with the owner's Google calendar "ordinarthur-os".

What the rest of the service sees is here and in `errors`, light to import: `GoogleAgenda` (the
web routes and the scheduler use it) and its `GoogleSyncReport`. The Google client libraries
load only with the modules that do the work:

- `oauth`: the OAuth web flow. `authorization_url()` keeps a random state with the PKCE code
  verifier that google-auth-oauthlib made, for 10 minutes; `connect()` takes that state once,
  exchanges the code with a Flow rebuilt from both, stores the tokens (single row) and finds the
  calendar: the one synced before if Google still has it (a reconnection changes nothing
  else), else one named "ordinarthur-os" (hidden ones too), else a new one.
- `mapping`: Google's events ↔ rows of `calendar_events`.
- `merge`: the three-way merge of one event, field by field, against the last synced copy.
- `pull`: Google's changes applied to the rows.
- `remote`: the Calendar API (gcsa and googleapiclient, synchronous: every call runs in a worker
  thread; rate limits and transient failures wait and try again, with jitter).
- `sync`: `GoogleCalendarLink`, the sync of that one calendar, both ways, pull first:
  - pull: Google's changes since the stored sync token (the first time, or when Google answers
    410, everything that ends after now - 30 days; then linked rows Google no longer has are
    deleted). Events are matched by `google_event_id`; new ones come in with source 'google'.
    A row changed there is merged with Google's copy field by field (`merge`): a field changed
    on one side takes that side; changed on both, the later change wins, each timed on its own
    clock. Deleted there: deleted here, unless changed here since the last sync (then it is
    recreated there, and the owner told once). A series comes once (`singleEvents=False`), its
    RRULE and EXDATE lines into `recurrence` and `recurrence_exdates`; an occurrence cancelled
    there becomes an exception date here; one moved or changed there, a row of its own
    overriding that occurrence; a series cut in two ("this and following") ends here too, and
    the occurrences it no longer has go with their overrides.
  - push: every row changed here since its last exchange, one by one: new ones inserted under
    their own uuid (a push whose answer was lost is found again, 409, not duplicated), known
    ones patched with If-Match (a 412: Google's copy is read and merged again). Google refusing
    one event records why on that row (`google_error`) and the others go on. A series goes
    as one recurring event (RRULE, EXDATE in TIMEZONE, the start's `timeZone` TIMEZONE so that
    Google repeats it at the same wall-clock time). Then, always, the ids of rows deleted here,
    which a trigger records (migration 0002) whatever deleted them.
  - stops: the calendar deleted in Google, or the refresh token refused (invalid_grant), stop
    the periodic sync until the owner reconnects, told once (Telegram when the bot runs).
  Each phase writes in one transaction after its network calls: a failure keeps every local
  row as it was, the sends Google confirmed, and the error in `google_sync_state.last_error`.

Tokens: google-auth refreshes an expired access token (before a call, or after a 401) and the
new one is stored after the sync. Tokens are never logged nor returned.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

# Tells the owner something once (kind, slot: the claim in `sent_log`; text: plain text);
# True when this call sent it. The bot's, when it runs.
Notify = Callable[[str, str, str], Awaitable[bool]]


@dataclass(frozen=True)
class EventError:
    """One event Google refused this time (kept on its row, `google_error`, until it goes)."""

    event_id: uuid.UUID | None  # None: a deletion, of an event already gone here
    title: str
    message: str


@dataclass(frozen=True)
class RestoredEvent:
    """An event deleted in Google after we changed it here: recreated there."""

    event_id: uuid.UUID
    title: str


@dataclass(frozen=True)
class GoogleSyncReport:
    """What one sync did: events sent to Google, taken from it, deleted on either side, the
    events Google refused, and those recreated there."""

    pushed: int
    pulled: int
    deleted: int
    errors: tuple[EventError, ...] = ()
    restored: tuple[RestoredEvent, ...] = ()


class GoogleAgenda(Protocol):
    """The Google Calendar link (`sync.GoogleCalendarLink`), present only when configured."""

    async def authorization_url(self) -> str: ...

    async def connect(self, *, state: str, code: str) -> None: ...

    async def sync(self) -> GoogleSyncReport: ...

    async def sync_if_connected(self) -> None: ...
