"""The shortlist in a browser: clear and undo (with JavaScript in place, without it through a
confirmation page), no sideways scroll on a phone, zero axe violations and valid HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import Page, expect

from members.models import Company, SharedShortlist
from members.services import company_save, company_set_status
from tests.browser.test_html_validity import _assert_valid
from tests.factories import CertificationFactory, CompanyCertificationFactory, CompanyFactory

pytestmark = pytest.mark.browser

MARKER = "window.__shortlistMarker"
NAMES = ("Kestrel Cyber Example Ltd", "Osprey Networks Example Ltd", "Puffin Analytics Example Ltd")
PHONE = {"width": 390, "height": 844}


def _companies() -> list[Company]:
    companies = [
        CompanyFactory(
            name=name,
            summary=f"{name} keeps council networks and records safe.",
            contact_email=f"procurement.team@{name.split()[0].lower()}-long-domain.example",
        )
        for name in NAMES
    ]
    companies[1].last_verified_at = None  # never verified: due for review
    company_save(company=companies[1])
    CompanyCertificationFactory(
        company=companies[0],
        certification=CertificationFactory(
            name="Cyber Essentials Plus", register_url="https://register.example/search/"
        ),
    )
    return companies


def _shortlist(page: Page, companies: list[Company]) -> None:
    """Add the companies from their profiles, as a buyer would (works with or without JS)."""
    for company in companies:
        page.goto(company.get_absolute_url())
        page.get_by_role("button", name=f"Add {company.name} to shortlist").click()
        remove = page.get_by_role("button", name=f"Remove {company.name} from shortlist")
        expect(remove).to_be_visible()


def _cards(page: Page) -> object:
    return page.locator(".compare-card h3")


def _assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _assert_no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px wide"


def test_clear_and_undo_in_place_with_javascript(page: Page) -> None:
    companies = _companies()
    _shortlist(page, companies[:2])
    page.goto("/shortlist/")
    page.evaluate(f"{MARKER} = 'no reload'")

    page.get_by_role("button", name="Clear shortlist").click()
    undo = page.get_by_role("button", name="Undo: put back 2 companies")
    expect(undo).to_be_focused()
    expect(_cards(page)).to_have_count(0)
    expect(page.locator(".site-nav__shortlist .count-badge")).to_have_text("0 companies")
    expect(page.locator("#shortlist-announcer")).to_have_text(
        "You cleared your shortlist of 2 companies."
    )
    assert page.evaluate(MARKER) == "no reload"
    _assert_no_axe_violations(page)

    undo.click()
    expect(_cards(page)).to_have_text([companies[0].name, companies[1].name])
    expect(page.locator(".site-nav__shortlist .count-badge")).to_have_text("2 companies")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_clear_asks_first_and_can_be_undone_without_javascript(no_js_page: Page) -> None:
    page = no_js_page
    companies = _companies()
    _shortlist(page, companies[:2])
    page.goto("/shortlist/")

    page.get_by_role("button", name="Clear shortlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clear your shortlist?")
    page.get_by_role("link", name="No, keep my shortlist").click()
    expect(_cards(page)).to_have_count(2)

    page.get_by_role("button", name="Clear shortlist").click()
    page.get_by_role("button", name="Yes, clear my shortlist").click()
    page.wait_for_url(re.compile(r"/shortlist/$"))
    expect(_cards(page)).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text("You cleared your shortlist of 2 companies.")

    page.get_by_role("button", name="Undo: put back 2 companies").click()
    expect(_cards(page)).to_have_text([companies[0].name, companies[1].name])


def test_confirmation_page_has_no_axe_violations(page: Page) -> None:
    _shortlist(page, _companies()[:1])
    page.goto("/shortlist/clear/")
    expect(page.get_by_role("button", name="Yes, clear my shortlist")).to_be_visible()
    _assert_no_axe_violations(page)


def test_shortlist_and_shared_pages_read_on_a_phone(page: Page) -> None:
    companies = _companies()
    _shortlist(page, companies)
    page.goto("/shortlist/")
    page.get_by_label("Title (optional)").fill("Network security for the council offices")
    page.get_by_label("Note (optional)").fill("Three SMEs; ask each about CHECK.")
    page.get_by_role("button", name="Create a permanent link").click()
    page.wait_for_url(re.compile(r"/shortlist/s/[\w-]+/$"))
    shared_url = page.url
    company_set_status(company=companies[2], status=Company.Status.ARCHIVED)

    page.set_viewport_size(PHONE)
    page.goto("/shortlist/")
    expect(_cards(page)).to_have_count(3)
    _assert_no_sideways_scroll(page)
    _assert_no_axe_violations(page)

    page.goto(shared_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Network security for the council offices"
    )
    gone = page.locator(".compare-card--gone")
    expect(gone.get_by_role("heading")).to_have_text(companies[2].name)
    expect(gone).to_contain_text("No longer listed since this list was made")
    _assert_no_sideways_scroll(page)
    _assert_no_axe_violations(page)


def test_cards_line_up_side_by_side_on_a_wide_screen(page: Page) -> None:
    _shortlist(page, _companies())
    page.goto("/shortlist/")
    tops = page.locator(".compare-card").evaluate_all(
        "cards => cards.map(card => [...card.querySelectorAll('dt')]"
        ".map(dt => Math.round(dt.getBoundingClientRect().top)))"
    )
    assert len(tops) == 3
    assert tops[0] == tops[1] == tops[2], tops  # the same fact at the same height


def test_register_link_names_certificate_and_company(page: Page) -> None:
    companies = _companies()
    _shortlist(page, companies[:1])
    for path in (companies[0].get_absolute_url(), "/shortlist/"):
        page.goto(path)
        link = page.get_by_role(
            "link",
            name="Check this certificate (Cyber Essentials Plus held by Kestrel Cyber Example Ltd)"
            " on the public register",
        )
        expect(link).to_have_attribute("href", "https://register.example/search/")


@pytest.mark.django_db
def test_shortlist_pages_are_valid_html(client: Client, tmp_path: Path) -> None:
    companies = _companies()
    for company in companies:
        client.post(f"/shortlist/add/{company.slug}/")
    client.post("/shortlist/share/", {"title": "Council networks", "note": "Line one.\nTwo."})
    shared = SharedShortlist.objects.get()
    company_set_status(company=companies[2], status=Company.Status.ARCHIVED)
    pages: dict[str, str | tuple[str, dict[str, str]]] = {
        "shortlist": "/shortlist/",
        "shared": shared.get_absolute_url(),
        "profile-with-register": companies[0].get_absolute_url(),
        "share-errors": ("/shortlist/share/", {"title": "x" * 200}),
        "clear-confirm": "/shortlist/clear/",
    }
    _assert_valid(client, pages, tmp_path)
    client.post("/shortlist/clear/", {"confirm": "yes"})
    _assert_valid(client, {"cleared": "/shortlist/", "clear-empty": "/shortlist/clear/"}, tmp_path)
