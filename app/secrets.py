"""Development secrets generated once into DATA_DIR, so a laptop run needs no configuration."""

from __future__ import annotations

import json
import logging
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from pydantic import SecretStr

from app.settings import Settings

log = logging.getLogger(__name__)

GENERATED = {
    "api_bearer_token": "API_BEARER_TOKEN",
    "ical_feed_secret": "ICAL_FEED_SECRET",
    "secrets_encryption_key": "SECRETS_ENCRYPTION_KEY",
}


def _new(field: str) -> str:
    if field == "secrets_encryption_key":
        return Fernet.generate_key().decode()
    return secrets.token_urlsafe(32)


def _read(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)}


def _write(path: Path, values: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(values, fh, indent=2)
    os.replace(tmp, path)


def with_generated_secrets(settings: Settings) -> Settings:
    """Fill unset secrets (bearer, iCal, encryption key) from `DATA_DIR/secrets.json`, creating
    them once. The encryption key is kept there with the data it opens: losing the file loses
    the Google connection (reconnect), nothing else.

    Production generates nothing: Settings refuses to load without the secrets it needs there.
    """
    if settings.app_env == "production":
        return settings
    missing = [f for f in GENERATED if getattr(settings, f) is None]
    if not missing:
        return settings
    path = settings.data_dir / "secrets.json"
    stored = _read(path)
    created = [f for f in missing if f not in stored]
    for field in created:
        stored[field] = _new(field)
    if created:
        _write(path, stored)
    if "api_bearer_token" in created:
        # Logged once, at creation, so the owner can paste it into the PWA.
        log.warning(
            "generated API_BEARER_TOKEN=%s (stored in %s)", stored["api_bearer_token"], path
        )
    update = {f: SecretStr(stored[f]) for f in missing}
    return settings.model_copy(update=update)
