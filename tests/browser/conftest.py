"""A real browser (Debian's chromium, driven by Playwright) against pytest-django's live server.

One browser per test session (per xdist worker); a fresh context and page per test, so cookies
and focus never leak between tests. Each page records the console errors it saw.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test.utils import override_settings
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from members.models import Company
from tests.factories import CompanyFactory

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the
# database access that the live server's data fixtures need from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session", autouse=True)
def _plain_http_live_server() -> Iterator[None]:
    """The live server's middleware reads these once, when it starts: set them for the session.

    The same values as tests/conftest.py's per-test overrides, so other tests see no difference.
    """
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium is not installed at {CHROMIUM} (set CHROMIUM_PATH)")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def directory(company_with_profile: Company) -> Company:
    """A small directory: two clusters, a full profile and a few plain companies."""
    cyber, data = company_with_profile.clusters.order_by("name")
    for name in ("Kestrel Cyber Example Ltd", "Osprey Networks Example Ltd"):
        CompanyFactory(name=name, summary=f"{name} protects council networks.", clusters=[cyber])
    CompanyFactory(name="Puffin Analytics Example Ltd", summary="Open data.", clusters=[data])
    return company_with_profile


@pytest.fixture
def page(browser: Browser, live_server: object) -> Iterator[Page]:
    context = browser.new_context(
        base_url=str(live_server), viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_errors = []  # type: ignore[attr-defined]

    def remember(message: ConsoleMessage) -> None:
        if message.type == "error":
            page.console_errors.append(message.text)  # type: ignore[attr-defined]

    page.on("console", remember)
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser: Browser, live_server: object) -> Iterator[Page]:
    """A browser with JavaScript switched off: every page must work without it."""
    context = browser.new_context(
        base_url=str(live_server),
        viewport={"width": 1280, "height": 900},
        java_script_enabled=False,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
