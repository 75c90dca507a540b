from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from app.cli import main
from app.secrets import with_generated_secrets
from app.settings import Settings, SettingsError, load_settings
from core.vocabulary import WeeklyTime
from tests.conftest import free_port

PROD_ENV = {
    "APP_ENV": "production",
    "API_BEARER_TOKEN": "a-real-bearer-token-for-production-use",
    "ICAL_FEED_SECRET": "a-real-ical-secret-for-prod",
    "DATABASE_URL": "postgres://os:s3cret-pw@db:5432/os",
}

TELEGRAM_ENV = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_OWNER_ID",
    "TELEGRAM_WEBHOOK_URL",
    "TELEGRAM_WEBHOOK_SECRET",
)


GOOGLE_ENV = (
    "GOOGLE_OAUTH_CLIENT_ID",
    "GOOGLE_OAUTH_CLIENT_SECRET",
    "GOOGLE_OAUTH_REDIRECT_URI",
    "SECRETS_ENCRYPTION_KEY",
    "SECRETS_ENCRYPTION_OLD_KEYS",
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in (*PROD_ENV, *TELEGRAM_ENV, *GOOGLE_ENV, "MISTRAL_API_KEY", "TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("OWNER_NAME", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    return monkeypatch


def test_defaults_and_parsing(env: pytest.MonkeyPatch) -> None:
    env.setenv("MED_REMINDER_TIMES", "20:00, 09:00")
    env.setenv("DIGEST_TIME", "06:45")
    env.setenv("DATABASE_URL", "postgres://u:p@h/db")
    s = load_settings()
    assert s.med_reminder_times == (time(9), time(20))
    assert s.digest_time == time(6, 45)
    assert s.database_url == "postgresql+asyncpg://u:p@h/db"
    assert (s.host, s.port, s.timezone) == ("127.0.0.1", 3000, "Europe/Paris")
    assert s.owner_name is None


def test_the_owners_name_is_optional_and_trimmed(env: pytest.MonkeyPatch) -> None:
    env.setenv("OWNER_NAME", "  Camille ")
    assert load_settings().owner_name == "Camille"
    env.setenv("OWNER_NAME", " ")
    assert load_settings().owner_name is None


def test_event_reminders_and_the_weekly_review_have_defaults_the_env_changes(
    env: pytest.MonkeyPatch,
) -> None:
    defaults = load_settings().schedule_defaults
    assert defaults.event_reminder_minutes == 30
    assert defaults.weekly_review == WeeklyTime(6, time(18, 0))
    env.setenv("EVENT_REMINDER_MINUTES", "10")
    env.setenv("WEEKLY_REVIEW_TIME", "ven 17h30")
    changed = load_settings().schedule_defaults
    assert (changed.event_reminder_minutes, str(changed.weekly_review)) == (10, "FRI 17:30")
    env.setenv("WEEKLY_REVIEW_TIME", "someday")
    with pytest.raises(SettingsError, match="WEEKLY_REVIEW_TIME"):
        load_settings()


def test_production_refuses_an_example_secret(env: pytest.MonkeyPatch) -> None:
    for name, value in PROD_ENV.items():
        env.setenv(name, value)
    load_settings()  # the real values pass
    env.setenv("API_BEARER_TOKEN", "changeme")
    with pytest.raises(SettingsError, match="API_BEARER_TOKEN is left at an example value"):
        load_settings()


def test_production_refuses_a_missing_secret(env: pytest.MonkeyPatch) -> None:
    for name, value in PROD_ENV.items():
        env.setenv(name, value)
    env.delenv("ICAL_FEED_SECRET")
    with pytest.raises(SettingsError, match="ICAL_FEED_SECRET must be set"):
        load_settings()


def test_production_with_google_needs_the_key_that_encrypts_its_tokens(
    env: pytest.MonkeyPatch,
) -> None:
    for name, value in PROD_ENV.items():
        env.setenv(name, value)
    load_settings()  # no Google: no key needed
    env.setenv("GOOGLE_OAUTH_CLIENT_ID", "client.apps.googleusercontent.com")
    with pytest.raises(SettingsError, match="SECRETS_ENCRYPTION_KEY must be set"):
        load_settings()
    key, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    env.setenv("SECRETS_ENCRYPTION_KEY", key)
    env.setenv("SECRETS_ENCRYPTION_OLD_KEYS", f"{old}, ")
    assert load_settings().encryption_keys == (key, (old,))


def test_an_encryption_key_that_is_not_a_fernet_key_names_its_variable(
    env: pytest.MonkeyPatch,
) -> None:
    for name in ("SECRETS_ENCRYPTION_KEY", "SECRETS_ENCRYPTION_OLD_KEYS"):
        env.setenv(name, "not-a-key")
        with pytest.raises(SettingsError, match=f"{name}: not a Fernet key"):
            load_settings()
        env.delenv(name)


def test_the_dev_encryption_key_is_generated_once_and_never_in_production(
    tmp_path: Path,
) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    first, second = with_generated_secrets(settings), with_generated_secrets(settings)
    assert first.encryption_keys is not None
    assert first.encryption_keys == second.encryption_keys
    Fernet(first.encryption_keys[0])  # a usable key
    production = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "prod",
        **{k.lower(): v for k, v in PROD_ENV.items()},
    )
    assert with_generated_secrets(production).encryption_keys is None
    assert not (tmp_path / "prod").exists()


def test_token_without_owner_is_a_startup_error(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_OWNER_ID is required when TELEGRAM_BOT_TOKEN is set" in err
    assert "Traceback" not in err


def test_bad_values_name_the_variable(env: pytest.MonkeyPatch) -> None:
    env.setenv("TIMEZONE", "Mars/Olympus")
    env.setenv("DIGEST_TIME", "7h30")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert "TIMEZONE: unknown time zone 'Mars/Olympus'" in str(info.value)
    assert "DIGEST_TIME" in str(info.value)


def test_dev_secrets_are_generated_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    first = with_generated_secrets(settings)
    second = with_generated_secrets(settings)
    assert first.api_bearer_token is not None and first.ical_feed_secret is not None
    assert first.api_bearer_token == second.api_bearer_token
    assert first.ical_feed_secret == second.ical_feed_secret
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600
    bearer = first.api_bearer_token.get_secret_value()
    assert sum(bearer in r.getMessage() for r in caplog.records) == 1


def test_an_unreachable_database_is_one_clear_line(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("DATABASE_URL", f"postgres://owner:s3cret-pw@127.0.0.1:{free_port()}/os")
    for command in ("migrate", "run"):
        env.setenv("PORT", str(free_port()))
        assert main([command]) == 1
        err = capsys.readouterr().err
        assert "cannot reach the database" in err and "check DATABASE_URL" in err
        assert "s3cret-pw" not in err and "Traceback" not in err


@pytest.mark.parametrize("app_env", ["development", "test", "production"])
@pytest.mark.parametrize("secret", [None, "", "   "])
def test_a_webhook_without_its_secret_refuses_to_start_in_every_environment(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], app_env: str, secret: str | None
) -> None:
    if app_env == "production":
        for name, value in PROD_ENV.items():
            env.setenv(name, value)
    env.setenv("APP_ENV", app_env)
    # Were the webhook accepted, `run` would stop there (exit 1), not serve for ever.
    env.setenv("DATABASE_URL", f"postgres://owner:s3cret-pw@127.0.0.1:{free_port()}/os")
    env.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    env.setenv("TELEGRAM_OWNER_ID", "42")
    env.setenv("TELEGRAM_WEBHOOK_URL", "https://os.example/telegram/webhook")
    if secret is not None:
        env.setenv("TELEGRAM_WEBHOOK_SECRET", secret)
    assert main(["run"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert "TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set" in lines[0]


def test_a_webhook_secret_telegram_would_refuse_is_refused_at_start(
    env: pytest.MonkeyPatch,
) -> None:
    env.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    env.setenv("TELEGRAM_OWNER_ID", "42")
    env.setenv("TELEGRAM_WEBHOOK_URL", "https://os.example/telegram/webhook")
    env.setenv("TELEGRAM_WEBHOOK_SECRET", "no spaces or quotes allowed")
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET: Telegram accepts"):
        load_settings()
    env.setenv("TELEGRAM_WEBHOOK_SECRET", "Only_letters-digits_0123")
    assert load_settings().telegram_webhook_secret is not None


def test_production_needs_a_bearer_of_32_characters(env: pytest.MonkeyPatch) -> None:
    for name, value in PROD_ENV.items():
        env.setenv(name, value)
    env.setenv("API_BEARER_TOKEN", "x7" * 15 + "q")  # 31 characters
    with pytest.raises(SettingsError, match=r"API_BEARER_TOKEN is too short .*32 characters"):
        load_settings()
    env.setenv("API_BEARER_TOKEN", "x7" * 16)
    load_settings()
    env.setenv("ICAL_FEED_SECRET", "y8" * 8)  # the other secrets still need 16
    load_settings()


def test_trusted_proxies_are_networks(env: pytest.MonkeyPatch) -> None:
    env.setenv("TRUSTED_PROXIES", "10.42.0.0/16, 127.0.0.1,fd00::/8")
    assert [str(n) for n in load_settings().trusted_proxies] == [
        "10.42.0.0/16",
        "127.0.0.1/32",
        "fd00::/8",
    ]
    env.setenv("TRUSTED_PROXIES", "10.42.0.1/16")
    with pytest.raises(SettingsError, match="TRUSTED_PROXIES: 10.42.0.1/16 has host bits set"):
        load_settings()
