"""The settings as a production host loads them: each case runs in a fresh Python process with
only the environment a deployment would give it, so nothing from the test settings leaks in."""

from __future__ import annotations

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DJANGO_SETTINGS_MODULE": "directory.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "directory.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        # Named, not connected to: the checks and settings below never reach Redis.
        "REDIS_URL": "redis://redis.internal.example:6379/0",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def run_python(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_with_production_environment(tmp_path: Path) -> None:
    result = run_python(
        production_env(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr


def test_deploy_check_notices_a_switched_off_https_redirect(tmp_path: Path) -> None:
    # Proves the clean result above comes from the settings, not from a check that never runs.
    env = production_env(tmp_path, SECURE_SSL_REDIRECT="0")

    result = run_python(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W008" in result.stderr


@pytest.mark.parametrize(
    ("overrides", "warning"),
    [
        ({"REDIS_URL": ""}, "accounts.W001"),
        ({"STAFF_REQUIRE_MFA": "0"}, "accounts.W002"),
    ],
    ids=["cache-in-each-process", "staff-without-mfa"],
)
def test_deploy_check_notices_weakened_sign_in_protection(
    tmp_path: Path, overrides: dict[str, str], warning: str
) -> None:
    env = production_env(tmp_path, **overrides)

    result = run_python(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert warning in result.stderr


def _settings_value(env: dict[str, str], expression: str) -> str:
    result = run_python(env, "-c", f"from directory import settings; print({expression})", "--")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_cache_is_redis_when_redis_url_is_set(tmp_path: Path) -> None:
    env = production_env(tmp_path)

    backend = _settings_value(env, "settings.CACHES['default']['BACKEND']")
    location = _settings_value(env, "settings.CACHES['default']['LOCATION']")

    assert backend == "django.core.cache.backends.redis.RedisCache"
    assert location == "redis://redis.internal.example:6379/0"


def test_cache_is_local_memory_without_redis_url(tmp_path: Path) -> None:
    env = production_env(tmp_path, REDIS_URL="")

    backend = _settings_value(env, "settings.CACHES['default']['BACKEND']")

    assert backend == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize(
    ("debug", "expected"), [("0", "True"), ("1", "False")], ids=["production", "debug"]
)
def test_staff_need_mfa_unless_debug_is_on(tmp_path: Path, debug: str, expected: str) -> None:
    env = production_env(tmp_path, DEBUG=debug)

    assert _settings_value(env, "settings.STAFF_REQUIRE_MFA") == expected


def test_staff_mfa_can_be_required_with_debug_on(tmp_path: Path) -> None:
    env = production_env(tmp_path, DEBUG="1", STAFF_REQUIRE_MFA="1")

    assert _settings_value(env, "settings.STAFF_REQUIRE_MFA") == "True"


def test_settings_refuse_a_redis_url_that_is_not_one_without_echoing_it(tmp_path: Path) -> None:
    env = production_env(tmp_path, REDIS_URL="http://:s3cret-password@cache.example:6379")

    result = run_python(env, "-c", "import directory.settings")

    assert result.returncode != 0
    assert "ImproperlyConfigured: REDIS_URL must start with redis://" in result.stderr
    assert "s3cret-password" not in result.stderr


def test_settings_refuse_to_load_without_secret_key_when_debug_is_off(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    result = run_python(env, "-c", "import directory.settings")

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be a boolean"),
        ("SECURE_SSL_REDIRECT", "sometimes", "SECURE_SSL_REDIRECT must be a boolean"),
        ("SECURE_HSTS_SECONDS", "a-year", "SECURE_HSTS_SECONDS must be an integer"),
        ("STAFF_REQUIRE_MFA", "perhaps", "STAFF_REQUIRE_MFA must be a boolean"),
        ("TRUSTED_PROXY_COUNT", "one", "TRUSTED_PROXY_COUNT must be an integer"),
        ("EXPORT_RATE_LIMIT", "ten a minute", "EXPORT_RATE_LIMIT must be rates such as"),
        ("SHARE_RATE_LIMIT", "10/m,0/h", "SHARE_RATE_LIMIT must be rates such as"),
        ("EXPORT_CONCURRENCY", "two", "EXPORT_CONCURRENCY must be an integer"),
    ],
)
def test_settings_refuse_a_malformed_value(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    result = run_python(
        production_env(tmp_path, **{name: value}), "-c", "import directory.settings"
    )

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr


def test_rate_limits_read_from_the_environment_keep_their_defaults_otherwise(
    tmp_path: Path,
) -> None:
    env = production_env(tmp_path, SHARE_RATE_LIMIT=" 3/m , 20/h")
    limits = _settings_value(env, "settings.RATE_LIMITS")
    assert limits == str({"export": "10/m,100/h", "share": "3/m,20/h", "apply": "5/h"})


def test_gunicorn_config_reads_port_and_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")

    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))

    assert config["bind"] == "0.0.0.0:9123"
    assert config["workers"] == 3
    assert config["timeout"] == 30
    assert config["accesslog"] == "-"


def test_gunicorn_config_defaults_to_port_8000_and_a_bounded_worker_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)

    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))

    assert config["bind"] == "0.0.0.0:8000"
    assert 3 <= config["workers"] <= 8
