"""The buyer's journey, with JavaScript (htmx updates in place) and without (plain forms).

Search, narrow by two facets, go Back, shortlist a company, compare, export: the same outcome
either way. axe finds nothing on the search page (filtered, empty, after an in-place update) or
on the shortlist pages, and the JavaScript journey breaks no Content-Security-Policy rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import Page, Route, expect

from members.models import Company
from tests.factories import ClusterFactory, CompanyFactory, RegionFactory

pytestmark = pytest.mark.browser

MARKER = "window.__journeyMarker"


def _directory() -> dict[str, Company]:
    """Four companies; "council" finds three, Cyber Security two of those, Highland one."""
    cyber = ClusterFactory(name="Cyber Security", slug="cyber-security")
    data = ClusterFactory(name="Data", slug="data")
    highland = RegionFactory(name="Highland", slug="highland")
    lothian = RegionFactory(name="Lothian", slug="lothian")
    specs = [
        ("kestrel", "Kestrel Cyber Example Ltd", "Protects council networks.", cyber, lothian),
        ("osprey", "Osprey Networks Example Ltd", "Council firewalls and SOC.", cyber, highland),
        ("puffin", "Puffin Analytics Example Ltd", "Open council data.", data, lothian),
        ("gannet", "Gannet Data Example Ltd", "Data platforms for health.", data, highland),
    ]
    return {
        key: CompanyFactory(
            name=name, slug=f"{key}-example", summary=summary, clusters=[cluster], region=region
        )
        for key, name, summary, cluster, region in specs
    }


def _count(page: Page) -> object:
    """The result count: the search page's one persistent role="status" region."""
    return page.locator("#results-heading [role=status]")


def _results(page: Page) -> object:
    return page.locator("#results-body")


def _open_facet(page: Page, label: str) -> None:
    details = page.locator("details.facet", has=page.locator("summary", has_text=label))
    if not details.evaluate("el => el.open"):
        details.locator("summary").click()


def _compared(page: Page) -> object:
    """The shortlist's side-by-side comparison (one card per company)."""
    return page.get_by_role("region", name=re.compile("compared$"))


def _read_download(page: Page, link_name: re.Pattern[str]) -> str:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    return Path(download.path()).read_text(encoding="utf-8-sig")


@pytest.fixture
def csp_violations(page: Page) -> list[str]:
    """Every securitypolicyviolation event the page fires, from its first script on."""
    violations: list[str] = []
    page.expose_function("reportViolation", lambda text: violations.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.reportViolation(e.violatedDirective + ' ' + e.blockedURI));"
    )
    return violations


