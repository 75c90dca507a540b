"""Settings: every variable of the README's table, read from the environment here and only here."""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.vocabulary import WeeklyTime, parse_hhmm, parse_hhmm_list, parse_weekly
from store.db import normalise_url
from store.encryption import check_key
from store.owner import DEFAULT_WEEKLY_REVIEW, Schedule

# Values copied from examples and templates; a production secret must never be one of these.
EXAMPLE_SECRETS = frozenset(
    {
        "",
        "changeme",
        "change-me",
        "change_me",
        "secret",
        "password",
        "example",
        "token",
        "xxx",
        "todo",
        "replace-me",
        "dev",
        "test",
    }
)


# What Telegram accepts as a webhook's secret_token.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# A guessable bearer is the whole API; the other production secrets need 16 characters.
MIN_BEARER_LENGTH = 32
MIN_SECRET_LENGTH = 16


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("ordinarthur-os", appauthor=False))


def _is_example(secret: str) -> bool:
    lowered = secret.strip().lower()
    return lowered in EXAMPLE_SECRETS or lowered.startswith(("changeme", "<"))


class SettingsError(ValueError):
    """A configuration the service refuses to start with; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    database_url: str | None = Field(
        None,
        description="PostgreSQL, postgres://… or postgresql+asyncpg://…; "
        "empty: an embedded PostgreSQL under DATA_DIR",
    )
    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="folder of the embedded database and the generated secrets; "
        "empty: the platform's user data folder for ordinarthur-os",
    )
    host: str = Field("127.0.0.1", description="address the web server listens on")
    port: int = Field(3000, ge=0, le=65535, description="port the web server listens on")
    api_bearer_token: SecretStr | None = Field(
        None,
        description="bearer of the REST API and the PWA; "
        "empty: generated once into DATA_DIR (outside production)",
    )
    trusted_proxies: Annotated[tuple[IPv4Network | IPv6Network, ...], NoDecode] = Field(
        (),
        description="comma-separated proxies (addresses or networks) whose X-Forwarded-For "
        "names the client; empty: the peer address is the client",
    )
    app_env: Literal["development", "production", "test"] = Field(
        "development",
        description="development, test or production "
        "(production refuses missing or example secrets)",
    )
    timezone: str = Field(
        "Europe/Paris", description="the owner's time zone: every schedule and every today"
    )
    owner_name: str | None = Field(
        None, max_length=100, description="the owner's first name for the PWA's greeting"
    )

    telegram_bot_token: SecretStr | None = Field(
        None, description="token from @BotFather; empty: no bot and no scheduler"
    )
    telegram_owner_id: int | None = Field(
        None, description="the owner's Telegram user id, the only one served (with a token)"
    )
    telegram_webhook_url: str | None = Field(
        None, description="public https URL of /telegram/webhook; empty: the bot polls"
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None,
        description="secret Telegram sends with each webhook call (required in production)",
    )
    telegram_api_base: str = Field(
        "https://api.telegram.org", description="Bot API server (a local one, or tests)"
    )

    mistral_api_key: SecretStr | None = Field(
        None, description="Mistral API key; empty: the offline parser answers"
    )
    mistral_model: str = Field(
        "mistral-small-latest", description="Mistral model that proposes the actions"
    )
    mistral_base_url: str = Field("https://api.mistral.ai", description="Mistral API server")

    groq_api_key: SecretStr | None = Field(
        None, description="Groq API key for speech-to-text; empty: voice notes are refused"
    )
    groq_stt_model: str = Field("whisper-large-v3-turbo", description="Groq speech-to-text model")
    groq_base_url: str = Field("https://api.groq.com", description="Groq API server")

    google_oauth_client_id: str | None = Field(
        None, description="Google OAuth client id; empty: no Google Calendar sync"
    )
    google_oauth_client_secret: SecretStr | None = Field(
        None, description="Google OAuth client secret"
    )
    google_oauth_redirect_uri: str | None = Field(
        None,
        description="OAuth callback registered with Google: "
        "https://<host>/agenda/google/oauth/callback",
    )
    google_api_base: str | None = Field(
        None, description="Google Calendar API server; empty: Google's own (tests set it)"
    )

    public_url: str | None = Field(
        None,
        description="https origin the PWA is served from (e.g. https://os.example.org); "
        "empty: no Telegram Mini App (menu button, /app)",
    )

    secrets_encryption_key: SecretStr | None = Field(
        None,
        description="Fernet key that encrypts the Google tokens in the database (required in "
        "production with Google); empty: generated once into DATA_DIR (outside production)",
    )
    secrets_encryption_old_keys: SecretStr | None = Field(
        None,
        description="comma-separated previous keys, still read while rows are encrypted "
        "again with the new one (key rotation)",
    )
    ical_feed_secret: SecretStr | None = Field(
        None,
        description="secret of the iCal feed URL /agenda/ical/<secret>.ics; "
        "empty: generated once into DATA_DIR (outside production)",
    )

    digest_time: Annotated[time, NoDecode] = Field(
        time(7, 30), description="time of the morning digest (HH:MM) until the owner changes it"
    )
    med_reminder_times: Annotated[tuple[time, ...], NoDecode] = Field(
        (time(9, 0), time(13, 0), time(20, 0)),
        description="times of the medication reminders (HH:MM, comma-separated) "
        "until the owner changes them",
    )
    event_reminder_minutes: int = Field(
        30,
        ge=0,
        le=7 * 24 * 60,
        description="minutes before an event its reminder rings (0: none) "
        "until the owner changes it",
    )
    weekly_review_time: Annotated[WeeklyTime, NoDecode] = Field(
        DEFAULT_WEEKLY_REVIEW,
        description="day and time of the weekly review (e.g. SUN 18:00) "
        "until the owner changes it",
    )

    ai_monthly_budget_eur: Decimal | None = Field(
        None,
        ge=0,
        max_digits=10,
        decimal_places=2,
        description="monthly cap on the AI's cost in euros: once reached, the offline parser "
        "serves until the next month; the owner changes it at run time; empty: no cap",
    )
    ai_usd_eur_rate: Decimal = Field(
        Decimal("0.86"),
        gt=0,
        le=100,
        description="euros for one US dollar, fixed: genai-prices gives prices in USD, "
        "the costs shown and the budget are in euros",
    )

    shutdown_grace_seconds: int = Field(
        90,
        ge=0,
        le=3600,
        description="seconds a stopping service (SIGTERM) finishes the requests and Telegram "
        "updates in flight; keep the pod's terminationGracePeriodSeconds above it",
    )

    @field_validator(
        "database_url",
        "telegram_webhook_url",
        "google_oauth_client_id",
        "google_oauth_redirect_uri",
        "google_api_base",
        "api_bearer_token",
        "telegram_bot_token",
        "telegram_webhook_secret",
        "mistral_api_key",
        "groq_api_key",
        "google_oauth_client_secret",
        "secrets_encryption_key",
        "secrets_encryption_old_keys",
        "ical_feed_secret",
        "telegram_owner_id",
        "owner_name",
        "ai_monthly_budget_eur",
        "public_url",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `FOO=` in a .env or a k8s secret means "not set", not "set to the empty string".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("data_dir", mode="before")
    @classmethod
    def _default_when_empty(cls, value: object) -> object:
        # As for the others, `DATA_DIR=` means "not set", not "the current folder".
        return _default_data_dir() if isinstance(value, str) and not value.strip() else value

    @field_validator("owner_name")
    @classmethod
    def _owner_name(cls, value: str | None) -> str | None:
        return value.strip() if value else value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        return None if value is None else _origin(value)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        return None if value is None else normalise_url(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Paris)") from None
        return value

    @field_validator("digest_time", mode="before")
    @classmethod
    def _digest_time(cls, value: object) -> object:
        return parse_hhmm(value) if isinstance(value, str) else value

    @field_validator("weekly_review_time", mode="before")
    @classmethod
    def _weekly_review_time(cls, value: object) -> object:
        return parse_weekly(value) if isinstance(value, str) else value

    @field_validator("med_reminder_times", mode="before")
    @classmethod
    def _reminder_times(cls, value: object) -> object:
        return parse_hhmm_list(value) if isinstance(value, str) else value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        try:
            return tuple(ip_network(p.strip()) for p in value.split(",") if p.strip())
        except ValueError as exc:
            raise ValueError(f"{exc} (e.g. 10.42.0.0/16,127.0.0.1)") from None

    @field_validator("secrets_encryption_key", "secrets_encryption_old_keys")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        for key in _keys(value):
            check_key(key)
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("Telegram accepts 1 to 256 characters among A-Z a-z 0-9 _ -")
        return value

    @field_validator("telegram_api_base", "mistral_base_url", "groq_base_url", "google_api_base")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @model_validator(mode="after")
    def _coherent(self) -> Settings:
        if self.telegram_bot_token and self.telegram_owner_id is None:
            raise ValueError(
                "TELEGRAM_OWNER_ID is required when TELEGRAM_BOT_TOKEN is set: "
                "the bot serves its owner only"
            )
        if self.telegram_webhook_url and not self.telegram_bot_token:
            raise ValueError("TELEGRAM_WEBHOOK_URL is set but TELEGRAM_BOT_TOKEN is not")
        if self.telegram_webhook_url and self.telegram_webhook_secret is None:
            # In every environment: without it, anyone who finds the URL can post updates.
            raise ValueError(
                "TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set "
                "(e.g. openssl rand -hex 32)"
            )
        insecure = self.public_url is not None and not self.public_url.startswith("https://")
        # Telegram opens only https Mini Apps; plain http is for a developer's machine.
        if insecure and self.app_env != "development":
            raise ValueError(
                "PUBLIC_URL must be https outside development (Telegram opens only https)"
            )
        if self.app_env == "production":
            self._check_production()
        return self

    def _check_production(self) -> None:
        required: dict[str, SecretStr | None] = {
            "API_BEARER_TOKEN": self.api_bearer_token,
            "ICAL_FEED_SECRET": self.ical_feed_secret,
        }
        if self.telegram_webhook_url:
            required["TELEGRAM_WEBHOOK_SECRET"] = self.telegram_webhook_secret
        if self.google_oauth_client_id:  # the Google tokens are stored encrypted with it
            required["SECRETS_ENCRYPTION_KEY"] = self.secrets_encryption_key
        min_length = {"API_BEARER_TOKEN": MIN_BEARER_LENGTH}
        optional: dict[str, SecretStr | None] = {
            "TELEGRAM_BOT_TOKEN": self.telegram_bot_token,
            "TELEGRAM_WEBHOOK_SECRET": self.telegram_webhook_secret,
            "MISTRAL_API_KEY": self.mistral_api_key,
            "GROQ_API_KEY": self.groq_api_key,
            "GOOGLE_OAUTH_CLIENT_SECRET": self.google_oauth_client_secret,
        }
        for name, secret in required.items():
            if secret is None:
                raise ValueError(f"{name} must be set when APP_ENV=production")
        for name, secret in {**optional, **required}.items():
            if secret is not None and _is_example(secret.get_secret_value()):
                raise ValueError(f"{name} is left at an example value; set a real secret")
        for name, secret in required.items():
            least = min_length.get(name, MIN_SECRET_LENGTH)
            if secret is not None and len(secret.get_secret_value()) < least:
                raise ValueError(
                    f"{name} is too short for production ({least} characters at least)"
                )
        if self.database_url and "changeme" in self.database_url.lower():
            raise ValueError("DATABASE_URL still has the example password 'changeme'")

    @property
    def encryption_keys(self) -> tuple[str, tuple[str, ...]] | None:
        """The key that encrypts, and the old ones that still decrypt; None when unset."""
        if self.secrets_encryption_key is None:
            return None
        key = self.secrets_encryption_key.get_secret_value()
        return key, _keys(self.secrets_encryption_old_keys)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def mini_app_url(self) -> str | None:
        """Where Telegram's menu button and /app open the PWA; None without PUBLIC_URL."""
        return f"{self.public_url}/app/" if self.public_url else None

    @property
    def google_missing(self) -> tuple[str, ...]:
        """The variables Google Calendar sync still needs (none: it is configured)."""
        values = {
            "GOOGLE_OAUTH_CLIENT_ID": self.google_oauth_client_id,
            "GOOGLE_OAUTH_CLIENT_SECRET": self.google_oauth_client_secret,
            "GOOGLE_OAUTH_REDIRECT_URI": self.google_oauth_redirect_uri,
        }
        return tuple(name for name, value in values.items() if value is None)

    @property
    def schedule_defaults(self) -> Schedule:
        """DIGEST_TIME, MED_REMINDER_TIMES, EVENT_REMINDER_MINUTES and WEEKLY_REVIEW_TIME: what
        holds until the owner changes them."""
        return Schedule(
            digest_time=self.digest_time,
            med_reminder_times=self.med_reminder_times,
            event_reminder_minutes=self.event_reminder_minutes,
            weekly_review=self.weekly_review_time,
        )


def _keys(value: SecretStr | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(k.strip() for k in value.get_secret_value().split(",") if k.strip())


def _origin(value: str) -> str:
    """`scheme://host[:port]`, nothing else: the PWA is served at `/app/` of that origin."""
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ValueError(f"{value!r} is not a URL (e.g. https://os.example.org)") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) origin (e.g. https://os.example.org)")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(
            f"{value!r} must be an origin only, with no path (the PWA is served at /app/)"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def load_settings() -> Settings:
    """Read the environment; raise SettingsError with a message naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(_explain(exc)) from None


def _explain(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"]).upper()
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{field}: {message}" if field else message)
    if len(lines) == 1:  # one clear line
        return f"invalid configuration: {lines[0]}"
    return "invalid configuration:\n  " + "\n  ".join(lines)
