"""``manage.py check --deploy`` warnings for settings that quietly weaken sign-in protection."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

# Caches that each process keeps to itself, or that keep nothing at all.
UNSHARED_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.CACHES["default"]["BACKEND"] not in UNSHARED_CACHES:
        return []
    return [
        Warning(
            "The cache is not shared between processes, so each gunicorn worker and host counts "
            "failed sign-ins and used two-factor codes on its own.",
            hint="Set REDIS_URL to the Redis server every app process uses.",
            id="accounts.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_staff_mfa(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.STAFF_REQUIRE_MFA:
        return []
    return [
        Warning(
            "Staff can use the admin without a second factor (STAFF_REQUIRE_MFA is off).",
            hint="Leave STAFF_REQUIRE_MFA unset (it defaults to on when DEBUG is off).",
            id="accounts.W002",
        )
    ]
