"""Members in a real browser: accept an invitation, keep the profile, and see buyers get it;
apply to be listed and, once staff approve, take the listing over. Axe checks every member page
on the way, and one journey is done with the keyboard alone."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from pytest_django import Settings

from members import services
from members.logos import prepare_logo
from members.models import Company, CompanyMembership, User
from tests.browser.keys import tab_until
from tests.factories import CapabilityFactory, ClusterFactory, CompanyFactory, UserFactory
from tests.mfa import pass_second_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "granite-lighthouse-orchard-19"
LINK = re.compile(r"/members/invitations/[\w-]+/")


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (120, 60), "teal").save(output, "PNG")
    return output.getvalue()


PNG = _png()


def no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def emailed_link() -> str:
    found = LINK.search(mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(0)


@pytest.fixture
def osprey(db: None) -> Company:
    cyber = ClusterFactory(name="Cyber Security", slug="cyber-security")
    return CompanyFactory(
        name="Osprey Secure Example Ltd",
        slug="osprey-secure",
        summary="Penetration testing for councils.",
        contact_email="alex@osprey.example",
        clusters=[cyber],
        capabilities=[CapabilityFactory(cluster=cyber, name="Penetration testing")],
    )


def session_cookie(user: User, live_server: object) -> dict[str, str]:
    """A signed-in session for the browser (sign-in has its own tests); staff past the second
    step, as they would be after typing their authenticator code."""
    client = Client()
    client.force_login(user)
    if user.is_staff:
        pass_second_step(client, user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value, "url": str(live_server)}


@pytest.fixture
def sign_in(page: Page, live_server: object) -> Callable[[User], None]:
    def signed_in(user: User) -> None:
        page.context.add_cookies([session_cookie(user, live_server)])  # type: ignore[list-item]

    return signed_in


@contextmanager
def browser_signed_in(browser: Browser, live_server: object, user: User) -> Iterator[Page]:
    """A browser of its own, signed in as ``user``, beside any other."""
    context = browser.new_context(
        base_url=str(live_server), viewport={"width": 1280, "height": 900}
    )
    context.add_cookies([session_cookie(user, live_server)])  # type: ignore[list-item]
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def staff_page(browser: Browser, live_server: object, staff_user: User) -> Iterator[Page]:
    """A second browser, signed in as staff, beside the member's."""
    with browser_signed_in(browser, live_server, staff_user) as page:
        yield page


def run_company_action(staff_page: Page, company: Company, action: str) -> None:
    """In the admin's company list, tick one company and run an action on it."""
    staff_page.goto("/admin/members/company/")
    staff_page.locator(f"input[name=_selected_action][value='{company.pk}']").check()
    staff_page.locator("select[name=action]").select_option(action)
    staff_page.get_by_role("button", name="Run").or_(
        staff_page.get_by_role("button", name="Go")
    ).click()


def test_an_invited_member_sets_up_an_account_keeps_the_profile_and_buyers_see_it(
    page: Page, staff_page: Page, osprey: Company
) -> None:
    # Staff invite the company's contact as its first owner, from the admin.
    run_company_action(staff_page, osprey, "invite_contacts_as_owners")
    expect(staff_page.locator(".messagelist")).to_contain_text(
        "Invited an owner for 1 company: Osprey Secure Example Ltd (sent to alex@osprey.example)."
    )
    assert mail.outbox[-1].to == ["alex@osprey.example"]

    page.goto(emailed_link())
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    expect(page.locator("main")).to_contain_text("Osprey Secure Example Ltd")
    no_axe_violations(page)

    # A password that is too short: the error is said, linked, and nothing else is lost.
    page.get_by_label("Your name").fill("Alex Osprey")
    page.get_by_label("Choose a password").fill("short")
    page.get_by_label("The same password again").fill("short")
    page.get_by_role("button", name=re.compile("Create", re.I)).click()
    expect(page.locator(".error-summary")).to_contain_text("too short")
    expect(page.get_by_label("Your name")).to_have_value("Alex Osprey")
    no_axe_violations(page)

    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Create", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your companies")
    expect(page.locator("main")).to_contain_text("% complete")
    no_axe_violations(page)

    # Keep the profile: a longer summary.
    page.get_by_role("link", name="Profile, clusters and capabilities").click()
    no_axe_violations(page)
    page.get_by_label("Summary").fill(
        "Penetration testing and red-team exercises for councils, health boards and transport "
        "operators across Scotland."
    )
    page.get_by_role("button", name="Save the profile").click()
    expect(page.locator(".notice--success")).to_contain_text("Saved")

    # Add a case study.
    page.get_by_role("link", name="Case studies").click()
    no_axe_violations(page)
    page.get_by_label("Title").first.fill("Red-team exercise for a regional transport body")
    page.get_by_label("Client").first.fill("A fictional transport partnership")
    page.get_by_label("Summary").first.fill("Tested ticketing back offices end to end.")
    page.get_by_role("button", name="Save the case studies").click()
    expect(page.locator("main")).to_contain_text("Case study 1")

    # Buyers see both at once: on the profile, and in search.
    page.goto("/companies/osprey-secure/")
    expect(page.locator("main")).to_contain_text("red-team exercises")
    expect(page.locator("main")).to_contain_text("Red-team exercise for a regional transport body")
    page.goto("/companies/?q=red-team")
    expect(page.locator("main")).to_contain_text("Osprey Secure Example Ltd")


