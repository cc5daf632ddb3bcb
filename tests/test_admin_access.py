"""Nobody but staff reaches an admin page: not a visitor, not a signed-in member."""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import resolve

from tests.admin_rows import BUILDERS, REGISTERED, admin_url_names, every_page, one_of_each
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN_PAGES = ("/admin/login/", "/accounts/login/")
WRITES = ("_add", "_change", "_delete", "_simple_history", "password_change")


@pytest.fixture
def rows() -> dict[type[Model], Model]:
    return one_of_each()


@pytest.fixture
def pages(rows: dict[type[Model], Model]) -> list[str]:
    return every_page(rows)


def _refusals(client: Client, pages: list[str], *, forbidden_ok: bool) -> list[str]:
    """Each page the client was let into, or turned away from in some unexpected way."""
    wrong = []
    for page in pages:
        responses = [client.get(page)]
        if resolve(page.split("?")[0]).url_name.endswith(WRITES):
            responses.append(client.post(page, {"post": "yes", "name": "Taken over"}))
        for response in responses:
            location = response.get("Location", "")
            to_sign_in = response.status_code == 302 and location.startswith(SIGN_IN_PAGES)
            if not (to_sign_in or (forbidden_ok and response.status_code == 403)):
                wrong.append(
                    f"{response.request['REQUEST_METHOD']} {page}: "
                    f"{response.status_code} {location}"
                )
    return wrong


def test_the_walk_covers_every_admin_page(pages: list[str]) -> None:
    """A page added to the admin (an import view, say) must join the walk below."""
    walked = {resolve(page.split("?")[0]).url_name for page in pages}
    assert admin_url_names() - walked == {"login", "logout"}
    assert set(BUILDERS) == set(REGISTERED)


def test_a_visitor_is_sent_to_sign_in_from_every_admin_page(
    client: Client, pages: list[str], rows: dict[type[Model], Model]
) -> None:
    assert _refusals(client, pages, forbidden_ok=False) == []
    _assert_untouched(rows)


def _assert_untouched(rows: dict[type[Model], Model]) -> None:
    for model, row in rows.items():
        assert model._default_manager.filter(pk=row.pk).exists(), model


def test_a_signed_in_member_reaches_no_admin_page(
    client: Client, pages: list[str], rows: dict[type[Model], Model]
) -> None:
    member = UserFactory(email="owner@member.example", is_staff=False)
    client.force_login(member)

    assert _refusals(client, pages, forbidden_ok=True) == []
    _assert_untouched(rows)
    member.refresh_from_db()
    assert (member.is_staff, member.is_superuser) == (False, False)


def test_a_member_with_superuser_but_not_staff_status_reaches_no_admin_page(
    client: Client, pages: list[str]
) -> None:
    """The admin's door is staff status: a stray superuser flag alone does not open it."""
    client.force_login(UserFactory(is_staff=False, is_superuser=True))

    assert _refusals(client, pages, forbidden_ok=True) == []
