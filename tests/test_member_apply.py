"""Applying to be listed: a pending company for staff to review, never published by itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from clusters.models import Capability, Cluster
from members.models import Company, CompanyMembership, Invitation, User
from tests.factories import CapabilityFactory, ClusterFactory, CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()  # the limit counts per address in the cache, which outlives a test
    yield
    cache.clear()


@pytest.fixture
def transport() -> tuple[Cluster, Capability]:
    cluster = ClusterFactory(name="Smart Ticketing and Transport", slug="transport")
    return cluster, CapabilityFactory(cluster=cluster, name="Account-based ticketing")


def application(cluster: Cluster, capability: Capability, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "Kelpie Fares Example Ltd",
        "summary": "Account-based ticketing for regional transport partnerships.",
        "website": "https://kelpie-fares.example",
        "companies_house_number": "SC654321",
        "contact_name": "Rowan Applicant",
        "contact_email": "hello@kelpie-fares.example",
        "contact_phone": "0141 496 0000",
        "town": "Glasgow",
        "employee_band": "10-49",
        "clusters": [cluster.pk],
        "capabilities": [capability.pk],
        "applicant_email": "rowan@kelpie-fares.example",
        "website_url": "",
    }
    return data | changes


def test_an_application_is_pending_and_staff_are_emailed(
    client: Client, staff_user: User, transport: tuple[Cluster, Capability]
) -> None:
    response = client.post(reverse("area:apply"), application(*transport))
    assert response.status_code == 302
    assert response["Location"] == reverse("area:apply_thanks")

    company = Company.objects.get(name="Kelpie Fares Example Ltd")
    assert company.status == Company.Status.PENDING
    assert company.slug == "kelpie-fares-example-ltd"
    assert company.applicant_email == "rowan@kelpie-fares.example"
    assert list(company.capabilities.all()) == [transport[1]]
    assert company.possible_duplicate_of is None

    (message,) = mail.outbox
    assert message.to == [staff_user.email]
    assert "Kelpie Fares Example Ltd" in message.subject
    assert f"/admin/members/company/{company.pk}/change/" in message.body

    # Not public until staff approve it.
    assert client.get(reverse("members:company_detail", args=[company.slug])).status_code == 404
    assert "Kelpie" not in client.get(reverse("members:company_list")).content.decode()


def test_staff_notification_addresses_can_be_configured(
    client: Client, settings: Any, staff_user: User, transport: tuple[Cluster, Capability]
) -> None:
    settings.STAFF_NOTIFICATION_EMAILS = ["listings@industry-body.example"]
    client.post(reverse("area:apply"), application(*transport))
    assert mail.outbox[0].to == ["listings@industry-body.example"]


def test_a_capability_outside_the_chosen_clusters_is_a_form_error(
    client: Client, transport: tuple[Cluster, Capability]
) -> None:
    other = CapabilityFactory(cluster=ClusterFactory(name="Fintech", slug="fintech"))
    response = client.post(reverse("area:apply"), application(*transport, capabilities=[other.pk]))
    assert response.status_code == 200
    assert "Fintech" in response.content.decode()
    assert not Company.objects.exists()
    assert not mail.outbox


def test_missing_fields_are_named_and_what_was_typed_is_kept(
    client: Client, transport: tuple[Cluster, Capability]
) -> None:
    response = client.post(
        reverse("area:apply"), application(*transport, name="", website="ftp://x")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_name"' in body  # the error summary links to the field
    assert "rowan@kelpie-fares.example" in body
    assert not Company.objects.exists()


def test_a_robot_filling_the_hidden_field_is_thanked_and_ignored(
    client: Client, transport: tuple[Cluster, Capability]
) -> None:
    response = client.post(
        reverse("area:apply"), application(*transport, website_url="http://spam.example")
    )
    assert response.status_code == 302
    assert not Company.objects.exists()
    assert not mail.outbox


def test_a_flood_from_one_address_is_refused(
    client: Client, transport: tuple[Cluster, Capability]
) -> None:
    for number in range(5):
        data = application(*transport, name=f"Kelpie Fares {number}", companies_house_number="")
        assert client.post(reverse("area:apply"), data).status_code == 302
    refused = client.post(reverse("area:apply"), application(*transport, name="Sixth"))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600  # the hour's window
    assert "Too many applications from your connection" in refused.content.decode()
    assert "Try again in " in refused.content.decode()
    assert Company.objects.count() == 5
    # Another address is not held back by the first one's flood.
    other = Client(REMOTE_ADDR="192.0.2.77")
    assert other.post(reverse("area:apply"), application(*transport)).status_code == 302


def test_a_similar_name_is_flagged_for_staff(
    client: Client, staff_user: User, transport: tuple[Cluster, Capability]
) -> None:
    listed = CompanyFactory(name="Kelpie Fares Ltd", slug="kelpie-fares")
    client.post(reverse("area:apply"), application(*transport, name="Kelpie Fares Limited"))
    applied = Company.objects.get(status=Company.Status.PENDING)
    assert applied.possible_duplicate_of == listed
    assert applied.slug != listed.slug
    assert "may repeat Kelpie Fares Ltd" in mail.outbox[0].body


def test_a_listed_companies_house_number_is_a_form_error_that_says_what_to_do(
    client: Client, transport: tuple[Cluster, Capability]
) -> None:
    CompanyFactory(name="Kelpie Fares Ltd", slug="kelpie-fares", companies_house_number="SC654321")
    response = client.post(
        reverse("area:apply"), application(*transport, companies_house_number="sc654321 ")
    )
    assert response.status_code == 200
    assert "already in the directory" in response.content.decode()
    assert Company.objects.count() == 1
    assert not mail.outbox


def test_an_unrelated_name_is_not_flagged(
    client: Client, transport: tuple[Cluster, Capability]
) -> None:
    CompanyFactory(name="Thistle Secure Ltd", slug="thistle-secure")
    client.post(reverse("area:apply"), application(*transport))
    assert Company.objects.get(status=Company.Status.PENDING).possible_duplicate_of is None


def test_staff_approval_publishes_and_invites_the_applicant_as_owner(
    client: Client, staff_client: Client, transport: tuple[Cluster, Capability]
) -> None:
    client.post(reverse("area:apply"), application(*transport))
    company = Company.objects.get()
    mail.outbox.clear()

    response = staff_client.post(
        reverse("admin:members_company_changelist"),
        {"action": "approve_applications", "_selected_action": [company.pk]},
        follow=True,
    )
    assert (
        "Published 1 company: Kelpie Fares Example Ltd "
        "(invited rowan@kelpie-fares.example as owner)."
    ) in response.content.decode()
    company.refresh_from_db()
    assert company.status == Company.Status.PUBLISHED
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("rowan@kelpie-fares.example", "owner")
    (message,) = mail.outbox
    path = re.search(r"/members/invitations/[\w-]+/", message.body)
    assert path

    # The applicant accepts and can now keep the profile.
    client = Client()  # the fixture's client is the staff user's
    password = "granite-lighthouse-orchard-19"
    form = {"full_name": "Rowan Applicant", "password1": password, "password2": password}
    assert client.post(path.group(0), form).status_code == 302
    assert CompanyMembership.objects.get(company=company).role == "owner"
    assert client.get(reverse("members:company_detail", args=[company.slug])).status_code == 200


def test_approving_a_published_company_again_is_skipped(
    staff_client: Client, published_company: Company
) -> None:
    response = staff_client.post(
        reverse("admin:members_company_changelist"),
        {"action": "approve_applications", "_selected_action": [published_company.pk]},
        follow=True,
    )
    assert "Skipped Thistle Secure Example Ltd" in response.content.decode()
    assert not Invitation.objects.exists()


def test_behind_a_proxy_each_visitor_has_their_own_limit(
    transport: tuple[Cluster, Capability], settings: Any
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request arrives from the proxy
    flooder = Client(HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy)
    for number in range(5):
        data = application(*transport, name=f"Flood {number}", companies_house_number="")
        flooder.post(reverse("area:apply"), data)
    assert flooder.post(reverse("area:apply"), application(*transport)).status_code == 429
    visitor = Client(HTTP_X_FORWARDED_FOR="203.0.113.20", **proxy)
    assert visitor.post(reverse("area:apply"), application(*transport)).status_code == 302
