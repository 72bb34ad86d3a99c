"""The settings module read from the environment: defaults, secrets, failures."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

import credstack.config.settings as settings_module

KEK = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio"
VARIABLES = (
    "CREDSTACK_HOME",
    "CREDSTACK_DEBUG",
    "CREDSTACK_SECRET_KEY",
    "CREDSTACK_SECRET_KEY_FILE",
    "CREDSTACK_KEY_ENCRYPTION_KEY",
    "CREDSTACK_KEY_ENCRYPTION_KEY_FILE",
    "CREDSTACK_BASE_URL",
    "CREDSTACK_ALLOWED_HOSTS",
    "CREDSTACK_REDIS_URL",
    "CREDSTACK_SMTP_URL",
    "CREDSTACK_JOBS_IMMEDIATE",
    "CREDSTACK_HSTS_SECONDS",
    "DATABASE_URL",
)


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Evaluate the settings module under exactly the given environment."""

    def run(**environment: str) -> dict[str, Any]:
        for name in VARIABLES:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("CREDSTACK_HOME", str(tmp_path / "home"))
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(settings_module.__file__)

    return run


def test_it_runs_a_local_instance_from_the_data_directory(load, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "secret_key").write_text("s3cret-from-init\n")
    (home / "key_encryption_key").write_text(KEK + "\n")
    settings = load()
    assert settings["SECRET_KEY"] == "s3cret-from-init"
    assert settings["CREDSTACK_KEY_ENCRYPTION_KEY"] == b"*" * 32
    assert settings["DEBUG"] is False
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == home / "credstack.sqlite3"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert settings["HUEY"]["huey_class"] == "huey.SqliteHuey"
    assert settings["HUEY"]["filename"] == str(home / "huey.sqlite3")
    assert settings["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert settings["AUTH_USER_MODEL"] == "accounts.User"


def test_it_refuses_to_start_without_a_secret_key_outside_debug(load):
    with pytest.raises(ImproperlyConfigured, match="CREDSTACK_SECRET_KEY"):
        load(CREDSTACK_KEY_ENCRYPTION_KEY=KEK)


def test_it_refuses_to_start_without_a_key_encryption_key_outside_debug(load):
    with pytest.raises(ImproperlyConfigured, match="CREDSTACK_KEY_ENCRYPTION_KEY"):
        load(CREDSTACK_SECRET_KEY="x" * 50)


def test_it_starts_in_debug_without_secrets_but_without_signing(load):
    settings = load(CREDSTACK_DEBUG="true")
    assert settings["DEBUG"] is True
    assert settings["CREDSTACK_KEY_ENCRYPTION_KEY"] is None
    assert "localhost" in settings["ALLOWED_HOSTS"]


@pytest.mark.parametrize("value", ["short", "!!!not base64!!!", KEK + "KioqKio"])
def test_it_refuses_a_key_encryption_key_that_is_not_32_bytes(load, value):
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        load(CREDSTACK_SECRET_KEY="x" * 50, CREDSTACK_KEY_ENCRYPTION_KEY=value)


def test_it_reads_secrets_from_files(load, tmp_path):
    (tmp_path / "secret").write_text("from-a-file\n")
    (tmp_path / "kek").write_text(KEK)
    settings = load(
        CREDSTACK_SECRET_KEY_FILE=str(tmp_path / "secret"),
        CREDSTACK_KEY_ENCRYPTION_KEY_FILE=str(tmp_path / "kek"),
    )
    assert settings["SECRET_KEY"] == "from-a-file"


def test_it_refuses_a_secret_given_twice_or_unreadable(load, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="not both"):
        load(
            CREDSTACK_SECRET_KEY="a",
            CREDSTACK_SECRET_KEY_FILE=str(tmp_path / "x"),
            CREDSTACK_KEY_ENCRYPTION_KEY=KEK,
        )
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        load(CREDSTACK_SECRET_KEY_FILE=str(tmp_path / "missing"), CREDSTACK_KEY_ENCRYPTION_KEY=KEK)


def test_it_uses_postgresql_redis_and_smtp_from_urls(load):
    settings = load(
        CREDSTACK_SECRET_KEY="x" * 50,
        CREDSTACK_KEY_ENCRYPTION_KEY=KEK,
        DATABASE_URL="postgres://app:p%40ss@db.internal:6543/credstack?sslmode=require",
        CREDSTACK_REDIS_URL="redis://127.0.0.1:6379/0",
        CREDSTACK_SMTP_URL="smtps://mailer:pw@smtp.example.org",
        CREDSTACK_BASE_URL="https://badges.example.edu",
    )
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == (
        "credstack",
        "app",
        "p@ss",
    )
    assert (database["HOST"], database["PORT"]) == ("db.internal", "6543")
    assert database["OPTIONS"] == {"sslmode": "require"}
    assert settings["HUEY"]["huey_class"] == "huey.RedisHuey"
    assert settings["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"]) == ("smtp.example.org", 465)
    assert settings["EMAIL_USE_SSL"] is True
    assert settings["ALLOWED_HOSTS"] == ["badges.example.edu"]
    assert settings["SESSION_COOKIE_SECURE"] is True


def test_worker_processes_share_the_rate_limit_counts_through_redis(load):
    production = {"CREDSTACK_SECRET_KEY": "x" * 50, "CREDSTACK_KEY_ENCRYPTION_KEY": KEK}
    assert "CACHES" not in load(**production)  # Django's in-memory cache, per process
    cache = load(**production, CREDSTACK_REDIS_URL="redis://10.0.0.5:6379/1")["CACHES"]
    assert cache["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["default"]["LOCATION"] == "redis://10.0.0.5:6379/1"


def test_it_sends_strict_transport_security_only_when_asked(load):
    production = {
        "CREDSTACK_SECRET_KEY": "x" * 50,
        "CREDSTACK_KEY_ENCRYPTION_KEY": KEK,
        "CREDSTACK_BASE_URL": "https://badges.example.edu",
    }
    assert load(**production)["SECURE_HSTS_SECONDS"] == 0
    assert load(**production, CREDSTACK_HSTS_SECONDS="31536000")["SECURE_HSTS_SECONDS"] == (
        31536000
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/db"),
        ("DATABASE_URL", "postgres://localhost/"),
        ("CREDSTACK_BASE_URL", "badges.example.edu"),
        ("CREDSTACK_SMTP_URL", "mail.example.org"),
        ("CREDSTACK_DEBUG", "maybe"),
        ("CREDSTACK_HSTS_SECONDS", "a year"),
        ("CREDSTACK_HSTS_SECONDS", "-1"),
    ],
)
def test_it_names_the_variable_with_a_bad_value(load, name, value):
    environment = {"CREDSTACK_SECRET_KEY": "x" * 50, "CREDSTACK_KEY_ENCRYPTION_KEY": KEK}
    with pytest.raises(ImproperlyConfigured, match=name):
        load(**environment, **{name: value})
