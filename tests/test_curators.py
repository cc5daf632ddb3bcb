"""The Curators group: staff who curate reach what curation needs in the admin, and no more."""

from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from members.models import (
    CaseStudy,
    Company,
    CompanyCertification,
    CompanyFramework,
    CompanyMembership,
    Invitation,
    SearchSynonym,
    SharedShortlist,
    User,
)
from tests.factories import CompanyMembershipFactory, UserFactory
from tests.mfa import add_authenticator_app, pass_second_step

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0001_curators_group")

# Written out again here rather than read from the migration: a change there must fail here.
EXPECTED = {
    "members.view_company",
    "members.add_company",
    "members.change_company",
    *(
        f"members.{action}_{model}"
        for model in (
            "casestudy",
            "companycertification",
            "companyframework",
            "companymembership",
            "searchsynonym",
        )
        for action in ("view", "add", "change", "delete")
    ),
    "members.view_invitation",
    "members.add_invitation",
    "members.view_sharedshortlist",
    "members.view_user",
    *(
        f"clusters.{action}_{model}"
        for model in ("cluster", "capability", "region", "certification", "framework", "sector")
        for action in ("view", "add", "change", "delete")
    ),
}

# What a curator opens: the list, an existing entry, and the form for a new one.
CURATED = [
    Company,
    CaseStudy,
    CompanyCertification,
    CompanyFramework,
    CompanyMembership,
    Invitation,
    SearchSynonym,
    Cluster,
    Capability,
    Region,
    Certification,
    Framework,
    Sector,
]
SEEN_ONLY = [SharedShortlist, User]


def _group_permissions() -> set[str]:
    group = Group.objects.get(name="Curators")
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def _url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def curator(db: None) -> User:
    user = UserFactory(email="curator@cluster-team.example", is_staff=True, is_superuser=False)
    user.groups.add(Group.objects.get(name="Curators"))
    add_authenticator_app(user)
    return user


@pytest.fixture
def curator_client(client: Client, curator: User) -> Client:
    client.force_login(curator)
    pass_second_step(client, curator)
    return client


@pytest.fixture
def one_of_each(company_with_profile: Company, curator: User) -> dict[type[Model], Model]:
    membership = CompanyMembershipFactory(company=company_with_profile)
    rows: dict[type[Model], Model] = {
        Company: company_with_profile,
        CaseStudy: company_with_profile.case_studies.get(),
        CompanyCertification: company_with_profile.certifications.first(),
        CompanyFramework: company_with_profile.frameworks.first(),
        CompanyMembership: membership,
        Invitation: Invitation.objects.create(
            email="new.owner@member.example",
            company=company_with_profile,
            token_hash="1" * 64,
            expires_at=timezone.now() + datetime.timedelta(days=7),
            invited_by=curator,
        ),
        SearchSynonym: SearchSynonym.objects.create(term="soc", expansion="security operations"),
        SharedShortlist: SharedShortlist.objects.create(
            key="evidence", company_ids=[company_with_profile.pk]
        ),
        User: membership.user,
    }
    for model in (Cluster, Capability, Region, Certification, Framework, Sector):
        rows[model] = model.objects.first()
    return rows


def test_the_curators_group_holds_exactly_the_curation_permissions() -> None:
    assert _group_permissions() == EXPECTED


def test_running_the_migration_again_puts_back_exactly_that_set() -> None:
    group = Group.objects.get(name="Curators")
    group.permissions.add(Permission.objects.get(codename="delete_company"))
    group.permissions.remove(Permission.objects.get(codename="change_company"))
    editor = SimpleNamespace(connection=connection)

    migration.set_curator_permissions(apps, editor)

    assert _group_permissions() == EXPECTED


def test_reversing_the_migration_removes_the_group_and_applying_it_brings_it_back() -> None:
    editor = SimpleNamespace(connection=connection)

    migration.remove_curators_group(apps, editor)
    assert not Group.objects.filter(name="Curators").exists()
    migration.set_curator_permissions(apps, editor)

    assert _group_permissions() == EXPECTED


@pytest.mark.parametrize("model", CURATED + SEEN_ONLY, ids=lambda model: model._meta.label)
def test_curator_opens_the_list_and_an_entry(
    curator_client: Client, one_of_each: dict[type[Model], Model], model: type[Model]
) -> None:
    listing = curator_client.get(_url(model, "changelist"))
    entry = curator_client.get(_url(model, "change", one_of_each[model].pk))

    assert listing.status_code == 200
    assert listing.context["cl"].result_count >= 1
    assert entry.status_code == 200


@pytest.mark.parametrize("model", CURATED, ids=lambda model: model._meta.label)
def test_curator_opens_the_form_for_a_new_entry(curator_client: Client, model: type[Model]) -> None:
    response = curator_client.get(_url(model, "add"))

    assert response.status_code == 200


def test_curator_opens_a_company_history(
    curator_client: Client, company_with_profile: Company
) -> None:
    response = curator_client.get(_url(Company, "history", company_with_profile.pk))

    assert response.status_code == 200
    assert company_with_profile.name in response.text


def test_curator_finds_users_in_the_membership_autocomplete(
    curator_client: Client, one_of_each: dict[type[Model], Model]
) -> None:
    user = one_of_each[User]
    response = curator_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "members",
            "model_name": "companymembership",
            "field_name": "user",
            "term": user.email[:8],  # type: ignore[attr-defined]
        },
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(user.pk)]


def test_curator_cannot_delete_a_company(
    curator_client: Client, company_with_profile: Company
) -> None:
    url = _url(Company, "delete", company_with_profile.pk)

    assert curator_client.get(url).status_code == 403
    assert curator_client.post(url, {"post": "yes"}).status_code == 403
    assert Company.objects.filter(pk=company_with_profile.pk).exists()


def test_curator_cannot_change_users_or_their_passwords(
    curator_client: Client, one_of_each: dict[type[Model], Model], curator: User
) -> None:
    user = one_of_each[User]
    change = _url(User, "change", user.pk)

    page = curator_client.get(change)
    posted = curator_client.post(
        _url(User, "change", curator.pk),
        {"email": curator.email, "is_staff": "on", "is_superuser": "on", "is_active": "on"},
    )

    assert page.context["has_change_permission"] is False  # shown read-only, no Save button
    assert 'name="_save"' not in page.text
    assert posted.status_code == 403
    assert curator_client.get(_url(User, "add")).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[user.pk])
    assert curator_client.get(password).status_code == 403
    curator.refresh_from_db()
    assert curator.is_superuser is False


def test_curator_cannot_open_or_change_groups(curator_client: Client) -> None:
    group = Group.objects.get(name="Curators")

    assert curator_client.get(_url(Group, "changelist")).status_code == 403
    assert curator_client.get(_url(Group, "change", group.pk)).status_code == 403
    assert curator_client.post(_url(Group, "change", group.pk), {"name": "x"}).status_code == 403
