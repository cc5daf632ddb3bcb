"""Facet filters and their disjunctive counts, checked by hand and against plain SQL."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.test import Client
from django.utils import timezone

from members.models import Company
from members.search.engine import SearchResult
from members.services import certification_inclusions_set, company_save
from tests.factories import (
    CertificationFactory,
    CompanyCertificationFactory,
    CompanyFactory,
)
from tests.oracle import oracle_ids
from tests.search_data import SearchWorld, build_search_world, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> SearchWorld:
    return build_search_world()


def facet_counts(result: SearchResult) -> dict[str, dict[str, int]]:
    """The options that would find something, and how much."""
    return result.facet_counts


def test_counts_ignore_their_own_facet_and_apply_the_others(world: SearchWorld) -> None:
    result = search(cluster=["cyber-security"], region=["glasgow"])
    counts = facet_counts(result)
    # By hand. Cyber companies: name_match, description_match, responder, trainer, soc.
    # In Glasgow of those: name_match, trainer, soc (3). Fife: description_match, responder (2).
    assert counts["region"] == {"glasgow": 3, "fife": 2}
    # Glasgow companies: name_match, cables, trainer, soc. Cyber of those: 3; transport: 1.
    assert counts["cluster"] == {"cyber-security": 3, "smart-ticketing": 1}
    assert result.total == 3


def test_options_within_a_facet_are_ored_and_facets_anded(world: SearchWorld) -> None:
    both_regions = search(region=["glasgow", "fife"])
    assert both_regions.total == 7
    narrowed = search(region=["glasgow", "fife"], capability=["account-based-ticketing"])
    assert narrowed.total == 1


def test_zero_count_options_are_hidden_until_their_facet_is_in_use(world: SearchWorld) -> None:
    result = search(capability=["account-based-ticketing"])
    clusters = {o.key for f in result.facets if f.param == "cluster" for o in f.shown_options}
    assert clusters == {"smart-ticketing"}
    chosen = search(capability=["account-based-ticketing"], cluster=["cyber-security"])
    cluster_facet = next(f for f in chosen.facets if f.param == "cluster")
    cyber = next(o for o in cluster_facet.options if o.key == "cyber-security")
    assert cyber.selected and cyber.count == 0 and cyber.shown
    assert chosen.total == 0
    # Once a region is ticked, a region that finds nothing is shown too, with its zero.
    in_use = search(capability=["account-based-ticketing"], region=["fife"])
    regions = next(f for f in in_use.facets if f.param == "region")
    assert {(o.key, o.count) for o in regions.shown_options} == {("fife", 1), ("glasgow", 0)}


def test_the_page_hides_options_that_would_find_nothing(client: Client, world: SearchWorld) -> None:
    html = client.get("/companies/", {"capability": "account-based-ticketing"}).content.decode()
    assert '<label><input type="checkbox" name="cluster" value="smart-ticketing">' in html
    assert '<label hidden><input type="checkbox" name="cluster" value="cyber-security">' in html


def test_size_facet_counts_smes_and_bands(world: SearchWorld) -> None:
    CompanyFactory(name="Big Example plc", employee_band=Company.EmployeeBand.LARGE)
    counts = facet_counts(search())["size"]
    assert counts["sme"] == 7
    assert counts["250-plus"] == 1
    assert search(size=["sme"]).total == 7


def test_certification_facet_counts_current_certificates_only(world: SearchWorld) -> None:
    iso = CertificationFactory(name="ISO 27001", slug="iso-27001")
    today = timezone.localdate()
    CompanyCertificationFactory(company=world.companies["soc"], certification=iso)
    CompanyCertificationFactory(
        company=world.companies["cables"],
        certification=iso,
        valid_until=today - datetime.timedelta(days=1),
    )
    assert facet_counts(search())["certification"] == {"iso-27001": 1}


def test_commitment_facet(world: SearchWorld) -> None:
    company = world.companies["soc"]
    company.pays_real_living_wage = True
    company_save(company=company)
    assert facet_counts(search())["commitment"] == {"real-living-wage": 1}


def test_counts_follow_edits(world: SearchWorld) -> None:
    before = facet_counts(search())["region"]["glasgow"]
    company = world.companies["ticketing"]
    company.region = world.glasgow
    company_save(company=company)
    assert facet_counts(search())["region"]["glasgow"] == before + 1


def test_index_agrees_with_plain_sql_for_every_combination(world: SearchWorld) -> None:
    plus = CertificationFactory(slug="cyber-essentials-plus")
    basic = CertificationFactory(slug="cyber-essentials")
    certification_inclusions_set(certification=plus, includes=[basic])
    CompanyCertificationFactory(company=world.companies["soc"], certification=plus)
    CompanyCertificationFactory(company=world.companies["responder"], certification=basic)
    choices = {
        "cluster": [[], ["cyber-security"], ["cyber-security", "smart-ticketing"]],
        "region": [[], ["fife"]],
        "capability": [[], ["incident-response"], ["penetration-testing", "incident-response"]],
        "size": [[], ["sme"], ["250-plus"]],
        "certification": [[], ["cyber-essentials"], ["cyber-essentials-plus"]],
    }
    for combo in itertools.product(*choices.values()):
        selected = {k: v for k, v in zip(choices, combo, strict=True) if v}
        index_ids = {int(pk) for pk in search(**selected).ordered_ids}
        assert index_ids == oracle_ids(selected), selected


def test_search_page_shows_counts_and_selected_filters(client: Client, world: SearchWorld) -> None:
    response = client.get("/companies/", {"cluster": "cyber-security", "region": "glasgow"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 companies" in html
    assert "Selected filters" in html
    assert "Clear filters" in html