def test_search_updates_in_place_with_javascript_and_back_restores_it(
    page: Page, csp_violations: list[str]
) -> None:
    _directory()
    page.goto("/companies/")
    expect(_count(page)).to_have_text("4 companies found")
    page.evaluate(f"{MARKER} = 'no reload'")

    page.get_by_label("Keywords").fill("council")
    page.get_by_label("Keywords").press("Enter")
    page.wait_for_url(re.compile(r"q=council"))
    expect(_count(page)).to_have_text("3 companies found")
    expect(page).to_have_title(re.compile("^Results for “council”"))

    page.get_by_role("checkbox", name=re.compile("^Cyber Security")).check()
    page.wait_for_url(re.compile(r"cluster=cyber-security"))
    expect(_count(page)).to_have_text("2 companies found")
    expect(_results(page)).to_contain_text("Osprey Networks Example Ltd")
    expect(_results(page)).not_to_contain_text("Puffin Analytics Example Ltd")
    # The region counts follow the cluster just ticked: one council company in each region.
    _open_facet(page, "Region")
    expect(page.get_by_role("checkbox", name="Highland (1)")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Lothian (1)")).to_be_visible()

    page.get_by_role("checkbox", name=re.compile("^Highland")).check()
    page.wait_for_url(re.compile(r"region=highland"))
    expect(_count(page)).to_have_text("1 company found")
    expect(_results(page)).not_to_contain_text("Kestrel Cyber Example Ltd")
    # The box just ticked keeps focus, though the whole filter form was replaced.
    focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
    assert focused == ["region", "highland"]

    page.go_back()
    expect(page).to_have_url(re.compile(r"cluster=cyber-security"))
    assert "region=" not in page.url
    expect(_count(page)).to_have_text("2 companies found")
    expect(_results(page)).to_contain_text("Kestrel Cyber Example Ltd")
    _open_facet(page, "Region")
    expect(page.get_by_role("checkbox", name=re.compile("^Highland"))).not_to_be_checked()
    page.go_forward()
    expect(_count(page)).to_have_text("1 company found")
    page.go_back()
    expect(_count(page)).to_have_text("2 companies found")
    assert page.evaluate(MARKER) == "no reload"

    # The restored page is live: its buttons work and its announcements are heard.
    page.get_by_role("button", name="Add Kestrel Cyber Example Ltd to shortlist").click()
    expect(page.locator("#shortlist-announcer")).to_have_text(
        "Kestrel Cyber Example Ltd is on your shortlist."
    )
    assert csp_violations == []
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_buttons_that_update_the_results_keep_focus(page: Page) -> None:
    _directory()
    page.goto("/companies/")
    page.get_by_label("Keywords").fill("council")
    page.get_by_role("button", name="Apply filters").focus()
    page.keyboard.press("Enter")
    expect(_count(page)).to_have_text("3 companies found")
    expect(page.get_by_role("button", name="Apply filters")).to_be_focused()

    page.get_by_label("Keywords").fill("firewalls")
    search = page.locator("#company-filters").get_by_role("button", name="Search")
    search.focus()
    page.keyboard.press("Enter")
    expect(_count(page)).to_have_text("1 company found")
    expect(page.locator("#company-filters").get_by_role("button", name="Search")).to_be_focused()


def test_words_typed_while_a_search_loads_are_kept(page: Page) -> None:
    _directory()
    page.goto("/companies/")
    held: list[Route] = []
    page.route(re.compile(r"/companies/\?"), lambda route: held.append(route))
    keywords = page.get_by_label("Keywords")
    keywords.fill("council")
    keywords.press("Enter")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)
    page.keyboard.type(" firewalls")
    held[0].continue_()
    expect(_count(page)).to_have_text("3 companies found")
    expect(keywords).to_have_value("council firewalls")
    expect(keywords).to_be_focused()


def test_unticking_an_option_that_then_disappears_moves_focus_to_its_group(page: Page) -> None:
    _directory()
    page.goto("/companies/?q=council&cluster=data&region=highland")
    expect(_count(page)).to_have_text("0 companies found")
    page.get_by_role("checkbox", name=re.compile("^Highland")).focus()
    page.keyboard.press("Space")
    expect(_count(page)).to_have_text("1 company found")
    expect(page.get_by_role("checkbox", name=re.compile("^Highland"))).to_have_count(0)
    expect(page.locator("#facet-region > summary")).to_be_focused()


def _visible_options(page: Page) -> list[str]:
    return page.locator("#company-filters label:visible").all_inner_texts()


def test_counts_written_by_an_update_match_a_full_page(page: Page) -> None:
    _directory()
    page.goto("/companies/")
    page.get_by_label("Keywords").fill("council")
    page.get_by_label("Keywords").press("Enter")
    expect(_count(page)).to_have_text("3 companies found")
    page.get_by_role("checkbox", name=re.compile("^Cyber Security")).check()
    expect(_count(page)).to_have_text("2 companies found")
    for facet in ("Region", "Size"):
        _open_facet(page, facet)
    after_update = _visible_options(page)
    page.reload()
    for facet in ("Region", "Size"):
        _open_facet(page, facet)
    assert _visible_options(page) == after_update
    assert any(text.startswith("Highland") for text in after_update)


