"""Telegram's proof of who opened the PWA: `Telegram.WebApp.initData`, the query string Telegram
hands a Mini App, signed with an HMAC keyed by the bot's token. Checked with aiogram's own
helper, then for freshness and for the owner.

- A wrong signature (data changed, or signed for another bot), a missing user or date, or data
  older than `MAX_AGE` (a replay of an old opening): `InitDataRefused`, a 401.
- Someone else than the owner, with a true signature: `NotTheOwner`, a 403.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import ValidationError

MAX_AGE = timedelta(hours=24)
# Telegram's clock and ours may differ a little; data "from the future" beyond that is refused.
CLOCK_SKEW = timedelta(minutes=5)


class InitDataRefused(Exception):
    """Not a valid, fresh proof from Telegram; `code` is the JSON error's code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class NotTheOwner(Exception):
    def __init__(self, user_id: int) -> None:
        super().__init__(f"Telegram user {user_id} is not the owner")
        self.user_id = user_id


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    auth_date: datetime


def verify_init_data(init_data: str, *, bot_token: str, owner_id: int, now: datetime) -> SignedIn:
    # aiogram takes a second or two to import: only once someone signs in (the bot, when
    # configured, has imported it already).
    from aiogram.utils.web_app import safe_parse_webapp_init_data

    try:
        data = safe_parse_webapp_init_data(bot_token, init_data)
    except (ValidationError, json.JSONDecodeError):
        # Signed by Telegram, but not what a Mini App is given (a field missing or malformed).
        raise InitDataRefused(
            "init_data_incomplete", "Telegram's data has no readable user or date"
        ) from None
    except ValueError:
        raise InitDataRefused(
            "init_data_invalid",
            "Telegram's signature does not match: the data was changed, or signed for another bot",
        ) from None
    if data.user is None:
        raise InitDataRefused("init_data_incomplete", "Telegram's data names no user")
    signed_at = data.auth_date if data.auth_date.tzinfo else data.auth_date.replace(tzinfo=UTC)
    if now - signed_at > MAX_AGE:
        raise InitDataRefused(
            "init_data_expired",
            "Telegram signed this more than 24 hours ago: open the app from Telegram again",
        )
    if signed_at - now > CLOCK_SKEW:
        raise InitDataRefused("init_data_invalid", "Telegram's date is in the future")
    if data.user.id != owner_id:
        raise NotTheOwner(data.user.id)
    return SignedIn(user_id=data.user.id, auth_date=signed_at)
