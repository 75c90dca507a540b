"""Secrets at rest: the columns that hold credentials (Google's OAuth tokens) are encrypted with
Fernet (`cryptography`: AES-128-CBC and HMAC-SHA256, with a timestamp), under a key from the
environment (SECRETS_ENCRYPTION_KEY).

Rotation: the new key goes in SECRETS_ENCRYPTION_KEY and the old one(s) in
SECRETS_ENCRYPTION_OLD_KEYS. A value is read with whichever key made it (MultiFernet) and is
written again with the new key the next time it is read or written, so the old keys can be
dropped once every row has been read. A value stored before encryption existed (plain text) is
read as it is, and written again encrypted the same way.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from store.errors import StoreError

_FERNET_VERSION = 0x80  # the first byte of every Fernet token


class UndecryptableSecretError(StoreError):
    """An encrypted value that none of the configured keys opens (a key was lost or dropped
    too early); the message names the settings."""


def check_key(key: str) -> str:
    """The key itself; raises ValueError when it is not a Fernet key."""
    try:
        Fernet(key)
    except (ValueError, binascii.Error):
        raise ValueError(
            "not a Fernet key (32 url-safe base64-encoded bytes; make one with "
            'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key())")'
        ) from None
    return key


def _is_encrypted(value: str) -> bool:
    try:
        raw = base64.urlsafe_b64decode(value.encode())
    except (ValueError, binascii.Error):
        return False
    return len(raw) >= 57 and raw[0] == _FERNET_VERSION  # version, time, IV, a block, HMAC


@dataclass(frozen=True)
class Opened:
    text: str
    # Plain text from before encryption, or made with an old key: to write again.
    stale: bool


class TokenCipher:
    """Encrypts with the current key, decrypts with it or any old one."""

    def __init__(self, key: str, old_keys: Sequence[str] = ()) -> None:
        self._current = Fernet(key)
        self._any = MultiFernet([self._current, *(Fernet(k) for k in old_keys)])

    def encrypt(self, text: str) -> str:
        return self._current.encrypt(text.encode()).decode()

    def decrypt(self, stored: str) -> Opened:
        token = stored.encode()
        try:
            return Opened(self._current.decrypt(token).decode(), stale=False)
        except InvalidToken:
            pass
        try:
            return Opened(self._any.decrypt(token).decode(), stale=True)
        except InvalidToken:
            if _is_encrypted(stored):
                raise UndecryptableSecretError(
                    "a stored secret was encrypted with a key that neither "
                    "SECRETS_ENCRYPTION_KEY nor SECRETS_ENCRYPTION_OLD_KEYS holds"
                ) from None
        return Opened(stored, stale=True)
