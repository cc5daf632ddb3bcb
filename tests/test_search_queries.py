"""A search page costs the same number of queries however many results and filters."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CapabilityFactory,
    ClusterFactory,
    CompanyCertificationFactory,
    CompanyFactory,
    CompanyFrameworkFactory,
    RegionFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


def warm_query_count(client: Client, url: str) -> int:
    client.get(url)  # builds the facet index and remembers the text matches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_companies(count: int) -> None:
    cluster = ClusterFactory(slug=f"c{count}")
    capability = CapabilityFactory(cluster=cluster, slug=f"cap{count}")
    region = RegionFactory(slug=f"r{count}")
    sector = SectorFactory(slug=f"s{count}")
    for _ in range(count):
        company = CompanyFactory(
            summary="Secure cloud hosting",
            region=region,
            capabilities=[capability],
            sectors=[sector],
        )
        CompanyCertificationFactory(company=company)
        CompanyFrameworkFactory(company=company)


@pytest.mark.parametrize("query", ["", "q=cloud", "q=cloud&sort=name", "sort=updated"])
def test_queries_do_not_grow_with_results(client: Client, query: str) -> None:
    add_companies(4)
    few = warm_query_count(client, f"/companies/?{query}")
    add_companies(40)
    many = warm_query_count(client, f"/companies/?{query}")
    assert few == many


def test_queries_do_not_grow_with_selected_filters(client: Client) -> None:
    add_companies(30)
    none = warm_query_count(client, "/companies/?q=cloud")
    three = warm_query_count(
        client, "/companies/?q=cloud&cluster=c30&region=r30&sector=s30&size=sme"
    )
    everything = warm_query_count(
        client,
        "/companies/?q=cloud&cluster=c30&capability=cap30&region=r30&sector=s30&size=sme"
        "&size=10-49&letter=E&sort=name&commitment=real-living-wage",
    )
    assert none == three
    assert everything <= none + 2  # an empty result may look up a spelling suggestion
