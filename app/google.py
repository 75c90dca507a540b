"""Wiring of the Google Calendar link (integrations/google): built from Settings when
GOOGLE_OAUTH_CLIENT_ID, …_SECRET and …_REDIRECT_URI are all set, under `web.appkeys.GOOGLE`."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator

from aiohttp import web

from app.scheduler import OWNER_MESSAGES
from app.settings import Settings
from integrations.google.oauth import GoogleConfig
from integrations.google.remote import Backoff
from integrations.google.sync import GoogleCalendarLink
from store.encryption import TokenCipher
from web.appkeys import CLOCK, GOOGLE, SESSIONMAKER

log = logging.getLogger(__name__)

# Set before start to change how the link waits after a rate limit (tests: no real waits).
GOOGLE_BACKOFF = web.AppKey("google_backoff", Backoff)


def google_config(settings: Settings) -> GoogleConfig | None:
    """None unless the three OAuth settings are all set."""
    client_id = settings.google_oauth_client_id
    secret = settings.google_oauth_client_secret
    redirect_uri = settings.google_oauth_redirect_uri
    if client_id is None or secret is None or redirect_uri is None:
        return None
    return GoogleConfig(
        client_id, secret.get_secret_value(), redirect_uri, settings.google_api_base
    )


def _prepare_libraries() -> None:
    # Google may grant a different set of scopes than asked (with incremental consent);
    # oauthlib raises on that unless told not to.
    os.environ.setdefault("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    # Their DEBUG lines print token responses; and gcsa's client build says "file_cache is only
    # supported with oauth2client" at INFO on every sync.
    for name in ("requests_oauthlib", "oauthlib"):
        logging.getLogger(name).setLevel(logging.INFO)
    logging.getLogger("googleapiclient.discovery_cache").setLevel(logging.WARNING)


async def google_ctx(app: web.Application, settings: Settings) -> AsyncIterator[None]:
    """The link under GOOGLE when configured (the scheduler syncs it every 15 minutes)."""
    config = google_config(settings)
    if config is None:
        log.info(
            "Google Calendar sync disabled: GOOGLE_OAUTH_CLIENT_SECRET and "
            "GOOGLE_OAUTH_REDIRECT_URI are needed with GOOGLE_OAUTH_CLIENT_ID"
        )
        yield
        return
    _prepare_libraries()
    keys = settings.encryption_keys
    assert keys is not None  # generated outside production, required in it
    # The bot, when it runs (started before this), tells the owner what needs them, once.
    owner = app.get(OWNER_MESSAGES)
    app[GOOGLE] = GoogleCalendarLink(
        config=config,
        sessionmaker=app[SESSIONMAKER],
        clock=app[CLOCK],
        cipher=TokenCipher(*keys),
        notify=owner.notice if owner is not None else None,
        backoff=app.get(GOOGLE_BACKOFF) or Backoff(),
    )
    yield
