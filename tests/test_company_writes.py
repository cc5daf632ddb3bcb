"""Writes through members.services: one transaction, one history record, one search version."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Company, SearchChange, SearchState
from members.search.documents import search_batch
from members.services import company_part_save, company_save
from tests.factories import (
    CapabilityFactory,
    CaseStudyFactory,
    ClusterFactory,
    CompanyFactory,
    SectorFactory,
)
from tests.search_data import search

pytestmark = pytest.mark.django_db


def version() -> int:
    return SearchState.objects.get(pk=1).version


@pytest.fixture
def taxonomy(db: None) -> dict[str, list]:
    cyber, data = ClusterFactory(slug="cyber"), ClusterFactory(slug="data")
    return {
        "cyber": [CapabilityFactory(cluster=cyber) for _ in range(3)],
        "data": [CapabilityFactory(cluster=data) for _ in range(3)],
        "clusters": [cyber, data],
        "sectors": [SectorFactory(), SectorFactory()],
    }


@pytest.fixture
def company(taxonomy: dict[str, list]) -> Company:
    cyber, _ = taxonomy["clusters"]
    return CompanyFactory(
        name="Merlin Example",
        capabilities=taxonomy["cyber"][:2],
        clusters=[cyber],
        sectors=taxonomy["sectors"],
    )


def edit_clusters_and_capabilities(company: Company, taxonomy: dict[str, list]) -> None:
    """What the admin does when staff change the name, the clusters and the capabilities."""
    cyber, data = taxonomy["clusters"]
    company.name = "Merlin Data Example"
    company_save(
        company=company,
        clusters=[cyber, data],
        capabilities=[taxonomy["cyber"][0], *taxonomy["data"][:2]],
        sectors=taxonomy["sectors"],
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the budget is PostgreSQL's")
def test_an_edit_with_clusters_and_capabilities_costs_at_most_15_queries(
    company: Company, taxonomy: dict[str, list]
) -> None:
    with CaptureQueriesContext(connection) as queries:
        edit_clusters_and_capabilities(company, taxonomy)
    # Everything: the transaction, the writes, history, the search document and, after commit,
    # the search version.
    assert len(queries) <= 15, "\n".join(q["sql"][:120] for q in queries)


def test_an_edit_advances_the_search_version_exactly_once(
    company: Company, taxonomy: dict[str, list]
) -> None:
    before = version()
    edit_clusters_and_capabilities(company, taxonomy)
    assert version() == before + 1
    assert SearchChange.objects.get(version=before + 1).company_ids == [company.pk]


def test_the_edit_is_what_buyers_find(company: Company, taxonomy: dict[str, list]) -> None:
    search()  # the index exists before the edit: it must follow it, not be rebuilt
    edit_clusters_and_capabilities(company, taxonomy)
    data_capability = taxonomy["data"][0]
    assert [int(pk) for pk in search(capability=[data_capability.slug]).ordered_ids] == [company.pk]
    assert search("merlin data").total == 1


def test_an_edit_writes_one_history_record_holding_its_links(
    company: Company, taxonomy: dict[str, list]
) -> None:
    records = company.history.count()
    edit_clusters_and_capabilities(company, taxonomy)
    assert company.history.count() == records + 1
    latest = company.history.latest()
    assert latest.name == "Merlin Data Example"
    held = {link.capability_id for link in latest.capabilities.all()}
    assert held == {taxonomy["cyber"][0].pk, *(c.pk for c in taxonomy["data"][:2])}
    assert {link.cluster_id for link in latest.clusters.all()} == {
        c.pk for c in taxonomy["clusters"]
    }
    previous = latest.prev_record
    delta = latest.diff_against(previous)
    assert {"name", "clusters", "capabilities"} <= set(delta.changed_fields)


def test_unchanged_links_are_not_rewritten(company: Company, taxonomy: dict[str, list]) -> None:
    link_ids = set(Company.capabilities.through.objects.values_list("pk", flat=True))
    company.summary = "New words, same capabilities."
    company_save(company=company, capabilities=taxonomy["cyber"][:2])
    assert set(Company.capabilities.through.objects.values_list("pk", flat=True)) == link_ids


def test_a_capability_outside_the_clusters_is_refused_and_nothing_is_saved(
    company: Company, taxonomy: dict[str, list]
) -> None:
    before = version()
    company.name = "Renamed Example"
    with pytest.raises(ValidationError):
        company_save(company=company, capabilities=[taxonomy["data"][0]])
    company.refresh_from_db()
    assert company.name == "Merlin Example"
    assert version() == before


def test_a_write_that_fails_in_the_database_leaves_nothing_behind(
    company: Company, taxonomy: dict[str, list]
) -> None:
    CompanyFactory(companies_house_number="SC123456")
    before, records = version(), company.history.count()
    company.companies_house_number = "SC123456"  # taken: the unique constraint refuses it
    with pytest.raises(IntegrityError):
        company_save(company=company, capabilities=taxonomy["cyber"][:1])
    company.refresh_from_db()
    assert company.companies_house_number == ""
    assert company.capabilities.count() == 2
    assert (version(), company.history.count()) == (before, records)


def test_a_rolled_back_outer_transaction_records_no_change(company: Company) -> None:
    before = version()
    with pytest.raises(RuntimeError), transaction.atomic():
        company.name = "Never Example"
        company_save(company=company)
        raise RuntimeError("the caller gave up")
    assert version() == before
    assert search("never").total == 0


def test_a_company_and_its_parts_saved_together_are_one_version(company: Company) -> None:
    before = version()
    with transaction.atomic(), search_batch():
        company.summary = "Now with two case studies."
        company_save(company=company)
        for title in ("Harbour telemetry", "Ferry ticket audit"):
            company_part_save(part=CaseStudyFactory.build(company=company, title=title))
    assert version() == before + 1
    assert search("harbour").total == 1


def test_staff_saving_a_company_in_the_admin_is_one_version(
    staff_client: Client, company: Company, taxonomy: dict[str, list]
) -> None:
    cyber, data = taxonomy["clusters"]
    before = version()
    url = reverse("admin:members_company_change", args=[company.pk])
    payload = {
        "name": "Merlin Admin Example",
        "slug": company.slug,
        "status": company.status,
        "summary": company.summary,
        "employee_band": company.employee_band,
        "clusters": [cyber.pk, data.pk],
        "capabilities": [c.pk for c in taxonomy["data"][:1]] + [taxonomy["cyber"][0].pk],
        "sectors": [s.pk for s in taxonomy["sectors"]],
        "region": company.region_id,
        "last_verified_at_0": "",
        "last_verified_at_1": "",
        "last_confirmed_at_0": "",
        "last_confirmed_at_1": "",
        "case_studies-TOTAL_FORMS": "1",
        "case_studies-INITIAL_FORMS": "0",
        "case_studies-0-title": "Admin-added study",
        "case_studies-0-client": "A fictional council",
        "case_studies-0-summary": "Something useful.",
        "case_studies-0-position": "0",
    }
    for prefix in ("certifications", "frameworks", "memberships"):
        payload[f"{prefix}-TOTAL_FORMS"] = "0"
        payload[f"{prefix}-INITIAL_FORMS"] = "0"
    response = staff_client.post(url, payload)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert version() == before + 1
    assert search("admin-added").total == 1
    assert search(cluster=["data"]).total == 1
