"""No one may touch a company that is not theirs: every member URL, every method, a 404.

The test walks the URL patterns of the member area, so a new URL that forgets the check fails it.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from members import urls_area
from members.models import Company, CompanyMembership, User
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

METHODS = ["get", "post", "put", "patch", "delete"]


def company_urls(company: Company, membership_id: int) -> list[str]:
    """Every member-area URL that names a company, filled in for this one."""
    urls = []
    for pattern in urls_area.urlpatterns:
        assert isinstance(pattern, URLPattern)
        route = str(pattern.pattern)
        if "<slug:slug>" not in route:
            continue
        kwargs: dict[str, object] = {"slug": company.slug}
        if "<int:membership_id>" in route:
            kwargs["membership_id"] = membership_id
        urls.append(reverse(f"area:{pattern.name}", kwargs=kwargs))
    return urls


@pytest.fixture
def outsider(db: None) -> User:
    user = UserFactory(email="someone.else@elsewhere.example")
    CompanyMembership.objects.create(
        user=user, company=CompanyFactory(slug="elsewhere"), role=CompanyMembership.Role.OWNER
    )
    return user


def test_the_walk_covers_every_company_url(member_company: Company, member: User) -> None:
    membership = member.memberships.get()
    names = {url.rstrip("/").split("/")[-1] for url in company_urls(member_company, membership.pk)}
    assert {"profile", "certifications", "frameworks", "case-studies", "confirm", "team"} <= names
    assert len(company_urls(member_company, membership.pk)) == len(
        [p for p in urls_area.urlpatterns if "<slug:slug>" in str(p.pattern)]
    )


@pytest.mark.parametrize("method", METHODS)
def test_another_company_is_not_found_for_every_url_and_method(
    client: Client, member_company: Company, member: User, outsider: User, method: str
) -> None:
    client.force_login(outsider)
    membership = member.memberships.get()
    for url in company_urls(member_company, membership.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)


@pytest.mark.parametrize("method", ["get", "post"])
def test_signed_out_visitors_are_sent_to_sign_in(
    client: Client, member_company: Company, member: User, method: str
) -> None:
    membership = member.memberships.get()
    for url in [reverse("area:dashboard"), *company_urls(member_company, membership.pk)]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_an_editor_cannot_invite_or_remove(
    client: Client, member_company: Company, member: User
) -> None:
    editor = UserFactory(email="editor@osprey.example")
    CompanyMembership.objects.create(user=editor, company=member_company)
    client.force_login(editor)
    owner_membership = member.memberships.get()
    invite = client.post(
        reverse("area:team", args=[member_company.slug]),
        {"email": "new@osprey.example", "role": "owner"},
    )
    remove = client.post(
        reverse("area:remove_member", args=[member_company.slug, owner_membership.pk])
    )
    assert (invite.status_code, remove.status_code) == (403, 403)
    assert member_company.invitations.count() == 0
    assert member_company.memberships.count() == 2


def test_a_member_sees_only_their_companies_on_the_dashboard(
    member_client: Client, member_company: Company, outsider: User
) -> None:
    html = member_client.get(reverse("area:dashboard")).text
    assert member_company.name in html
    assert "elsewhere" not in html.lower()
