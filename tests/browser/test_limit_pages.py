"""The pages a buyer meets at a limit: too many downloads (429), every export slot taken (503),
a permanent link nobody opened for a year (410). Each says what happened and when to try again,
with zero axe violations and valid HTML."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django import Settings

from directory.limits import ExportSlot
from members.models import Company, SharedShortlist
from tests.browser.test_html_validity import _assert_valid
from tests.browser.test_member_journey import no_axe_violations
from tests.factories import CompanyFactory

pytestmark = pytest.mark.browser

LIMIT_STATUSES = frozenset({410, 429, 503})


@pytest.fixture
def company(transactional_db: None) -> Company:
    return CompanyFactory(name="Kestrel Cyber Example Ltd")


@pytest.fixture
def expired_link(company: Company) -> SharedShortlist:
    shared = SharedShortlist.objects.create(key="unvisited", company_ids=[company.pk])
    SharedShortlist.objects.filter(pk=shared.pk).update(
        last_visited_at=timezone.now() - datetime.timedelta(days=400)
    )
    return shared


@pytest.fixture
def slots_taken(settings: Settings) -> Iterator[None]:
    settings.EXPORT_CONCURRENCY = 1
    settings.EXPORT_QUEUE_SECONDS = 0
    held = ExportSlot()
    assert held.acquire(wait=0)
    yield
    held.release()


def test_too_many_downloads_says_when_to_try_again(
    page: Page, company: Company, settings: Settings
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "1/h"}
    assert page.request.get("/companies/export.csv").status == 200
    response = page.goto("/companies/export.csv")
    assert response is not None and response.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Too many downloads from your connection"
    )
    expect(page.locator("main")).to_contain_text("Try again in")
    no_axe_violations(page)


def test_busy_downloads_page_says_when_to_try_again(
    page: Page, company: Company, slots_taken: None
) -> None:
    response = page.goto("/companies/export.csv")
    assert response is not None and response.status == 503
    assert response.headers["retry-after"] == "30"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The directory is busy with other downloads"
    )
    no_axe_violations(page)


def test_an_expired_link_says_so(page: Page, expired_link: SharedShortlist) -> None:
    response = page.goto(expired_link.get_absolute_url())
    assert response is not None and response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("This shortlist link has expired")
    no_axe_violations(page)


def test_limit_pages_are_valid_html(
    company: Company,
    expired_link: SharedShortlist,
    settings: Settings,
    slots_taken: None,
    tmp_path: Path,
) -> None:
    settings.RATE_LIMITS = {"export": "1/h", "share": "1/h", "apply": "1/h"}
    client = Client()
    client.post(f"/shortlist/add/{company.slug}/")
    client.post("/shortlist/share/", {"title": "First"})
    pages: dict[str, str | tuple[str, dict[str, str]]] = {
        "busy": "/companies/export.csv",
        "expired": expired_link.get_absolute_url(),
        "too-many-links": ("/shortlist/share/", {"title": "Second"}),
    }
    _assert_valid(client, pages, tmp_path, LIMIT_STATUSES)
