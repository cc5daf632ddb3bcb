"""The search documents follow every write made through the services, and nothing else."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from members.models import Company, SearchDocument
from members.services import (
    company_delete,
    company_part_delete,
    company_save,
    taxonomy_item_save,
)
from tests.factories import CapabilityFactory, CaseStudyFactory, ClusterFactory, CompanyFactory
from tests.search_data import search

pytestmark = pytest.mark.django_db


def found(text: str) -> set[int]:
    return {int(pk) for pk in search(text).ordered_ids}


@pytest.fixture
def company(db: None) -> Company:
    return CompanyFactory(name="Kestrel Example", summary="Plain words.", description="")


def test_a_new_company_is_searchable_at_once(company: Company) -> None:
    assert found("kestrel") == {company.pk}


def test_editing_the_name_updates_the_document(company: Company) -> None:
    company.name = "Osprey Example"
    company_save(company=company)
    assert found("osprey") == {company.pk}
    assert found("kestrel") == set()


def test_adding_and_removing_a_capability(company: Company) -> None:
    capability = CapabilityFactory(name="Geospatial mapping", slug="geospatial")
    company_save(company=company, clusters=[capability.cluster], capabilities=[capability])
    assert found("geospatial") == {company.pk}
    company_save(company=company, capabilities=[])
    assert found("geospatial") == set()


def test_renaming_a_capability_updates_its_companies(company: Company) -> None:
    capability = CapabilityFactory(name="Widgetry", slug="widgetry")
    company_save(company=company, clusters=[capability.cluster], capabilities=[capability])
    capability.name = "Cryptography"
    taxonomy_item_save(item=capability)
    assert found("cryptography") == {company.pk}
    assert found("widgetry") == set()


def test_deactivating_a_capability_forgets_it_and_reactivating_brings_it_back(
    company: Company,
) -> None:
    capability = CapabilityFactory(name="Forensic imaging", slug="forensic-imaging")
    company_save(company=company, clusters=[capability.cluster], capabilities=[capability])
    capability.is_active = False
    taxonomy_item_save(item=capability)
    assert found("forensic") == set()
    capability.is_active = True
    taxonomy_item_save(item=capability)
    assert found("forensic") == {company.pk}


def test_cluster_name_is_searchable(company: Company) -> None:
    company_save(company=company, clusters=[ClusterFactory(name="TravelTech", slug="traveltech")])
    assert found("traveltech") == {company.pk}


def test_case_studies_are_searchable_and_forgotten_when_deleted(company: Company) -> None:
    case_study = CaseStudyFactory(company=company, title="Lighthouse telemetry", summary="x")
    assert found("lighthouse") == {company.pk}
    company_part_delete(part=case_study)
    assert found("lighthouse") == set()


def test_only_published_companies_have_a_document(company: Company) -> None:
    company.status = Company.Status.ARCHIVED
    company_save(company=company)
    assert not SearchDocument.objects.filter(company=company).exists()
    assert found("kestrel") == set()
    company.status = Company.Status.PUBLISHED
    company_save(company=company)
    assert found("kestrel") == {company.pk}


def test_a_deleted_company_is_gone(company: Company) -> None:
    company_delete(company=company)
    assert not SearchDocument.objects.exists()
    assert found("kestrel") == set()


def test_rebuild_command_restores_a_lost_document(company: Company) -> None:
    SearchDocument.objects.all().delete()
    assert found("kestrel") == set()
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert found("kestrel") == {company.pk}
