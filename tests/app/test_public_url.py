"""PUBLIC_URL: the https origin of the PWA, the Mini App's address."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import SettingsError, load_settings


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in ("APP_ENV", "PUBLIC_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    return monkeypatch


def test_unset_means_no_mini_app(env: pytest.MonkeyPatch) -> None:
    assert load_settings().mini_app_url is None
    env.setenv("PUBLIC_URL", " ")
    assert load_settings().public_url is None


def test_an_https_origin_gives_the_apps_address(env: pytest.MonkeyPatch) -> None:
    env.setenv("PUBLIC_URL", "https://OS.Example.org/")
    settings = load_settings()
    assert settings.public_url == "https://os.example.org"
    assert settings.mini_app_url == "https://os.example.org/app/"
    env.setenv("PUBLIC_URL", "https://os.example.org:8443")
    assert load_settings().mini_app_url == "https://os.example.org:8443/app/"


@pytest.mark.parametrize("app_env", ["test", "production"])
def test_plain_http_is_refused_outside_development(env: pytest.MonkeyPatch, app_env: str) -> None:
    env.setenv("APP_ENV", app_env)
    env.setenv("PUBLIC_URL", "http://os.example.org")
    with pytest.raises(SettingsError, match="PUBLIC_URL must be https outside development"):
        load_settings()


def test_plain_http_is_accepted_in_development(env: pytest.MonkeyPatch) -> None:
    env.setenv("PUBLIC_URL", "http://192.168.1.20:3000")
    assert load_settings().mini_app_url == "http://192.168.1.20:3000/app/"


@pytest.mark.parametrize(
    "value",
    [
        "os.example.org",
        "ftp://os.example.org",
        "https://",
        "https://os.example.org/app/",
        "https://os.example.org?x=1",
        "https://user@os.example.org",
        "https://os.example.org:port",
    ],
)
def test_anything_but_an_origin_is_refused_naming_the_variable(
    env: pytest.MonkeyPatch, value: str
) -> None:
    env.setenv("PUBLIC_URL", value)
    with pytest.raises(SettingsError, match="PUBLIC_URL"):
        load_settings()
