"""The site works with a keyboard alone: skip link first, search and filter, open a result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from members.models import Company
from tests.browser.keys import focused_is, tab_until

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("directory")]

MAX_TABS = 200

SEARCH_FIELD = (
    "el => el.matches('input[name=q]') && !!el.form"
    " && !!el.form.querySelector('input[name=cluster]')"
)
CYBER_CHECKBOX = "el => el.matches('input[type=checkbox][name=cluster][value=cyber-security]')"
APPLY_BUTTON = (
    "el => el.matches('button, input[type=submit]')"
    " && /apply filters/i.test(el.innerText || el.value)"
)
KESTREL_LINK = "el => el.matches('main a') && el.innerText.includes('Kestrel Cyber Example Ltd')"


def _tab_to(page: Page, predicate: str, *, open_summaries_containing: str = "") -> None:
    """Press Tab until the focused element matches, opening a closed disclosure on the way."""
    tab_until(page, predicate, limit=MAX_TABS, open_summaries_containing=open_summaries_containing)


@pytest.mark.parametrize("path", ["/", "/companies/", "/companies/heather-data/", "/nope/"])
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page, path: str) -> None:
    page.goto(path)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main-content"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"


def test_company_search_works_with_the_keyboard_alone(page: Page) -> None:
    page.goto("/companies/")
    _tab_to(page, SEARCH_FIELD)
    page.keyboard.type("council")
    _tab_to(page, CYBER_CHECKBOX, open_summaries_containing="input[value=cyber-security]")
    page.keyboard.press("Space")
    assert focused_is(page, "el => el.checked")
    _tab_to(page, APPLY_BUTTON)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"cluster=cyber-security"))
    assert "q=council" in page.url
    # expect() waits, so this holds whether the results arrive by navigation or by htmx.
    results = page.locator("#main-content")
    expect(results).to_contain_text("Kestrel Cyber Example Ltd")
    expect(results).to_contain_text("Osprey Networks Example Ltd")
    expect(results).not_to_contain_text("Puffin Analytics Example Ltd")

    _tab_to(page, KESTREL_LINK)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/companies/[\w-]+/$"))
    expect(page.locator("h1")).to_have_text("Kestrel Cyber Example Ltd")


def test_header_search_box_is_reachable_and_submits_with_enter(page: Page) -> None:
    page.goto("/about/")
    _tab_to(page, "el => el.matches('header input[name=q], [role=search] input[name=q]')")
    page.keyboard.type("heather")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/companies/\?.*q=heather"))
    assert page.get_by_role("link", name=re.compile("Heather Data Example Ltd")).count() >= 1


def test_company_profile_links_back_to_its_clusters(page: Page, directory: Company) -> None:
    page.goto(directory.get_absolute_url())
    _tab_to(page, "el => el.matches('main a[href=\"/clusters/data/\"]')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/clusters/data/$"))
    assert page.locator("h1").inner_text().strip() == "Data"
