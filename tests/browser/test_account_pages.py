"""The sign-in, password and two-factor pages in a real browser: zero axe violations, nothing the
Content Security Policy blocks, and each journey done with the keyboard alone."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.test import Client
from playwright.sync_api import Page, expect

from members.models import User
from tests.browser.keys import focused_is, tab_until
from tests.browser.test_html_validity import _validator
from tests.factories import TEST_PASSWORD, UserFactory
from tests.mfa import add_authenticator_app, totp_code

pytestmark = pytest.mark.browser

FIELD = "el => el.matches('input[name={}]')"
SIGN_OUT = re.compile("Sign out")


@pytest.fixture
def member(db: None) -> User:
    return UserFactory(email="morgan@member.example")


def _checked(page: Page) -> None:
    """Zero axe violations, and no resource blocked by the CSP, on the page as it is now."""
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    errors: list[str] = page.console_errors  # type: ignore[attr-defined]
    assert [message for message in errors if "Content Security Policy" in message] == []
    assert page.locator("h1").count() == 1, page.url


def _type_into(page: Page, name: str, text: str) -> None:
    tab_until(page, FIELD.format(name))
    page.keyboard.type(text)


def _submit_with_enter(page: Page) -> None:
    """Press Enter in a form field and wait for the page the form leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _focus_is_visible(page: Page) -> bool:
    style, width, shadow = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
    )
    return (style != "none" and width not in {"0px", ""}) or shadow != "none"


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/login/code/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/signup/",
    ],
)
def test_signed_out_account_page_is_accessible(page: Page, path: str) -> None:
    page.goto(path)
    _checked(page)


def test_signed_in_account_pages_are_accessible(page: Page, member: User) -> None:
    _sign_in_by_keyboard(page, member.email, TEST_PASSWORD, next_path="/accounts/")
    for path in ["/accounts/", "/accounts/password/change/", "/accounts/2fa/", "/accounts/logout/"]:
        page.goto(path)
        _checked(page)


def _sign_in_by_keyboard(page: Page, email: str, password: str, *, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    _type_into(page, "login", email)
    page.keyboard.press("Tab")
    assert focused_is(page, FIELD.format("password"))
    page.keyboard.type(password)
    _submit_with_enter(page)


def test_member_signs_in_with_the_keyboard_alone(page: Page, member: User) -> None:
    page.goto("/accounts/login/?next=/about/")
    tab_until(page, FIELD.format("login"))
    assert _focus_is_visible(page)

    _sign_in_by_keyboard(page, member.email, TEST_PASSWORD, next_path="/about/")

    page.wait_for_url(re.compile(r"/about/$"))
    expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()


def test_wrong_password_error_takes_focus_and_is_accessible(page: Page, member: User) -> None:
    _sign_in_by_keyboard(page, member.email, "not-the-password", next_path="/about/")

    assert page.title().startswith("Error: Sign in")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("The email address or the password is not correct.")
    _checked(page)


def test_password_reset_with_the_keyboard_alone(page: Page, member: User) -> None:
    page.goto("/accounts/login/")
    tab_until(page, "el => el.matches('a') && /forgotten your password/i.test(el.innerText)")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/accounts/password/reset/$"))
    _checked(page)

    _type_into(page, "email", member.email)
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/accounts/password/reset/done/$"))
    expect(page.locator("h1")).to_have_text("Check your email")
    link = re.search(r"http://[^/]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    assert link
    page.goto(link.group(1))
    _checked(page)
    _type_into(page, "password1", "heather-moorland-2026")
    page.keyboard.press("Tab")
    page.keyboard.type("heather-moorland-2026")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Your password has been changed")
    _checked(page)


def test_sign_in_by_emailed_code_with_the_keyboard_alone(page: Page, member: User) -> None:
    page.goto("/accounts/login/?next=/about/")
    tab_until(page, "el => el.matches('a') && /email me a sign-in code/i.test(el.innerText)")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/accounts/login/code/"))
    _type_into(page, "email", member.email)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
    _checked(page)

    code = re.search(r"\n\n([A-Z0-9-]{4,})\n\n", mail.outbox[-1].body)
    assert code
    _type_into(page, "code", code.group(1))
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/about/$"))
    expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()


def _enter_code(page: Page, code: str) -> None:
    _type_into(page, "code", code)
    _submit_with_enter(page)


def test_staff_sign_in_with_an_authenticator_code_by_keyboard(page: Page) -> None:
    curator = UserFactory(email="curator@industry-body.example", is_staff=True)
    secret = add_authenticator_app(curator)

    _sign_in_by_keyboard(page, curator.email, TEST_PASSWORD, next_path="/admin/")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
    _checked(page)
    _enter_code(page, totp_code(secret))

    page.wait_for_url(re.compile(r"/admin/$"))
    expect(page.locator("h1")).to_have_text("Clusters, companies and reference lists")


def test_staff_set_up_an_authenticator_app_by_keyboard(page: Page) -> None:
    curator = UserFactory(email="new.curator@industry-body.example", is_staff=True)
    _sign_in_by_keyboard(page, curator.email, TEST_PASSWORD, next_path="/admin/")
    # The admin sends them to set up the app; allauth first asks for the password again.
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    _checked(page)
    _type_into(page, "password", TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    _checked(page)
    expect(page.locator("img.totp-qr")).to_be_visible()
    secret = page.locator(".totp-secret").inner_text().strip()
    _enter_code(page, totp_code(secret))

    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    _checked(page)
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    tab_until(page, "el => el.matches('a') && /continue to the curation admin/i.test(el.innerText)")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/accounts/2fa/reauthenticate/"))
    _checked(page)
    _enter_code(page, totp_code(secret, steps_ahead=1))

    page.wait_for_url(re.compile(r"/admin/$"))
    expect(page.locator("h1")).to_have_text("Clusters, companies and reference lists")


def test_member_opening_the_admin_gets_an_accessible_refusal(page: Page, member: User) -> None:
    _sign_in_by_keyboard(page, member.email, TEST_PASSWORD, next_path="/about/")

    response = page.goto("/admin/")

    assert response is not None
    assert response.status == 403
    _checked(page)


def test_account_pages_are_valid_html(client: Client, member: User, tmp_path: Path) -> None:
    pages = {
        "login": client.get("/accounts/login/"),
        "login-error": client.post("/accounts/login/", {"login": member.email, "password": "x"}),
        "code": client.get("/accounts/login/code/"),
        "reset": client.get("/accounts/password/reset/"),
        "reset-done": client.get("/accounts/password/reset/done/"),
        "signup-closed": client.get("/accounts/signup/"),
    }
    client.force_login(member)
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    for path in [
        "/accounts/",
        "/accounts/password/change/",
        "/accounts/logout/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
    ]:
        pages[path.strip("/").replace("/", "-")] = client.get(path)
    pages["forbidden"] = client.get("/admin/login/")

    files = []
    for name, response in pages.items():
        assert response.status_code in {200, 403}, name
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        files.append(str(file))
    result = subprocess.run(
        [_validator(), "--", *files], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
