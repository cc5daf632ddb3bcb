"""The search page's layout at a desk and on a phone, with and without JavaScript.

A ticked box stays where it was on screen (with focus on it) while the results change beside or
below it; on a phone the facets sit behind one "Filter" disclosure, so the count and the first
result are on the first screen; nothing scrolls sideways at 320 px; the A to Z is one tab stop
and links only letters that find something; "Skip to results" is there at every width.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect

from members.models import Company
from tests.browser.keys import tab_until
from tests.factories import CapabilityFactory, ClusterFactory, CompanyFactory, RegionFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@contextmanager
def _open_page(
    browser: Browser, live_server: object, viewport: dict[str, int], *, js: bool = True
) -> Iterator[Page]:
    context = browser.new_context(
        base_url=str(live_server), viewport=viewport, java_script_enabled=js
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


def _directory() -> dict[str, Company]:
    """Twenty-six companies: a full first page, a tall one. Orkney has two, so ticking it
    shortens the results by eighteen cards, and hides the options above it that Orkney's
    companies lack (the Data cluster, four capabilities); no name starts with Q."""
    cyber = ClusterFactory(name="Cyber Security", slug="cyber-security")
    data = ClusterFactory(name="Data", slug="data")
    capabilities = [
        CapabilityFactory(cluster=cyber, name=f"Capability {n}", slug=f"capability-{n}")
        for n in range(4)
    ]
    regions = [
        RegionFactory(name=name, slug=name.lower(), position=position)
        for position, name in enumerate(["Fife", "Highland", "Lothian", "Moray", "Orkney"])
    ]
    companies = {}
    for n in range(26):
        letter = "ABCDEFGHIJKLMNOPRSTUVWXYZ"[n % 25]
        region = regions[4] if n < 2 else regions[n % 4]
        company = CompanyFactory(
            name=f"{letter}{n:02d} Example Ltd",
            slug=f"example-{n:02d}",
            summary="Protects council networks.",
            clusters=[cyber] if n < 2 else [cyber, data],
            capabilities=[] if n < 2 else capabilities,
            region=region,
        )
        companies[company.slug] = company
    return companies


def _count(page: Page) -> Locator:
    return page.locator("#result-count")


def _box(page: Page, name: str) -> Locator:
    return page.get_by_role("checkbox", name=re.compile(f"^{name}"))


def _open_filters_and_region(page: Page) -> None:
    toggle = page.locator("#filters-panel > summary")
    if toggle.is_visible() and not page.locator("#filters-panel").evaluate("el => el.open"):
        toggle.click()
    region = page.locator("#facet-region")
    if not region.evaluate("el => el.open"):
        region.locator("summary").click()


def _scroll_box_to(page: Page, name: str, top: int) -> None:
    _box(page, name).evaluate(f"el => window.scrollBy(0, el.getBoundingClientRect().top - {top})")


def _rect(locator: Locator) -> dict[str, float]:
    """Where the element is in the viewport, as the page's own script would measure it."""
    return locator.evaluate("el => el.getBoundingClientRect().toJSON()")


def _top(page: Page, name: str) -> float:
    return _box(page, name).evaluate("el => el.getBoundingClientRect().top")


# 1. No jump ---------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["1280", "390"])
def test_a_ticked_box_stays_where_it_was_with_focus(
    browser: Browser, live_server: object, viewport: dict[str, int]
) -> None:
    _directory()
    with _open_page(browser, live_server, viewport) as page:
        page.goto("/companies/")
        expect(_count(page)).to_have_text("26 companies found")
        _open_filters_and_region(page)
        _scroll_box_to(page, "Orkney", 500)
        before = _top(page, "Orkney")
        assert page.evaluate("window.scrollY") > 300
        _box(page, "Orkney").focus()  # already in view: focusing scrolls nothing
        assert _top(page, "Orkney") == before
        page.keyboard.press("Space")
        expect(_count(page)).to_have_text("2 companies found")
        page.wait_for_timeout(100)  # past htmx's settling
        assert abs(_top(page, "Orkney") - before) <= 3
        assert page.evaluate("[document.activeElement.name, document.activeElement.value]") == [
            "region",
            "orkney",
        ]
        # And back: unticking brings the eighteen cards back without moving the box either.
        page.keyboard.press("Space")
        expect(_count(page)).to_have_text("26 companies found")
        page.wait_for_timeout(100)
        assert abs(_top(page, "Orkney") - before) <= 3


