"""A curator's week in a real browser, with the keyboard alone: from the admin's work queue to a
pending application, reviewed and approved; the buyer then finds the company, and axe finds
nothing wrong with the public pages on the way."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from playwright.sync_api import Browser, Page, expect

from members.models import Company, User
from tests.browser.keys import tab_until
from tests.browser.test_member_journey import browser_signed_in, no_axe_violations
from tests.factories import CapabilityFactory, ClusterFactory, CompanyFactory, UserFactory
from tests.mfa import add_authenticator_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def curator(db: None) -> User:
    """Staff, not a superuser: what the Curators group allows, and nothing else."""
    user = UserFactory(
        email="curator@cluster-body.example", full_name="Casey Curator", is_staff=True
    )
    # Browser tests empty the database between tests, the migration's group with it: make it
    # again the migration's way.
    curators = importlib.import_module("accounts.migrations.0001_curators_group")
    curators.set_curator_permissions(apps, SimpleNamespace(connection=connection))
    user.groups.add(Group.objects.get(name="Curators"))
    add_authenticator_app(user)
    return user


@pytest.fixture
def curator_page(browser: Browser, live_server: object, curator: User) -> Iterator[Page]:
    with browser_signed_in(browser, live_server, curator) as page:
        yield page


@pytest.fixture
def application(db: None) -> Company:
    data = ClusterFactory(name="Data", slug="data")
    return CompanyFactory(
        name="Corrie Insight Example Ltd",
        slug="corrie-insight",
        status=Company.Status.PENDING,
        summary="Data engineering and dashboards for councils.",
        applicant_email="founder@corrie.example",
        clusters=[data],
        capabilities=[CapabilityFactory(cluster=data, name="Data engineering")],
    )


def tab_to(page: Page, is_it: str, *, backwards: bool = False) -> None:
    """Tab to the element that passes ``is_it``; its focus must be visible."""
    tab_until(page, is_it, backwards=backwards, visible_focus=True)


def link_named(text: str) -> str:
    return f"el => el.tagName === 'A' && el.innerText.includes({text!r})"


def test_a_curator_reviews_and_approves_an_application_with_the_keyboard_alone(
    curator_page: Page, page: Page, application: Company
) -> None:
    # Before approval a buyer cannot see it, and the page saying so is accessible.
    page.goto("/companies/corrie-insight/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "Corrie Insight" not in page.locator("main").inner_text()
    no_axe_violations(page)

    staff = curator_page
    staff.goto("/admin/")
    tab_to(staff, link_named("Applications waiting for approval"))
    expect(staff.locator(":focus")).to_contain_text("1")
    staff.keyboard.press("Enter")
    expect(staff).to_have_url(re.compile(r"status__exact=pending"))

    # Review: open the application, read who applied, come back to the list.
    tab_to(staff, link_named("Corrie Insight Example Ltd"))
    staff.keyboard.press("Enter")
    expect(staff.locator("#id_applicant_email")).to_have_value("founder@corrie.example")
    staff.go_back()

    # Approve: tick it, choose the action, run it.
    tab_to(staff, f"el => el.name === '_selected_action' && el.value === '{application.pk}'")
    staff.keyboard.press("Space")
    tab_to(staff, "el => el.name === 'action'", backwards=True)
    staff.keyboard.type("Approve")  # a closed select jumps to the option typed
    assert staff.locator("select[name=action]").input_value() == "approve_applications"
    tab_to(staff, "el => el.type === 'submit' && el.closest('.actions')")
    staff.keyboard.press("Enter")
    expect(staff.locator(".messagelist")).to_contain_text(
        "Published 1 company: Corrie Insight Example Ltd (invited founder@corrie.example as owner)."
    )

    application.refresh_from_db()
    assert application.status == Company.Status.PUBLISHED
    assert [message.to for message in mail.outbox] == [["founder@corrie.example"]]

    # The buyer now finds it, on pages with no axe violations.
    page.goto("/companies/?q=dashboards")
    expect(page.locator("main")).to_contain_text("Corrie Insight Example Ltd")
    no_axe_violations(page)
    page.goto("/companies/corrie-insight/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Corrie Insight Example Ltd")
    no_axe_violations(page)
