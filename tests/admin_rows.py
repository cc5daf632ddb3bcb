"""Rows of every model registered in the admin, and every admin page's address, for tests that
walk the whole admin (access, query counts, malformed addresses).

Each row fills the foreign keys the admin lists show, so a list that forgets to join one costs a
query per row and the query-count test sees it.
"""

from __future__ import annotations

import datetime
import itertools
import secrets
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.urls import URLPattern, URLResolver, reverse
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
from tests.factories import (
    CapabilityFactory,
    CaseStudyFactory,
    CertificationFactory,
    ClusterFactory,
    CompanyCertificationFactory,
    CompanyFactory,
    CompanyFrameworkFactory,
    CompanyMembershipFactory,
    FrameworkFactory,
    RegionFactory,
    SectorFactory,
    UserFactory,
)
from tests.mfa import add_authenticator_app

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)

_numbers = itertools.count(1)


def _company() -> Company:
    number = next(_numbers)
    return CompanyFactory(
        capabilities=[CapabilityFactory()],
        sectors=[SectorFactory()],
        possible_duplicate_of=CompanyFactory(name=f"Listed Twice {number} Ltd"),
        last_verified_by=UserFactory(is_staff=True),
    )


def _authenticator() -> Authenticator:
    user = UserFactory(is_staff=True)
    add_authenticator_app(user)
    return Authenticator.objects.filter(user=user).first()  # type: ignore[return-value]


def _invitation() -> Invitation:
    return Invitation.objects.create(
        email=f"invitee{next(_numbers)}@member.example",
        company=CompanyFactory(),
        token_hash=secrets.token_hex(32),
        expires_at=timezone.now() + datetime.timedelta(days=7),
        invited_by=UserFactory(is_staff=True),
    )


def _synonym() -> SearchSynonym:
    number = next(_numbers)
    return SearchSynonym.objects.create(term=f"term {number}", expansion=f"meaning {number}")


def _shortlist() -> SharedShortlist:
    return SharedShortlist.objects.create(
        key=secrets.token_urlsafe(12), company_ids=[CompanyFactory().pk]
    )


BUILDERS: dict[type[Model], Callable[[], Model]] = {
    Group: lambda: Group.objects.create(name=f"Group {next(_numbers)}"),
    Authenticator: _authenticator,
    Cluster: ClusterFactory,
    Capability: CapabilityFactory,
    Region: RegionFactory,
    Certification: CertificationFactory,
    Framework: FrameworkFactory,
    Sector: SectorFactory,
    User: UserFactory,
    Company: _company,
    CaseStudy: CaseStudyFactory,
    CompanyCertification: CompanyCertificationFactory,
    CompanyFramework: CompanyFrameworkFactory,
    CompanyMembership: CompanyMembershipFactory,
    Invitation: _invitation,
    SearchSynonym: _synonym,
    SharedShortlist: _shortlist,
}


def make_rows(model: type[Model], count: int) -> list[Model]:
    return [BUILDERS[model]() for _ in range(count)]


def one_of_each() -> dict[type[Model], Model]:
    return {model: BUILDERS[model]() for model in REGISTERED}


def _name(model: type[Model], view: str) -> str:
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"


def model_pages(model: type[Model], row: Model) -> list[str]:
    """Every page the admin has for this model, about this row where a page takes one."""
    pages = [reverse(_name(model, "changelist")), reverse(_name(model, "add"))]
    for view in ("change", "history", "delete"):
        pages.append(reverse(_name(model, view), args=[row.pk]))
    history = getattr(model, "history", None)
    if history is not None:
        record = history.filter(**{model._meta.pk.attname: row.pk}).first()
        pages.append(reverse(_name(model, "simple_history"), args=[row.pk, record.history_id]))
    if model is User:
        pages.append(reverse("admin:auth_user_password_change", args=[row.pk]))
    if model is Company:  # django-import-export's pages
        pages += [reverse(_name(model, view)) for view in ("import", "process_import", "export")]
    return pages


def site_pages(rows: dict[type[Model], Model]) -> list[str]:
    """The admin's pages that belong to no one model."""
    company = rows[Company]
    content_type = ContentType.objects.get_for_model(Company)
    pages = [
        reverse("admin:index"),
        reverse("admin:password_change"),
        reverse("admin:password_change_done"),
        reverse("admin:jsi18n"),
        reverse("admin:view_on_site", args=[content_type.pk, company.pk]),
        "/admin/autocomplete/?app_label=members&model_name=companymembership"
        "&field_name=user&term=a",
    ]
    pages += [
        reverse("admin:app_list", kwargs={"app_label": label})
        for label in sorted({model._meta.app_label for model in REGISTERED})
    ]
    return pages


def every_page(rows: dict[type[Model], Model]) -> list[str]:
    pages = site_pages(rows)
    for model in REGISTERED:
        pages += model_pages(model, rows[model])
    return pages


def admin_url_names() -> set[str]:
    """The name of every URL the admin has (unnamed ones redirect to a named one)."""

    def walk(patterns: list[URLPattern | URLResolver]) -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                names |= walk(pattern.url_patterns)
            elif pattern.name:
                names.add(pattern.name)
        return names

    return walk(admin.site.get_urls())
