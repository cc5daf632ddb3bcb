"""Sign-in limits, the site's own rate limits and export slots hold across app processes and
hosts: they are counted in Redis (REDIS_URL).

Each "process" below is the cache as a new app process builds it from the same settings: its own
RedisCache instance with its own connections to the same server. Failures counted through one
lock the account through the other. With each process's own memory instead (no REDIS_URL), they
do not, which is what the deploy check accounts.W001 warns about.

Needs Redis at TEST_REDIS_URL (default redis://127.0.0.1:6379/0). Without one these tests are
skipped, or fail with REQUIRE_REDIS=1 (as CI sets). Keys carry a prefix of their own per test, so
runs and workers never count each other's attempts.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from pytest_django import Settings

from directory.limits import ExportSlot
from members.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TOO_MANY_FAILURES = "Too many attempts. Wait a few minutes, then try again."


@pytest.fixture(scope="module")
def redis_server() -> Iterator[redis.Redis]:
    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        server.ping()
    except redis.RedisError as error:
        message = f"Redis is not reachable at {REDIS_URL} ({error})"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    yield server
    server.close()


@pytest.fixture
def key_prefix(redis_server: redis.Redis) -> Iterator[str]:
    prefix = f"test-{uuid.uuid4().hex}"
    yield prefix
    for key in redis_server.scan_iter(f"{prefix}:*"):
        redis_server.delete(key)


def _start_process(settings: Settings, cache: dict[str, object]) -> object:
    """Load the cache setting as a freshly started process would, and return its cache."""
    settings.CACHES = {"default": dict(cache)}  # a new value: Django builds new cache objects
    return caches["default"]


def _redis_setting(prefix: str) -> dict[str, object]:
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }


def _fail_five_times(email: str) -> None:
    for attempt in range(5):
        response = Client().post(
            "/accounts/login/",
            {"login": email, "password": "wrong-guess"},
            REMOTE_ADDR=f"198.51.100.{attempt}",
        )
        assert TOO_MANY_FAILURES not in response.text


def _sign_in(email: str) -> Client:
    client = Client()
    client.post(
        "/accounts/login/", {"login": email, "password": TEST_PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    return client


@pytest.fixture
def member() -> User:
    return UserFactory(email="morgan@member.example")


def test_failures_counted_in_one_process_lock_the_account_in_another(
    settings: Settings, key_prefix: str, member: User
) -> None:
    first = _start_process(settings, _redis_setting(key_prefix))
    _fail_five_times(member.email)

    second = _start_process(settings, _redis_setting(key_prefix))
    client = _sign_in(member.email)

    assert first is not second
    assert first._cache.get_client() is not second._cache.get_client()
    assert "_auth_user_id" not in client.session


def test_accounts_not_tried_in_another_process_still_sign_in(
    settings: Settings, key_prefix: str, member: User
) -> None:
    _start_process(settings, _redis_setting(key_prefix))
    _fail_five_times("someone.else@member.example")

    _start_process(settings, _redis_setting(key_prefix))
    client = _sign_in(member.email)

    assert client.session["_auth_user_id"] == str(member.pk)


def test_each_process_counts_alone_in_its_own_memory(settings: Settings, member: User) -> None:
    # The control: why production needs REDIS_URL. Two local-memory caches, as two processes have.
    locmem = "django.core.cache.backends.locmem.LocMemCache"
    _start_process(settings, {"BACKEND": locmem, "LOCATION": "first-process"})
    _fail_five_times(member.email)

    _start_process(settings, {"BACKEND": locmem, "LOCATION": "second-process"})
    client = _sign_in(member.email)

    assert client.session["_auth_user_id"] == str(member.pk)


# The site's own limits (directory/limits.py) and export slots are counted in the same cache.


def test_exports_counted_in_one_process_limit_the_address_in_another(
    settings: Settings, key_prefix: str
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "2/m"}
    _start_process(settings, _redis_setting(key_prefix))
    buyer = Client(REMOTE_ADDR="203.0.113.50")
    for _ in range(2):
        response = buyer.get("/companies/export.csv")
        assert response.status_code == 200
        b"".join(response.streaming_content)  # read to the end, as a browser does

    _start_process(settings, _redis_setting(key_prefix))
    refused = Client(REMOTE_ADDR="203.0.113.50").get("/companies/export.csv")

    assert refused.status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.51").get("/companies/export.csv").status_code == 200


def test_an_export_slot_taken_in_one_process_is_taken_for_another(
    settings: Settings, key_prefix: str
) -> None:
    settings.EXPORT_CONCURRENCY = 1
    _start_process(settings, _redis_setting(key_prefix))
    held = ExportSlot()
    assert held.acquire(wait=0)

    _start_process(settings, _redis_setting(key_prefix))
    assert not ExportSlot().acquire(wait=0)
    held.release()
    assert ExportSlot().acquire(wait=0)
