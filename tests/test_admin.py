"""Staff curation in the admin: every page opens, autocomplete answers, bad data is refused."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clusters.models import Capability, Cluster
from members.models import Company, Invitation, SearchSynonym, SharedShortlist, User
from tests.factories import (
    CapabilityFactory,
    ClusterFactory,
    CompanyMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REGISTERED_MODELS = sorted(
    (model for model in admin.site._registry),
    key=lambda model: model._meta.label,
)


def _admin_url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _company_form_data(clusters: list[Cluster], capabilities: list[Capability]) -> dict:
    data = {
        "name": "Kelpie Analytics Example Ltd",
        "slug": "kelpie-analytics",
        "status": Company.Status.PUBLISHED,
        "summary": "Data analytics for transport authorities.",
        "employee_band": Company.EmployeeBand.MICRO,
        "clusters": [str(cluster.pk) for cluster in clusters],
        "capabilities": [str(capability.pk) for capability in capabilities],
    }
    for prefix in ("certifications", "frameworks", "case_studies", "memberships"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data


@pytest.fixture
def one_of_everything(company_with_profile: Company, staff_user: User) -> None:
    """A row in every changelist, so that each list column is rendered at least once."""
    CompanyMembershipFactory(company=company_with_profile)
    Invitation.objects.create(
        email="new.editor@member.example",
        company=company_with_profile,
        token_hash="0" * 64,
        expires_at=timezone.now() + datetime.timedelta(days=7),
        invited_by=staff_user,
    )
    Group.objects.get_or_create(name="Curators")  # made by accounts migration 0001
    SearchSynonym.objects.create(term="soc", expansion="security operations centre")
    SharedShortlist.objects.create(key="evidence-key", company_ids=[company_with_profile.pk])


@pytest.mark.usefixtures("one_of_everything")
@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label)
def test_staff_can_open_every_changelist(staff_client: Client, model: type[Model]) -> None:
    response = staff_client.get(_admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize(
    "model",
    [model for model in REGISTERED_MODELS if model is not SharedShortlist],
    ids=lambda model: model._meta.label,
)
def test_staff_can_open_every_add_page(staff_client: Client, model: type[Model]) -> None:
    response = staff_client.get(_admin_url(model, "add"))
    assert response.status_code == 200


def test_shared_shortlists_cannot_be_made_or_altered_in_the_admin(staff_client: Client) -> None:
    shared = SharedShortlist.objects.create(key="kept-as-evidence", company_ids=[1])
    assert staff_client.get(_admin_url(SharedShortlist, "add")).status_code == 403
    response = staff_client.post(
        _admin_url(SharedShortlist, "change", shared.pk), {"company_ids": "[2]"}
    )
    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.company_ids == [1]


def test_staff_can_open_a_full_company_and_its_history(
    staff_client: Client, company_with_profile: Company
) -> None:
    change = staff_client.get(_admin_url(Company, "change", company_with_profile.pk))
    history = staff_client.get(_admin_url(Company, "history", company_with_profile.pk))
    assert change.status_code == 200
    assert "Shared records platform for a health board" in change.text
    assert history.status_code == 200


def test_changelist_search_finds_a_company(
    staff_client: Client, published_company: Company
) -> None:
    response = staff_client.get(_admin_url(Company, "changelist"), {"q": "thistle"})
    assert response.status_code == 200
    assert published_company.name in response.text


def test_capability_autocomplete_answers_with_matching_capabilities(
    staff_client: Client, capability: Capability
) -> None:
    CapabilityFactory(name="Data engineering")
    response = staff_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "members",
            "model_name": "company",
            "field_name": "capabilities",
            "term": "pen",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    results = response.json()["results"]
    assert results == [{"id": str(capability.pk), "text": "Penetration testing"}]


def test_company_admin_accepts_capabilities_inside_the_clusters(staff_client: Client) -> None:
    cyber = ClusterFactory(name="Cyber Security")
    capability = CapabilityFactory(cluster=cyber)
    response = staff_client.post(
        _admin_url(Company, "add"), _company_form_data([cyber], [capability])
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    company = Company.objects.get(slug="kelpie-analytics")
    assert list(company.capabilities.all()) == [capability]


def test_company_admin_refuses_capabilities_outside_the_clusters(staff_client: Client) -> None:
    cyber = ClusterFactory(name="Cyber Security")
    outside = CapabilityFactory(cluster=ClusterFactory(name="FinTech"), name="Open banking")
    response = staff_client.post(_admin_url(Company, "add"), _company_form_data([cyber], [outside]))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["capabilities"] == [
        "These capabilities belong to clusters the company is not in: Open banking (FinTech). "
        "Add the cluster or remove the capability."
    ]
    assert "Open banking (FinTech)" in response.text
    assert not Company.objects.filter(slug="kelpie-analytics").exists()


def test_anonymous_visitor_is_sent_to_the_admin_login(client: Client) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_signed_in_member_who_is_not_staff_is_sent_to_the_admin_login(client: Client) -> None:
    client.force_login(UserFactory(is_staff=False))
    response = client.get(_admin_url(Company, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
