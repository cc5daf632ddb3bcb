"""The facet rules in a real browser, with JavaScript (htmx updates in place) and without.

A buyer narrows to the Data cluster, ticks Cyber Essentials (held through Cyber Essentials Plus),
sees the certification that finds nothing once the facet is in use, asks for all of two
certifications, is told which one to drop, and drops it.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from members.models import Company

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("directory")]

DROP_LAPSED = "Remove Certification: Lapsed Standard 9999 \u2013 1 company"


def _count(page: Page) -> Locator:
    return page.locator("#results-heading [role=status]")


def _certifications(page: Page) -> Locator:
    details = page.locator("#facet-certification")
    if not details.evaluate("el => el.open"):
        details.locator("summary").click()
    return details


def _journey(page: Page, apply: bool) -> None:
    """The same steps with htmx (each tick searches) or without (Apply filters submits)."""

    def submit() -> None:
        if apply:
            with page.expect_navigation():
                page.get_by_role("button", name="Apply filters").click()

    page.goto("/companies/?cluster=data")
    expect(_count(page)).to_have_text("2 companies found")
    facet = _certifications(page)
    expect(facet.get_by_text("any of them", exact=False)).to_be_visible()
    expect(facet.get_by_role("checkbox", name=re.compile("^Lapsed Standard"))).to_be_hidden()

    facet.get_by_role("checkbox", name="Cyber Essentials (1)").check()
    submit()
    expect(_count(page)).to_have_text("1 company found")
    facet = _certifications(page)
    lapsed = facet.get_by_role("checkbox", name="Lapsed Standard 9999 (0)")
    expect(lapsed).to_be_visible()  # the facet is in use: its zero is shown

    lapsed.check()
    submit()
    expect(_count(page)).to_have_text("1 company found")  # any of the two
    _certifications(page).get_by_role("checkbox", name="Must have all selected").check()
    submit()
    page.wait_for_url(re.compile(r"certification_mode=all"))
    expect(_count(page)).to_have_text("0 companies found")
    expect(page.get_by_role("link", name=DROP_LAPSED)).to_be_visible()
    if not apply:  # axe runs in the page's JavaScript: after the in-place update
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()

    page.get_by_role("link", name=DROP_LAPSED).click()
    expect(_count(page)).to_have_text("1 company found")
    assert "certification=lapsed-standard" not in page.url
    facet = _certifications(page)
    expect(facet.get_by_role("checkbox", name="Must have all selected")).to_be_checked()
    expect(page.locator("#results-body")).to_contain_text("Heather Data Example Ltd")


def test_facet_rules_with_javascript(page: Page, directory: Company) -> None:
    _journey(page, apply=False)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_facet_rules_without_javascript(no_js_page: Page, directory: Company) -> None:
    _journey(no_js_page, apply=True)
