"""Two-way sync of the agenda with the owner's Google calendar "ordinarthur-os".

What the rest of the service sees is here and in `errors`, light to import: `GoogleAgenda` (the
web routes and the scheduler use it) and its `GoogleSyncReport`. The Google client libraries
load only with the modules that do the work:

- `oauth`: the OAuth web flow. `authorization_url()` keeps a random state with the PKCE code
  verifier that google-auth-oauthlib made, for 10 minutes; `connect()` takes that state once,
  exchanges the code with a Flow rebuilt from both, stores the tokens (single row) and finds or
  creates the calendar.
- `mapping`: Google's events ↔ rows of `calendar_events`, and Google's changes applied to them.
- `remote`: the Calendar API (gcsa and googleapiclient, synchronous: every call runs in a worker
  thread, and its failures become `GoogleUnavailableError`).
- `sync`: `GoogleCalendarLink`, the sync of that one calendar, both ways, pull first:
  - pull: Google's changes since the stored sync token (the first time, or when Google answers
    410, everything that ends after now - 30 days; then linked rows Google no longer has are
    deleted). Events are matched by `google_event_id`; new ones come in with source 'google',
    cancelled ones are deleted here. An all-day event (`date`) runs from local midnight to
    local midnight in TIMEZONE; a timed one keeps its instant, whatever its zone. A series
    comes once (`singleEvents=False`), its RRULE and EXDATE lines into `recurrence` and
    `recurrence_exdates`; an occurrence cancelled there becomes an exception date here; a
    changed or moved occurrence is logged and left (the series shows it at its original time).
  - push: every row changed here since its last exchange (see `store.google`), new ones with a
    Google id made from their own uuid: a push whose answer was lost is found again (409)
    rather than duplicated. A series goes as one recurring event (RRULE, EXDATE in TIMEZONE,
    the start's `timeZone` TIMEZONE so that Google repeats it at the same wall-clock time).
    Then the ids of rows deleted here, which a trigger records (migration 0002) whatever
    deleted them: the route, the agent's undo, the bot.
  - conflict (changed on both sides since the last exchange): the later change wins, Google's
    `updated` against our `updated_at`; checked at pull, and at push against Google's copy.
  Each phase writes in one transaction after its network calls: a failure keeps every local
  row as it was, the sends Google confirmed, and the error in `google_sync_state.last_error`.

Tokens: google-auth refreshes an expired access token (before a call, or after a 401) and the
new one is stored after the sync. Tokens are never logged nor returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class GoogleSyncReport:
    """What one sync did: events sent to Google, taken from it, deleted on either side."""

    pushed: int
    pulled: int
    deleted: int


class GoogleAgenda(Protocol):
    """The Google Calendar link (`sync.GoogleCalendarLink`), present only when configured."""

    async def authorization_url(self) -> str: ...

    async def connect(self, *, state: str, code: str) -> None: ...

    async def sync(self) -> GoogleSyncReport: ...

    async def sync_if_connected(self) -> None: ...
