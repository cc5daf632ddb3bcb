"""Zero axe violations on the pages buyers use, styles that load, and no CSP complaints."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Response

from members.models import Company

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("directory")]

PAGES = {
    "home": "/",
    "clusters": "/clusters/",
    "cluster": "/clusters/cyber-security/",
    "companies": "/companies/",
    "companies-filtered": "/companies/?q=council&cluster=cyber-security",
    "companies-none-found": "/companies/?q=zzzyzzx",
    # Nothing found with filters: the one to drop, a facet in use showing its zeros, "all" ticked.
    "companies-filter-to-drop": (
        "/companies/?cluster=data&certification=cyber-essentials"
        "&certification=lapsed-standard&certification_mode=all"
    ),
    "companies-bad-input": "/companies/?cluster=nope&page=abc",
    "company": "/companies/heather-data/",
    "about": "/about/",
    "accessibility": "/accessibility/",
    "not-found": "/clusters/no-such-cluster/",
}


def _open(page: Page, path: str) -> int:
    response = page.goto(path)
    assert response is not None
    page.wait_for_load_state("load")
    return response.status


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_axe_violations(page: Page, path: str) -> None:
    _open(page, path)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_breaks_no_content_security_policy_rule(page: Page, path: str) -> None:
    violations: list[str] = []
    page.expose_function("reportViolation", lambda text: violations.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.reportViolation(e.violatedDirective + ' ' + e.blockedURI));"
    )
    _open(page, path)
    csp_messages = [m for m in page.console_errors if "Content Security Policy" in m]
    assert csp_messages == []
    assert violations == []


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_loads_every_resource(page: Page, path: str) -> None:
    failed: list[str] = []

    def remember(response: Response) -> None:
        # The page itself is checked below; this is about the styles, scripts and images.
        if response.status >= 400 and not response.request.is_navigation_request():
            failed.append(f"{response.status} {response.url}")

    page.on("response", remember)
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    status = _open(page, path)
    assert status == (404 if path == PAGES["not-found"] else 200)
    assert failed == []


def test_stylesheet_is_served_and_applied(page: Page) -> None:
    _open(page, "/")
    rules = page.evaluate(
        "() => Array.from(document.styleSheets).reduce((n, s) => n + s.cssRules.length, 0)"
    )
    assert rules > 20
    font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert not font.startswith("Times"), font
    skip_link_box = page.locator("a[href='#main-content']").first.bounding_box()
    assert skip_link_box is None or skip_link_box["y"] < 0 or skip_link_box["height"] <= 1


def test_focused_link_shows_a_visible_outline(page: Page) -> None:
    _open(page, "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
    )
    style, width, shadow = outline
    assert (style != "none" and width not in {"0px", ""}) or shadow != "none", outline


def test_company_profile_shows_the_heading_and_no_expired_certificate(
    page: Page, directory: Company
) -> None:
    _open(page, directory.get_absolute_url())
    assert page.locator("h1").inner_text().strip() == directory.name
    assert page.get_by_text("Cyber Essentials Plus").count() >= 1
    assert page.get_by_text("Lapsed Standard 9999").count() == 0
