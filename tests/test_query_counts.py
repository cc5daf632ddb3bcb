"""Pages cost a fixed number of queries however many companies, and however rich a profile.

Each page is measured twice: cold (the first request after the directory changed, which also
rebuilds the search page's facet index) and warm (the next one).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clusters.models import Cluster
from members.models import Company
from tests.factories import (
    CapabilityFactory,
    CaseStudyFactory,
    ClusterFactory,
    CompanyCertificationFactory,
    CompanyFactory,
    CompanyFrameworkFactory,
)

pytestmark = pytest.mark.django_db

# (page, companies at first): the first number fills part of the page, 50 fills all of it (the
# home page shows the six most recent, the lists 20 a page).
PAGES = [
    ("/", 3),
    ("/clusters/", 10),
    ("/clusters/cyber-security/", 10),
    ("/companies/", 10),
    # Nothing found: the filters to drop, and their counts, come from the index's bitsets.
    ("/companies/?cluster=cyber-security&capability_mode=all&letter=Q", 10),
]


def _query_counts(client: Client, path: str) -> tuple[int, int]:
    """(cold, warm) number of queries that one page costs."""
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


def _add_rich_companies(count: int, clusters: list[Cluster]) -> None:
    """Companies with everything a result card shows: clusters, capabilities, listings."""
    capabilities = [CapabilityFactory(cluster=cluster) for cluster in clusters for _ in range(2)]
    for _ in range(count):
        company = CompanyFactory(capabilities=capabilities)
        CompanyCertificationFactory(company=company)
        CompanyFrameworkFactory(company=company)


@pytest.fixture
def clusters(db: None) -> list[Cluster]:
    return [ClusterFactory(slug="cyber-security"), ClusterFactory(slug="data")]


@pytest.mark.parametrize(("path", "first"), PAGES)
def test_page_costs_the_same_queries_for_few_and_for_50_companies(
    client: Client, clusters: list[Cluster], path: str, first: int
) -> None:
    client.get(path)  # fill any once-per-process cache, whichever test runs first
    _add_rich_companies(first, clusters)
    with_few = _query_counts(client, path)
    _add_rich_companies(50 - first, clusters)
    with_50 = _query_counts(client, path)
    assert with_50 == with_few


def test_company_list_shows_a_full_page_when_measured_with_50(
    client: Client, clusters: list[Cluster]
) -> None:
    # Guards the test above: 10 companies fill half a page, 50 fill a whole one.
    _add_rich_companies(50, clusters)
    response = client.get("/companies/")
    assert len(response.context["companies"]) == 20


def _add_profile_parts(company: Company, count: int) -> None:
    for _ in range(count):
        cluster = ClusterFactory()
        company.clusters.add(cluster)
        company.capabilities.add(CapabilityFactory(cluster=cluster))
        CompanyCertificationFactory(company=company)
        CompanyFrameworkFactory(company=company)
        CaseStudyFactory(company=company)


def _profile_query_count(client: Client, company: Company) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(company.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


def test_company_profile_costs_the_same_queries_however_many_parts(client: Client) -> None:
    small = CompanyFactory(slug="small-profile")
    large = CompanyFactory(slug="large-profile")
    _add_profile_parts(small, 1)
    _add_profile_parts(large, 6)
    client.get(small.get_absolute_url())  # fill any once-per-process cache
    assert _profile_query_count(client, large) == _profile_query_count(client, small)