def test_without_javascript_a_facets_apply_comes_back_at_that_facet(
    browser: Browser, live_server: object
) -> None:
    _directory()
    with _open_page(browser, live_server, DESK, js=False) as page:
        page.goto("/companies/")
        _open_filters_and_region(page)
        _box(page, "Orkney").check()
        page.get_by_role("button", name="Apply region filters").click()
        page.wait_for_url(re.compile(r"region=orkney.*#facet-region$"))
        expect(_count(page)).to_have_text("2 companies found")
        assert page.evaluate("window.scrollY") > 300
        top = page.locator("#facet-region").evaluate("el => el.getBoundingClientRect().top")
        assert 0 <= top < 300  # at the top, unless the shorter page cannot scroll so far
        expect(_box(page, "Orkney")).to_be_checked()
        expect(_box(page, "Orkney")).to_be_in_viewport()


# 2. Results first on a phone ------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?q=council&region=fife"], ids=["all", "filtered"])
def test_on_a_phone_the_count_and_first_result_are_on_the_first_screen(
    browser: Browser, live_server: object, query: str
) -> None:
    _directory()
    with _open_page(browser, live_server, PHONE) as page:
        page.goto(f"/companies/{query}")
        assert not page.locator("#filters-panel").evaluate("el => el.open")
        expect(page.locator("#filters-panel > summary")).to_be_visible()
        assert _rect(page.locator("#results-heading"))["top"] < PHONE["height"]
        first = page.locator("#results-body .company-card").first
        assert _rect(first)["top"] < PHONE["height"]


def test_on_a_phone_ticking_inside_the_disclosure_keeps_it_open(
    browser: Browser, live_server: object
) -> None:
    _directory()
    with _open_page(browser, live_server, PHONE) as page:
        page.goto("/companies/")
        summary = page.locator("#filters-panel > summary")
        expect(summary).to_have_text(re.compile(r"^Filter\s*$"))
        _open_filters_and_region(page)
        _box(page, "Orkney").check()
        expect(_count(page)).to_have_text("2 companies found")
        assert page.locator("#filters-panel").evaluate("el => el.open")
        expect(summary).to_have_text(re.compile(r"^Filter\s*\(1 selected\)$"))
        expect(_box(page, "Cyber Security")).to_have_accessible_name("Cyber Security (2)")
        # "Apply filters" folds the facets away and takes the buyer to the results.
        page.get_by_role("button", name="Apply filters").click()
        assert not page.locator("#filters-panel").evaluate("el => el.open")
        expect(page.locator("#results")).to_be_focused()
        expect(page.locator("#results-body .company-card").first).to_be_in_viewport()
        _assert_no_axe_violations(page)


def test_on_a_phone_without_javascript_apply_comes_back_at_the_results(
    browser: Browser, live_server: object
) -> None:
    _directory()
    with _open_page(browser, live_server, PHONE, js=False) as page:
        page.goto("/companies/")
        _open_filters_and_region(page)
        _box(page, "Orkney").check()
        expect(page.get_by_role("button", name="Apply region filters")).to_be_hidden()
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile(r"region=orkney.*#results$"))
        expect(_count(page)).to_have_text("2 companies found")
        expect(page.locator("#filters-panel > summary")).to_have_text(
            re.compile(r"^Filter\s*\(1 selected\)$")
        )
        expect(page.locator("#results-body .company-card").first).to_be_in_viewport()


def test_on_a_wide_screen_the_facets_show_without_a_disclosure(
    browser: Browser, live_server: object
) -> None:
    _directory()
    for js in (True, False):
        with _open_page(browser, live_server, DESK, js=js) as page:
            page.goto("/companies/")
            expect(page.locator("#filters-panel > summary")).to_be_hidden()
            expect(_box(page, "Cyber Security")).to_be_visible()
            expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
            # A facet's own Apply is for pages without JavaScript.
            page.locator("#facet-region > summary").click()
            apply_region = page.get_by_role("button", name="Apply region filters")
            if js:
                expect(apply_region).to_be_hidden()
            else:
                expect(apply_region).to_be_visible()