def test_an_applicant_applies_staff_approve_and_the_applicant_takes_over(
    page: Page, staff_page: Page, staff_user: User
) -> None:
    transport = ClusterFactory(name="Smart Ticketing and Transport", slug="transport")
    CapabilityFactory(cluster=transport, name="Account-based ticketing")

    page.goto("/members/apply/")
    no_axe_violations(page)
    page.get_by_role("button", name=re.compile("Send", re.I)).click()  # nothing filled in
    expect(page.locator(".error-summary")).to_contain_text("Company name: This field is required")
    no_axe_violations(page)

    page.get_by_label("Company name").fill("Kelpie Fares Example Ltd")
    page.get_by_label("Summary").fill("Account-based ticketing for transport partnerships.")
    page.get_by_label("Contact name").fill("Rowan Applicant")
    page.get_by_label("Contact email").fill("hello@kelpie.example")
    page.get_by_label("Your email address").fill("rowan@kelpie.example")
    page.get_by_label("Employee band").select_option("10-49")
    page.get_by_label("Smart Ticketing and Transport").check()
    page.get_by_label("Account-based ticketing").check()
    page.get_by_role("button", name=re.compile("Send", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")
    no_axe_violations(page)

    company = Company.objects.get(name="Kelpie Fares Example Ltd")
    assert company.status == Company.Status.PENDING
    assert mail.outbox[-1].to == [staff_user.email]
    page.goto(f"/companies/{company.slug}/")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Kelpie")

    # Staff find the application among the pending ones and approve it.
    staff_page.goto("/admin/members/company/?status__exact=pending")
    expect(staff_page.locator("#result_list")).to_contain_text("Kelpie Fares Example Ltd")
    run_company_action(staff_page, company, "approve_applications")
    expect(staff_page.locator(".messagelist")).to_contain_text(
        "Published 1 company: Kelpie Fares Example Ltd (invited rowan@kelpie.example as owner)."
    )
    assert mail.outbox[-1].to == ["rowan@kelpie.example"]
    page.goto(emailed_link())
    page.get_by_label("Your name").fill("Rowan Applicant")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Create", re.I)).click()
    expect(page.locator("main")).to_contain_text("Kelpie Fares Example Ltd")
    assert CompanyMembership.objects.get(company=company).role == "owner"
    page.goto(f"/companies/{company.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kelpie Fares Example Ltd")


MEMBER_PAGES = [
    "/members/",
    "/members/osprey-secure/profile/",
    "/members/osprey-secure/certifications/",
    "/members/osprey-secure/frameworks/",
    "/members/osprey-secure/case-studies/",
    "/members/osprey-secure/team/",
]


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_pages_have_no_axe_violations(
    page: Page,
    osprey: Company,
    sign_in: Callable[[User], None],
    path: str,
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    osprey.logo = prepare_logo(  # type: ignore[assignment]
        SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    )
    services.company_save(company=osprey)  # the profile then shows it, and the remove box
    owner = UserFactory(email="owner@osprey.example")
    CompanyMembership.objects.create(user=owner, company=osprey, role="owner")
    sign_in(owner)
    response = page.goto(path)
    assert response is not None and response.status == 200
    assert page.locator("h1").count() == 1
    no_axe_violations(page)


def test_a_member_keeps_a_certificate_with_the_keyboard_alone(
    page: Page, osprey: Company, sign_in: Callable[[User], None]
) -> None:
    from tests.factories import CertificationFactory

    CertificationFactory(name="ISO/IEC 27001", slug="iso-27001")
    owner = UserFactory(email="owner@osprey.example")
    CompanyMembership.objects.create(user=owner, company=osprey, role="owner")
    sign_in(owner)
    page.goto("/members/osprey-secure/certifications/")

    def tab_to(label: str) -> None:
        """Tab to the control whose label (or text) starts with ``label``; focus visible."""
        tab_until(
            page,
            "el => { const text = el.labels && el.labels.length ? el.labels[0].innerText"
            " : (el.innerText || ''); return text.trim().split('\\n')[0] === "
            + repr(label)
            + "; }",
            limit=80,
            visible_focus=True,
        )

    tab_to("Certification")
    page.keyboard.press("ArrowDown")  # the first certificate in the list
    tab_to("Valid until")
    # A date field takes digits in its locale's order (this chromium's may be month first).
    digits = page.evaluate(
        "() => new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2027, 5, 30))"
        ".filter(p => p.type !== 'literal').map(p => p.value.padStart(2, '0')).join('')"
    )
    page.keyboard.type(digits)
    tab_to("Save the certifications")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Saved")
    held = osprey.certifications.get()
    assert (held.certification.name, held.valid_until) == (
        "ISO/IEC 27001",
        datetime.date(2027, 6, 30),
    )


def test_the_invitation_pages_have_no_axe_violations(page: Page, osprey: Company) -> None:
    page.goto("/members/invitations/not-a-real-token/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("do not recognise")
    no_axe_violations(page)