def test_sort_updates_in_place_and_keeps_focus(page: Page) -> None:
    _directory()
    page.goto("/companies/?q=council")
    page.evaluate(f"{MARKER} = 'no reload'")
    names = page.locator("#results-body .company-card h3")
    page.get_by_label("Sort by").focus()
    page.get_by_label("Sort by").select_option("name")
    page.wait_for_url(re.compile(r"sort=name"))
    expect(names.first).to_have_text("Kestrel Cyber Example Ltd")
    assert page.evaluate("document.activeElement.id") == "results-sort"
    assert page.evaluate(MARKER) == "no reload"


def test_shortlist_and_export_with_javascript(page: Page, csp_violations: list[str]) -> None:
    companies = _directory()
    page.goto("/companies/?q=council")
    page.evaluate(f"{MARKER} = 'no reload'")
    page.get_by_role("checkbox", name=re.compile("^Cyber Security")).check()
    expect(_count(page)).to_have_text("2 companies found")

    page.get_by_role("button", name="Add Kestrel Cyber Example Ltd to shortlist").click()
    remove = page.get_by_role("button", name="Remove Kestrel Cyber Example Ltd from shortlist")
    expect(remove).to_be_focused()
    expect(page.locator(".site-nav__shortlist .count-badge")).to_have_text("1 company")
    expect(page.locator("#shortlist-announcer")).to_have_text(
        "Kestrel Cyber Example Ltd is on your shortlist."
    )
    assert page.evaluate(MARKER) == "no reload"

    search_csv = _read_download(page, re.compile("^Download all 2 results"))
    assert "Kestrel Cyber Example Ltd" in search_csv
    assert "Puffin Analytics Example Ltd" not in search_csv

    page.get_by_role("link", name=re.compile("^Shortlist")).click()
    page.wait_for_url(re.compile(r"/shortlist/$"))
    compared = _compared(page)
    expect(compared).to_contain_text("Kestrel Cyber Example Ltd")
    expect(compared).not_to_contain_text("Osprey Networks Example Ltd")
    # The message was said once, by the live region; the next page does not repeat it.
    expect(page.locator(".messages")).to_have_count(0)
    shortlist_csv = _read_download(page, re.compile("^Download as CSV"))
    assert companies["kestrel"].name in shortlist_csv
    assert companies["osprey"].name not in shortlist_csv
    assert csp_violations == []
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_shortlist_button_on_a_profile_works_in_place(page: Page) -> None:
    companies = _directory()
    page.goto(companies["puffin"].get_absolute_url())
    page.evaluate(f"{MARKER} = 'no reload'")
    page.get_by_role("button", name="Add Puffin Analytics Example Ltd to shortlist").click()
    expect(page.locator(".site-nav__shortlist .count-badge")).to_have_text("1 company")
    page.get_by_role("button", name="Remove Puffin Analytics Example Ltd from shortlist").click()
    expect(page.locator(".site-nav__shortlist .count-badge")).to_have_text("0 companies")
    expect(page.locator("#shortlist-announcer")).to_have_text(
        "Puffin Analytics Example Ltd is off your shortlist."
    )
    assert page.evaluate(MARKER) == "no reload"