PUBLIC_PAGES = [
    "/",
    "/clusters/",
    "/clusters/cyber-security/",
    "/companies/",
    "/companies/?q=council&cluster=cyber-security&region=orkney&region=highland&letter=A",
    "/companies/example-00/",
    "/shortlist/",
    "/about/",
    "/accessibility/",
]


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_no_public_page_scrolls_sideways_at_320_px(
    browser: Browser, live_server: object, js: bool
) -> None:
    _directory()
    with _open_page(browser, live_server, {"width": 320, "height": 640}, js=js) as page:
        page.goto("/companies/")
        for name in ("A00 Example Ltd", "B01 Example Ltd"):
            page.get_by_role("button", name=f"Add {name} to shortlist").first.click()
            page.wait_for_load_state()
            expect(page.get_by_role("button", name=f"Remove {name} from shortlist")).to_be_visible()
        wide = {}
        for path in PUBLIC_PAGES:
            page.goto(path)
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                wide[path] = width
        assert wide == {}


# 3. A to Z and the way to the results --------------------------------------------------------


def _tabs_to(page: Page, predicate: str, limit: int = 80) -> int:
    return tab_until(page, predicate, limit=limit)


FIRST_RESULT = "el => el === document.querySelector('#results-body .company-card h3 a')"


@pytest.mark.parametrize(("viewport", "most"), [(DESK, 20), (PHONE, 8)], ids=["1280", "390"])
def test_the_a_to_z_is_one_tab_stop_on_the_way_to_the_results(
    browser: Browser, live_server: object, viewport: dict[str, int], most: int
) -> None:
    """Before: 27 A to Z links lay between the facets and the first result."""
    _directory()
    with _open_page(browser, live_server, viewport) as page:
        page.goto("/companies/")
        page.get_by_label("Keywords").focus()
        stops = _tabs_to(page, FIRST_RESULT)
        assert stops <= most
        page.get_by_label("Keywords").focus()
        _tabs_to(page, "el => el.matches('#az-nav > summary')")
        assert _tabs_to(page, FIRST_RESULT, limit=1) == 1


def test_letters_that_find_nothing_are_not_links(page: Page) -> None:
    _directory()
    page.goto("/companies/?region=orkney")
    page.get_by_text("Browse by name, A to Z").click()
    az = page.get_by_role("navigation", name="Browse by name, A to Z")
    letter_a = az.get_by_role("link", name="A", exact=True)
    expect(letter_a).to_have_attribute("href", re.compile("letter=A"))
    unavailable = az.locator("a[aria-disabled=true]")
    expect(unavailable).to_have_count(25)  # only A and B start the names in Orkney
    assert unavailable.evaluate_all("els => els.every(el => !el.hasAttribute('href'))")
    az.get_by_role("link", name="B", exact=True).click()
    expect(_count(page)).to_have_text("1 company found")
    expect(page.locator("#results-body .company-card")).to_have_count(1)
    _assert_no_axe_violations(page)


def test_an_opened_a_to_z_stays_open_and_follows_an_update(page: Page) -> None:
    _directory()
    page.goto("/companies/")
    page.get_by_text("Browse by name, A to Z").click()
    az = page.get_by_role("navigation", name="Browse by name, A to Z")
    expect(az.get_by_role("link", name="C", exact=True)).to_be_enabled()
    _open_filters_and_region(page)
    _box(page, "Orkney").check()
    expect(_count(page)).to_have_text("2 companies found")
    expect(az.get_by_role("link", name="C", exact=True)).to_be_disabled()  # none in Orkney
    expect(az.get_by_role("link", name="B", exact=True)).to_be_enabled()


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["1280", "390"])
def test_skip_to_results_shows_on_focus_and_moves_focus_to_the_results(
    browser: Browser, live_server: object, viewport: dict[str, int]
) -> None:
    _directory()
    with _open_page(browser, live_server, viewport) as page:
        page.goto("/companies/")
        skip = page.get_by_role("link", name="Skip to results")
        assert _rect(skip)["width"] <= 1
        page.get_by_label("Keywords").focus()
        page.keyboard.press("Tab")  # Search
        page.keyboard.press("Tab")
        expect(skip).to_be_focused()
        assert _rect(skip)["width"] > 50
        expect(skip).to_be_in_viewport()
        page.keyboard.press("Enter")
        expect(page.locator("#results")).to_be_focused()
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('#results')")


def _assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
