"""The Google link on its own: the periodic job's failures; Google's times onto rows and back."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integrations.google.errors import GoogleUnavailableError
from integrations.google.mapping import LocalEvent, from_google, to_google
from integrations.google.oauth import GoogleConfig
from integrations.google.sync import GoogleCalendarLink
from store import google as google_store
from store.clock import FrozenClock
from store.encryption import TokenCipher
from store.tables import GoogleSyncState
from tests.conftest import PARIS, SECRETS_KEY
from tests.fakes.google import CLIENT_ID, CLIENT_SECRET, FakeGoogle

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def google(clock: FrozenClock) -> AsyncIterator[FakeGoogle]:
    async with FakeGoogle.start(now=clock.now) as fake:
        yield fake


async def test_the_periodic_job_waits_for_an_account_and_records_failures(
    google: FakeGoogle,
    clock: FrozenClock,
    sessionmaker: Sessions,
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = GoogleConfig(CLIENT_ID, CLIENT_SECRET, "https://os.example.org/cb", google.url)
    cipher = TokenCipher(SECRETS_KEY)
    link = GoogleCalendarLink(config=config, sessionmaker=sessionmaker, clock=clock, cipher=cipher)
    await link.sync_if_connected()  # nobody connected: nothing asked of Google
    assert google.requests == [] and google.token_requests == []

    cal = google.add_calendar("ordinarthur-os")
    async with sessionmaker.begin() as session:
        expires = datetime.now(UTC) + timedelta(hours=1)
        await google_store.save_token(
            session=session,
            cipher=cipher,
            access_token="ya29.a",
            refresh_token="1//r",
            expires_at=expires,
        )
        await google_store.set_calendar(session=session, calendar_id=cal)
    google.fail_next(500, "Backend Error")
    await link.sync_if_connected()
    assert "google sync failed: Google Agenda a répondu 500 : Backend Error" in caplog.text
    async with sessionmaker() as session:
        state = await session.get(GoogleSyncState, cal)
    assert state is not None and state.last_error is not None and state.last_synced_at is None

    await link.sync_if_connected()
    async with sessionmaker() as session:
        state = await session.get(GoogleSyncState, cal)
    assert state is not None and state.last_error is None
    assert state.last_synced_at == clock.now()


# ---------------------------------------------------------------- times


async def test_tokens_encrypted_under_a_lost_key_say_to_reconnect(
    google: FakeGoogle, clock: FrozenClock, sessionmaker: Sessions
) -> None:
    lost, current = TokenCipher(Fernet.generate_key().decode()), TokenCipher(SECRETS_KEY)
    async with sessionmaker.begin() as session:
        expires = datetime.now(UTC) + timedelta(hours=1)
        await google_store.save_token(
            session=session,
            cipher=lost,
            access_token="ya29.a",
            refresh_token="1//r",
            expires_at=expires,
        )
    config = GoogleConfig(CLIENT_ID, CLIENT_SECRET, "https://os.example.org/cb", google.url)
    link = GoogleCalendarLink(
        config=config, sessionmaker=sessionmaker, clock=clock, cipher=current
    )

    with pytest.raises(GoogleUnavailableError, match="SECRETS_ENCRYPTION_OLD_KEYS"):
        await link.sync()
    assert google.requests == []


async def test_the_periodic_sync_with_tokens_under_a_lost_key_logs_and_goes_on(
    google: FakeGoogle,
    clock: FrozenClock,
    sessionmaker: Sessions,
    caplog: pytest.LogCaptureFixture,
) -> None:
    lost = TokenCipher(Fernet.generate_key().decode())
    async with sessionmaker.begin() as session:
        await google_store.save_token(
            session=session,
            cipher=lost,
            access_token="ya29.a",
            refresh_token="1//r",
            expires_at=clock.now(),
        )
    config = GoogleConfig(CLIENT_ID, CLIENT_SECRET, "https://os.example.org/cb", google.url)
    link = GoogleCalendarLink(
        config=config, sessionmaker=sessionmaker, clock=clock, cipher=TokenCipher(SECRETS_KEY)
    )

    await link.sync_if_connected()  # the scheduler's job: nothing raised out of it

    assert google.requests == []
    assert "SECRETS_ENCRYPTION_OLD_KEYS" in caplog.text


async def test_a_sync_during_a_key_rotation_uses_the_tokens_and_encrypts_them_anew(
    google: FakeGoogle, clock: FrozenClock, sessionmaker: Sessions
) -> None:
    old, new = Fernet.generate_key().decode(), SECRETS_KEY
    cal = google.add_calendar("ordinarthur-os")
    async with sessionmaker.begin() as session:
        expires = datetime.now(UTC) + timedelta(hours=1)  # google-auth compares with real time
        await google_store.save_token(
            session=session,
            cipher=TokenCipher(old),
            access_token="ya29.a",
            refresh_token="1//r",
            expires_at=expires,
        )
        await google_store.set_calendar(session=session, calendar_id=cal)
    config = GoogleConfig(CLIENT_ID, CLIENT_SECRET, "https://os.example.org/cb", google.url)
    rotating = TokenCipher(new, old_keys=[old])
    link = GoogleCalendarLink(
        config=config, sessionmaker=sessionmaker, clock=clock, cipher=rotating
    )

    await link.sync()

    assert {r.token for r in google.requests} == {"ya29.a"}
    async with sessionmaker() as session:
        token = await google_store.get_token(session=session, cipher=TokenCipher(new))
    assert token is not None and token.refresh_token == "1//r"


def test_an_all_day_event_spans_local_midnights_on_the_long_dst_day() -> None:
    # Sunday 25 October 2026: Paris goes back from +02:00 to +01:00, a 25-hour day.
    item = {
        "id": "abcde",
        "summary": "  ",
        "start": {"date": "2026-10-25"},
        "end": {"date": "2026-10-26"},
        "updated": "2026-10-01T08:00:00.000Z",
    }
    row = from_google(item, PARIS, "Europe/Paris")
    assert row["all_day"] is True and row["title"] == "(sans titre)"
    assert row["starts_at"] == datetime(2026, 10, 24, 22, tzinfo=UTC)
    # Same-zone datetimes subtract as wall clocks: compare instants.
    assert row["ends_at"].astimezone(UTC) - row["starts_at"] == timedelta(hours=25)
    # Google's `updated` stamps no row: our own clock does (issue 14, item 7).
    assert "updated_at" not in row and "google_synced_at" not in row


def _local(starts_at: datetime, ends_at: datetime, *, all_day: bool) -> LocalEvent:
    return LocalEvent(
        id=uuid.uuid4(),
        google_event_id=None,
        title="Salon",
        description=None,
        location=None,
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        updated_at=starts_at,
        google_updated_at=None,
    )


def test_all_day_events_go_out_as_dates_of_at_least_one_day() -> None:
    def dates(starts_at: datetime, ends_at: datetime) -> tuple[str, str]:
        body = to_google(_local(starts_at, ends_at, all_day=True), PARIS)
        return body["start"]["date"], body["end"]["date"]

    def paris(day: int, hour: int = 0) -> datetime:
        return datetime(2026, 12, day, hour, tzinfo=PARIS)

    assert dates(paris(3), paris(4)) == ("2026-12-03", "2026-12-04")
    assert dates(paris(3), paris(3)) == ("2026-12-03", "2026-12-04")
    assert dates(paris(3), paris(5, 12)) == ("2026-12-03", "2026-12-06")


def test_timed_events_go_out_in_the_owner_zone_without_empty_fields() -> None:
    start = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 Paris, after the clocks went back
    body = to_google(_local(start, start + timedelta(hours=1), all_day=False), PARIS)
    assert body == {
        "summary": "Salon",
        "start": {"dateTime": "2026-10-25T02:30:00+01:00", "timeZone": "Europe/Paris"},
        "end": {"dateTime": "2026-10-25T03:30:00+01:00", "timeZone": "Europe/Paris"},
        "status": "confirmed",
    }
