"""The stored search document follows every change to a company and its parts."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from members.models import Company
from members.search import CompanySearch
from tests.factories import CapabilityFactory, CaseStudyFactory, ClusterFactory, CompanyFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the tsvector is PostgreSQL's"),
]


def found(text: str) -> set[int]:
    return {int(pk) for pk in CompanySearch(text=text).run().ordered_ids}


@pytest.fixture
def company(db: None) -> Company:
    return CompanyFactory(name="Kestrel Example", summary="Plain words.", description="")


def test_new_company_is_searchable_at_once(company: Company) -> None:
    assert company.pk in found("kestrel")


def test_editing_the_name_updates_the_document(company: Company) -> None:
    company.name = "Osprey Example"
    company.save()
    assert company.pk in found("osprey")
    assert company.pk not in found("kestrel")


def test_adding_a_capability_makes_it_searchable(company: Company) -> None:
    capability = CapabilityFactory(name="Geospatial mapping", slug="geospatial")
    company.clusters.add(capability.cluster)
    company.capabilities.add(capability)
    assert company.pk in found("geospatial")
    company.capabilities.remove(capability)
    assert company.pk not in found("geospatial")


def test_clearing_capabilities_forgets_them(company: Company) -> None:
    capability = CapabilityFactory(name="Forensic imaging", slug="forensic-imaging")
    company.clusters.add(capability.cluster)
    company.capabilities.add(capability)
    company.capabilities.clear()
    assert company.pk not in found("forensic")


def test_renaming_a_capability_updates_its_companies(company: Company) -> None:
    capability = CapabilityFactory(name="Widgetry", slug="widgetry")
    company.clusters.add(capability.cluster)
    company.capabilities.add(capability)
    capability.name = "Cryptography"
    capability.save()
    assert company.pk in found("cryptography")


def test_cluster_name_is_searchable(company: Company) -> None:
    company.clusters.add(ClusterFactory(name="TravelTech", slug="traveltech"))
    assert company.pk in found("traveltech")


def test_case_studies_are_searchable_and_forgotten_when_deleted(company: Company) -> None:
    case_study = CaseStudyFactory(company=company, title="Lighthouse telemetry", summary="x")
    assert company.pk in found("lighthouse")
    case_study.delete()
    assert company.pk not in found("lighthouse")


def test_rebuild_command_restores_a_lost_document(company: Company) -> None:
    Company.objects.filter(pk=company.pk).update(search_vector=None)
    assert company.pk not in found("kestrel")
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert company.pk in found("kestrel")
