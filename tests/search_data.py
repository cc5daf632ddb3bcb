"""A small, known data set for search tests: each company exists to prove one behaviour."""

from __future__ import annotations

from dataclasses import dataclass

from clusters.models import Capability, Cluster, Region
from members.cards import company_cards
from members.models import Company, SearchSynonym
from members.search.engine import SearchResult, run_search
from members.search.forms import SearchParams
from members.services import synonym_save
from tests.factories import (
    CapabilityFactory,
    CaseStudyFactory,
    ClusterFactory,
    CompanyFactory,
    RegionFactory,
)


@dataclass
class SearchWorld:
    cyber: Cluster
    transport: Cluster
    glasgow: Region
    fife: Region
    pen_testing: Capability
    ticketing: Capability
    companies: dict[str, Company]


def build_search_world() -> SearchWorld:
    cyber = ClusterFactory(name="Cyber Security", slug="cyber-security")
    transport = ClusterFactory(name="Smart Ticketing and Transport", slug="smart-ticketing")
    glasgow = RegionFactory(name="Glasgow City", slug="glasgow")
    fife = RegionFactory(name="Fife", slug="fife")
    pen_testing = CapabilityFactory(
        cluster=cyber, name="Penetration testing", slug="penetration-testing"
    )
    incident = CapabilityFactory(cluster=cyber, name="Incident response", slug="incident-response")
    ticketing = CapabilityFactory(
        cluster=transport, name="Account-based ticketing", slug="account-based-ticketing"
    )
    for term, expansion in [
        ("SOC", "security operations centre"),
        ("pen test", "penetration testing"),
        ("ABT", "account-based ticketing"),
    ]:
        synonym_save(synonym=SearchSynonym(term=term, expansion=expansion))
    plain = {"description": "", "capabilities": []}
    specs = {
        "name_match": {
            "name": "Penetration Partners Example",
            "summary": "A security consultancy.",
            "region": glasgow,
            "capabilities": [incident],
        },
        "description_match": {
            "name": "Glen Consulting Example",
            "summary": "Advice for councils.",
            "region": fife,
            "description": "Our team carries out penetration work on council networks.",
            "capabilities": [incident],
        },
        "cables": {
            "name": "Strath Fibre Example",
            "summary": "We lay cables and fibre for depots.",
            "region": glasgow,
            "clusters": [transport],
        },
        "responder": {
            "name": "Firth Responders Example",
            "summary": "Incident response for health boards.",
            "region": fife,
            "capabilities": [incident],
        },
        "trainer": {
            "name": "Loch Learning Example",
            "summary": "Incident response training for staff.",
            "region": glasgow,
            "capabilities": [incident],
        },
        "soc": {
            "name": "Watchtower Example",
            "summary": "A security operations centre, day and night.",
            "region": glasgow,
            "capabilities": [pen_testing],
        },
        "ticketing": {
            "name": "Fare Systems Example",
            "summary": "Ticketing back offices for bus operators.",
            "region": fife,
            "capabilities": [ticketing],
        },
    }
    companies = {}
    for key, spec in specs.items():
        companies[key] = CompanyFactory(**{**plain, **spec})
    CaseStudyFactory(
        company=companies["responder"],
        title="Ransomware recovery for a fictional council",
        summary="Restored services within two days.",
    )
    return SearchWorld(cyber, transport, glasgow, fife, pen_testing, ticketing, companies)


def search(
    text: str = "", *, letter: str = "", sort: str = "", **selected: list[str]
) -> SearchResult:
    """Run a search the way the page does, with facet selections as keyword arguments."""
    return run_search(SearchParams(text=text, selected=selected, letter=letter, sort=sort))


def found_names(text: str = "", **selected: list[str]) -> list[str]:
    """The names a search finds, in its order."""
    result = search(text, **selected)
    return [card.name for card in company_cards(result.page_ids(0, 200))]