def test_the_same_journey_works_without_javascript(no_js_page: Page) -> None:
    page = no_js_page
    _directory()
    page.goto("/companies/")
    page.get_by_label("Keywords").fill("council")
    page.get_by_role("checkbox", name=re.compile("^Cyber Security")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"cluster=cyber-security"))
    assert "q=council" in page.url
    expect(_count(page)).to_have_text("2 companies found")

    _open_facet(page, "Region")
    page.get_by_role("checkbox", name=re.compile("^Highland")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"region=highland"))
    expect(_count(page)).to_have_text("1 company found")
    page.go_back()
    expect(_count(page)).to_have_text("2 companies found")

    filtered_url = page.url.partition("#")[0]  # "Apply filters" came back at #results
    page.get_by_role("button", name="Add Osprey Networks Example Ltd to shortlist").click()
    page.wait_for_load_state()
    assert page.url == filtered_url
    expect(page.get_by_role("status").filter(has_text="on your shortlist")).to_have_text(
        "Osprey Networks Example Ltd is on your shortlist."
    )
    expect(
        page.get_by_role("button", name="Remove Osprey Networks Example Ltd from shortlist")
    ).to_be_visible()
    expect(page.locator(".site-nav__shortlist .count-badge")).to_have_text("1 company")

    search_csv = _read_download(page, re.compile("^Download all 2 results"))
    assert "Osprey Networks Example Ltd" in search_csv

    page.get_by_role("link", name=re.compile("^Shortlist")).click()
    expect(_compared(page)).to_contain_text("Osprey Networks Example Ltd")
    assert "Osprey Networks Example Ltd" in _read_download(page, re.compile("^Download as CSV"))


def _assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize(
    "query",
    ["q=council&cluster=cyber-security&region=highland", "q=zzzyzzx"],
    ids=["filters-applied", "no-results"],
)
def test_search_page_has_no_axe_violations(page: Page, query: str) -> None:
    _directory()
    page.goto(f"/companies/?{query}")
    _assert_no_axe_violations(page)


def test_search_page_has_no_axe_violations_after_in_place_updates(page: Page) -> None:
    _directory()
    page.goto("/companies/?q=council")
    page.get_by_role("checkbox", name=re.compile("^Cyber Security")).check()
    expect(_count(page)).to_have_text("2 companies found")
    page.get_by_role("button", name="Add Kestrel Cyber Example Ltd to shortlist").click()
    expect(page.locator("#shortlist-announcer")).not_to_be_empty()
    _assert_no_axe_violations(page)

    page.get_by_label("Keywords").fill("zzzyzzx")
    page.get_by_label("Keywords").press("Enter")
    expect(_count(page)).to_have_text("0 companies found")
    _assert_no_axe_violations(page)


def test_shortlist_pages_have_no_axe_violations(page: Page) -> None:
    _directory()
    page.goto("/companies/?q=council")
    for name in ("Kestrel Cyber Example Ltd", "Puffin Analytics Example Ltd"):
        page.get_by_role("button", name=f"Add {name} to shortlist").click()
        expect(page.get_by_role("button", name=f"Remove {name} from shortlist")).to_be_visible()
    page.goto("/shortlist/")
    expect(_compared(page)).to_contain_text("Puffin Analytics Example Ltd")
    _assert_no_axe_violations(page)

    page.get_by_role("button", name="Create a permanent link").click()
    page.wait_for_url(re.compile(r"/shortlist/s/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Shared shortlist")
    expect(_compared(page)).to_contain_text("Kestrel Cyber Example Ltd")
    _assert_no_axe_violations(page)


# What htmx is sent (no browser needed; here beside the journeys that depend on it).


@pytest.mark.django_db
def test_htmx_search_gets_the_fragments_never_stored(client: Client) -> None:
    _directory()
    response = client.get("/companies/?q=council", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "<title>Results for “council”: Find a supplier" in html
    assert 'id="company-filters"' not in html  # the form stays; only its counts travel
    assert 'id="facet-counts" data-hx-swap-oob="true"' in html
    assert 'id="result-count" data-hx-swap-oob="innerHTML">3 companies found<' in html
    assert "Kestrel Cyber Example Ltd" in html
    assert "HX-Request" in response["Vary"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_history_restore_and_plain_requests_get_the_whole_page(client: Client) -> None:
    _directory()
    restore = client.get(
        "/companies/?q=council", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    plain = client.get("/companies/?q=council")
    for response in (restore, plain):
        assert response.content.decode().startswith("<!DOCTYPE html>")
        assert {"HX-Request", "HX-History-Restore-Request"} <= {
            header.strip() for header in response["Vary"].split(",")
        }
