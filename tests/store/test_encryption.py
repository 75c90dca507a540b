"""The Google tokens at rest: encrypted with SECRETS_ENCRYPTION_KEY, plain rows from before
encrypted on their first read, old keys still read during a rotation and replaced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import google as google_store
from store.encryption import TokenCipher, UndecryptableSecretError, check_key
from store.tables import GoogleOAuthToken

Sessions = async_sessionmaker[AsyncSession]
ACCESS, REFRESH = "ya29.the-access-token", "1//the-refresh-token"
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
EXPIRES = datetime(2026, 11, 25, 11, tzinfo=UTC)


async def _columns(sessionmaker: Sessions) -> tuple[str, str]:
    """What the table holds, as a backup or anyone reading the database sees it."""
    async with sessionmaker() as session:
        row = (
            await session.execute(
                text("select access_token, refresh_token from google_oauth_tokens")
            )
        ).one()
    return row.access_token, row.refresh_token


async def _save(sessionmaker: Sessions, cipher: TokenCipher) -> None:
    async with sessionmaker.begin() as session:
        await google_store.save_token(
            session=session,
            cipher=cipher,
            access_token=ACCESS,
            refresh_token=REFRESH,
            expires_at=EXPIRES,
        )


async def _read(sessionmaker: Sessions, cipher: TokenCipher) -> google_store.GoogleToken | None:
    async with sessionmaker.begin() as session:
        return await google_store.get_token(session=session, cipher=cipher)


async def test_the_stored_columns_hold_no_token_text(sessionmaker: Sessions) -> None:
    await _save(sessionmaker, TokenCipher(NEW))

    stored = await _columns(sessionmaker)
    token = await _read(sessionmaker, TokenCipher(NEW))

    assert all(s.startswith("gAAAAA") for s in stored)  # Fernet tokens
    assert not any(secret in column for secret in (ACCESS, REFRESH) for column in stored)
    assert token == google_store.GoogleToken(ACCESS, REFRESH, EXPIRES, None)
    assert await _columns(sessionmaker) == stored  # current key: nothing written again


async def test_a_plain_row_from_before_is_encrypted_on_its_first_read(
    sessionmaker: Sessions,
) -> None:
    plain = {"access_token": ACCESS, "refresh_token": REFRESH, "expires_at": EXPIRES}
    async with sessionmaker.begin() as session:
        await session.execute(insert(GoogleOAuthToken).values(id=1, **plain))

    token = await _read(sessionmaker, TokenCipher(NEW))

    assert token is not None and (token.access_token, token.refresh_token) == (ACCESS, REFRESH)
    access, refresh = await _columns(sessionmaker)
    assert ACCESS not in access and REFRESH not in refresh
    assert TokenCipher(NEW).decrypt(access).text == ACCESS


async def test_rotation_reads_with_the_old_key_and_writes_with_the_new(
    sessionmaker: Sessions,
) -> None:
    await _save(sessionmaker, TokenCipher(OLD))
    rotating = TokenCipher(NEW, old_keys=[OLD])

    token = await _read(sessionmaker, rotating)

    assert token is not None and token.refresh_token == REFRESH
    # Written again with the new key: the old one can go.
    assert (await _read(sessionmaker, TokenCipher(NEW))) == token
    with pytest.raises(UndecryptableSecretError, match="SECRETS_ENCRYPTION_OLD_KEYS"):
        await _read(sessionmaker, TokenCipher(OLD))


async def test_a_write_uses_the_new_key(sessionmaker: Sessions) -> None:
    await _save(sessionmaker, TokenCipher(OLD))
    async with sessionmaker.begin() as session:
        await google_store.update_access_token(
            session=session,
            cipher=TokenCipher(NEW, old_keys=[OLD]),
            access_token="ya29.refreshed",
            expires_at=EXPIRES + timedelta(hours=1),
        )
    access, _ = await _columns(sessionmaker)

    assert TokenCipher(NEW).decrypt(access).text == "ya29.refreshed"


def test_a_key_that_is_not_a_fernet_key_is_refused() -> None:
    assert check_key(NEW) == NEW
    for bad in ("too-short", "x" * 44):
        with pytest.raises(ValueError, match="not a Fernet key"):
            check_key(bad)
