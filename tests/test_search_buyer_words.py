"""The words buyers type find the right companies: certifications and their short forms, frameworks,
places, sectors, commitments, abbreviations, the start of a name; and "Did you mean" is honest.

Each test runs on SQLite (the plain backend) and on PostgreSQL, unless marked.
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from clusters import reference_data as ref
from clusters.models import Certification, Framework, Region, Sector
from members.models import COMMITMENT_FIELDS, Company, SearchSynonym, field_label
from members.search.synonym_data import SYNONYMS, load_synonyms
from members.search.text import STOP_WORDS, WORD_RE
from members.services import (
    search_expiries_follow,
    synonym_save,
    taxonomy_item_save,
    taxonomy_load,
)
from tests.factories import (
    CapabilityFactory,
    CertificationFactory,
    ClusterFactory,
    CompanyCertificationFactory,
    CompanyFactory,
    CompanyFrameworkFactory,
    FrameworkFactory,
    RegionFactory,
    SectorFactory,
)
from tests.search_data import found_names, search

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stemming and trigram similarity need PostgreSQL"
)
TODAY = timezone.localdate()


@pytest.fixture
def directory(db: None) -> dict[str, Company]:
    """One company per thing a buyer may ask for by name, and a few that must not be found."""
    load_synonyms()
    cyber = ClusterFactory(name="Cyber Security", slug="cyber-security")
    data = ClusterFactory(name="Data", slug="data")
    fintech = ClusterFactory(name="FinTech", slug="fintech")
    pen_testing = CapabilityFactory(cluster=cyber, name="Penetration testing")
    kyc = CapabilityFactory(cluster=fintech, name="KYC and anti-money laundering")
    privacy = CapabilityFactory(cluster=data, name="Data protection and privacy engineering")
    regions = {
        name: RegionFactory(name=name)
        for name in ["Glasgow City", "Fife", "Aberdeen and Aberdeenshire", "Lanarkshire"]
    }
    elsewhere = RegionFactory(name="Rest of UK")
    essentials = CertificationFactory(name="Cyber Essentials")
    plus = CertificationFactory(name="Cyber Essentials Plus")
    iso = CertificationFactory(name="ISO/IEC 27001")
    pci = CertificationFactory(name="PCI DSS")
    health = SectorFactory(name="Health and social care")
    framework = FrameworkFactory(name="Cyber Security Services Framework", owner="Scotland Excel")

    def company(name: str, **fields: object) -> Company:
        defaults = {"summary": "A company.", "description": "", "region": elsewhere, "town": ""}
        return CompanyFactory(name=name, **{**defaults, **fields})

    companies = {
        "holder": company("Thistle Example", region=regions["Fife"], town="Kirkcaldy"),
        "essential": company(
            "Kelpie Example",
            clusters=[cyber],
            description="We protect the essential public services people rely on.",
        ),
        "lapsed": company("Lapsed Example"),
        "plus": company("Heron Example"),
        "standards": company(
            "Standards Example", region=regions["Aberdeen and Aberdeenshire"], town="Aberdeen"
        ),
        "ledger": company(
            "Ledger Example",
            capabilities=[kyc],
            sectors=[health],
            region=regions["Lanarkshire"],
            town="Hamilton",
        ),
        "privacy": company("Privacy Example", capabilities=[privacy], pays_real_living_wage=True),
        "testers": company(
            "Clyde Testers Example",
            capabilities=[pen_testing],
            region=regions["Glasgow City"],
            town="Glasgow",
        ),
        "edinburgh_testers": company("Forth Example", capabilities=[pen_testing], town="Leith"),
        "listed": company("Framework Example"),
    }
    CompanyCertificationFactory(company=companies["holder"], certification=essentials)
    CompanyCertificationFactory(
        company=companies["lapsed"],
        certification=essentials,
        valid_until=TODAY - datetime.timedelta(days=1),
    )
    CompanyCertificationFactory(company=companies["plus"], certification=plus)
    CompanyCertificationFactory(company=companies["standards"], certification=iso)
    CompanyCertificationFactory(company=companies["standards"], certification=pci)
    CompanyFrameworkFactory(
        company=companies["listed"], framework=framework, lot="Lot 4: Incident response"
    )
    return companies


def names_of(*companies: Company) -> set[str]:
    return {company.name for company in companies}


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("cyber essentials", ["holder", "plus"]),
        ("CE", ["holder", "plus"]),
        ("CE+", ["plus"]),
        ("ISO 27001", ["standards"]),
        ("27001", ["standards"]),
        ("ISO/IEC 27001", ["standards"]),
        ("PCI", ["standards"]),
        ("NHS", ["ledger"]),
        ("GDPR", ["privacy"]),
        ("AML", ["ledger"]),
        ("pentest", ["testers", "edinburgh_testers"]),
        ("pen test", ["testers", "edinburgh_testers"]),
        ("Fife", ["holder"]),
        ("Kirkcaldy", ["holder"]),
        ("Aberdeen", ["standards"]),
        ("Lanarkshire", ["ledger"]),
        ("penetration testing glasgow", ["testers"]),
        ("real living wage", ["privacy"]),
        ("health and social care", ["ledger"]),
        ("Cyber Security Services Framework", ["listed"]),
        ("lot 4 incident response", ["listed"]),
        ("Scotland Excel", ["listed"]),
    ],
)
def test_a_buyer_query_finds_the_companies_that_hold_what_it_names(
    directory: dict[str, Company], query: str, keys: list[str]
) -> None:
    found = set(found_names(query))
    assert names_of(*(directory[key] for key in keys)) <= found
    assert "Lapsed Example" not in found


def test_ce_plus_is_not_plain_cyber_essentials(directory: dict[str, Company]) -> None:
    assert directory["holder"].name not in found_names("CE+")


def test_a_holder_ranks_above_a_description_that_mentions_essential_services(
    directory: dict[str, Company],
) -> None:
    found = found_names("cyber essential")
    assert found.index("Thistle Example") < found.index("Kelpie Example")
    assert found.index("Heron Example") < found.index("Kelpie Example")


@postgres_only
def test_cyber_essentials_lists_holders_before_a_company_with_essential_services(
    directory: dict[str, Company],
) -> None:
    found = found_names("cyber essentials")
    assert set(found[:2]) == {"Thistle Example", "Heron Example"}
    assert "Kelpie Example" in found[2:]


def test_an_expired_certificate_is_not_held_for_search(directory: dict[str, Company]) -> None:
    assert "Lapsed Example" not in found_names("cyber essentials")


def test_a_certificate_that_expires_stops_finding_its_holder_the_next_day(
    directory: dict[str, Company], monkeypatch: pytest.MonkeyPatch
) -> None:
    expiring = CompanyFactory(name="Expiring Example", summary="A company.", description="")
    CompanyCertificationFactory(
        company=expiring, certification=Certification.objects.get(name="PCI DSS"), valid_until=TODAY
    )
    assert "Expiring Example" in found_names("PCI")
    search_expiries_follow()  # today's expiries are followed: nothing new to drop
    tomorrow = TODAY + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)

    assert search_expiries_follow() >= 1
    assert "Expiring Example" not in found_names("PCI")
    assert "Standards Example" in found_names("PCI")
    assert search_expiries_follow() == 0  # once a day


def test_a_deactivated_certification_finds_nobody(directory: dict[str, Company]) -> None:
    pci = Certification.objects.get(name="PCI DSS")
    pci.is_active = False
    taxonomy_item_save(item=pci)
    assert "Standards Example" not in found_names("PCI DSS")
    assert "Standards Example" in found_names("ISO 27001")


@pytest.mark.parametrize(
    ("model", "old", "new", "holder"),
    [
        (Certification, "PCI DSS", "Payment Card Standard", "Standards Example"),
        (Framework, "Cyber Security Services Framework", "Guardian Framework", "Framework Example"),
        (Region, "Lanarkshire", "Clydesdale", "Ledger Example"),
        (Sector, "Health and social care", "Wellbeing services", "Ledger Example"),
    ],
)
def test_renaming_a_taxonomy_entry_rewrites_its_holders_documents(
    directory: dict[str, Company], model: type, old: str, new: str, holder: str
) -> None:
    item = model.objects.get(name=old)
    item.name = new
    taxonomy_item_save(item=item)
    assert holder in found_names(new)
    assert holder not in found_names(old)


def test_a_framework_owner_renamed_is_searched_by_its_new_name(
    directory: dict[str, Company],
) -> None:
    framework = Framework.objects.get(name="Cyber Security Services Framework")
    framework.owner = "Crown Commercial Service"
    taxonomy_item_save(item=framework)
    assert "Framework Example" in found_names("CCS")


# The start of a word ------------------------------------------------------------------------------


@pytest.fixture
def names(db: None) -> None:
    for name in [
        "Scaurline Example",
        "Scaurbyte Example",
        "Scaur Point Example",
        "Bothysight Example",
        "Abacus Example",
    ]:
        CompanyFactory(name=name, summary="A company.", description="")
    CompanyFactory(
        name="Cliff Example", summary="A company.", description="Our office sits below a scaurface."
    )


def test_a_name_is_found_by_its_first_letters_and_ranked_first(names: None) -> None:
    found = found_names("scaur")
    assert set(found[:3]) == {"Scaurline Example", "Scaurbyte Example", "Scaur Point Example"}
    assert found[3:] == ["Cliff Example"]


def test_bothy_finds_bothysight(names: None) -> None:
    assert found_names("bothy") == ["Bothysight Example"]


@pytest.mark.parametrize("query", ["ab", "sc"])
def test_a_last_word_under_three_letters_is_not_a_prefix(names: None, query: str) -> None:
    assert found_names(query) == []


def test_a_prefix_narrows_the_other_words(names: None) -> None:
    assert found_names("example scaurb") == ["Scaurbyte Example"]


@pytest.mark.parametrize(
    "query",
    ["scaur:*", "scaur & bothy", "bothy | !scaur", "sca'ur", "bothy)", "(scaur", "\\", "c++", ".*"],
)
def test_query_syntax_in_the_last_word_is_only_text(
    client: Client, names: None, query: str
) -> None:
    response = client.get("/companies/", {"q": query})
    assert response.status_code == 200


# Did you mean ------------------------------------------------------------------------------------


@pytest.fixture
def spelling(db: None) -> None:
    for n in range(3):
        CompanyFactory(name=f"Responder {n} Example", summary="Ransomware recovery for councils.")
    CompanyFactory(name="Prober Example", summary="Penetration testing for councils.")


def test_a_doubtful_correction_is_offered_with_how_many_it_finds(spelling: None) -> None:
    outcome = search("ransomwear")
    assert (outcome.total, outcome.corrected_from) == (0, "")
    assert (outcome.suggestion, outcome.suggestion_total) == ("ransomware", 3)


def test_the_page_says_how_many_the_suggestion_finds(client: Client, spelling: None) -> None:
    html = client.get("/companies/", {"q": "ransomwear"}).content.decode()
    assert "Did you mean" in html
    assert "(3 companies)" in html
    assert "q=ransomware" in html


def test_a_confident_correction_is_applied_with_a_link_to_the_words_as_typed(
    client: Client, spelling: None
) -> None:
    outcome = search("penetraton")
    assert (outcome.corrected_from, outcome.text, outcome.total) == ("penetraton", "penetration", 1)
    html = client.get("/companies/", {"q": "penetraton"}).content.decode()
    assert "Prober Example" in html
    assert "q=penetraton&amp;exact=1" in html


def test_exact_searches_the_words_as_typed_and_only_offers_the_correction(
    client: Client, spelling: None
) -> None:
    response = client.get("/companies/", {"q": "penetraton", "exact": "1"})
    html = response.content.decode()
    assert response.context["result"].total == 0
    assert "Prober Example" not in html
    assert "Did you mean" in html
    assert "(1 company)" in html


def test_no_suggestion_when_the_correction_finds_nothing_either(spelling: None) -> None:
    CompanyFactory(name="Depot Example", summary="Cables for depots.", status="draft")
    outcome = search("ransomwear depots")
    assert (outcome.total, outcome.suggestion, outcome.corrected_from) == (0, "", "")


# The shipped synonyms ---------------------------------------------------------------------------


def test_the_shipped_synonyms_cover_buyers_common_terms(db: None) -> None:
    created = load_synonyms()
    terms = set(SearchSynonym.objects.values_list("term", flat=True))
    assert created >= 80
    assert len(terms) == created
    for term in ["pentest", "pen test", "soc", "siem", "gdpr", "uk gdpr", "aml", "kyc", "nhs"]:
        assert term in terms
    for term in ["pci", "ce", "ce+", "27001", "iso 27001", "maas", "itso", "abt"]:
        assert term in terms


def test_every_expansion_uses_words_the_reference_taxonomy_gives_companies(db: None) -> None:
    names = [
        *(cluster.name for cluster in ref.CLUSTERS),
        *(capability.name for cluster in ref.CLUSTERS for capability in cluster.capabilities),
        *(item.name for item in [*ref.REGIONS, *ref.CERTIFICATIONS, *ref.SECTORS]),
        *(framework.name for framework in ref.FRAMEWORKS),
        *(framework.owner for framework in ref.FRAMEWORKS),
        *(field_label(Company, name) for name in COMMITMENT_FIELDS.values()),
    ]
    vocabulary = {word.lower() for name in names for word in WORD_RE.findall(name)}
    for synonym in SYNONYMS:
        words = {w.lower() for w in WORD_RE.findall(synonym.expansion)} - STOP_WORDS - {"a", "as"}
        assert words <= vocabulary, (synonym.term, words - vocabulary)


def test_reloading_keeps_a_synonym_staff_edited(db: None) -> None:
    load_synonyms()
    soc = SearchSynonym.objects.get(term="soc")
    soc.expansion, soc.note = "security operations centre", "Edited by staff"
    synonym_save(synonym=soc)

    assert taxonomy_load()["synonyms"] == 0
    soc.refresh_from_db()
    assert (soc.expansion, soc.note) == ("security operations centre", "Edited by staff")


def test_seeding_the_taxonomy_loads_the_synonyms_once(db: None) -> None:
    call_command("seed_demo", "--taxonomy-only", stdout=StringIO())
    count = SearchSynonym.objects.count()
    assert count == len(SYNONYMS)
    call_command("seed_demo", "--taxonomy-only", stdout=StringIO())
    assert SearchSynonym.objects.count() == count


def test_a_synonym_staff_add_in_the_admin_is_used(directory: dict[str, Company]) -> None:
    synonym_save(synonym=SearchSynonym(term="thistle shield", expansion="cyber essentials"))
    assert "Thistle Example" in found_names("thistle shield")
