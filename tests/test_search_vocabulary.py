"""The spelling vocabulary holds the words of published companies and of the taxonomy and
synonyms, and follows every change to them: a word leaves when nothing published says it."""

from __future__ import annotations

import pytest
from django.db import transaction

from clusters.models import Capability
from members.models import Company, SearchSynonym, SearchTerm
from members.search.documents import rebuild_everything, search_batch
from members.search.engine import SearchResult
from members.services import (
    company_apply,
    company_delete,
    company_part_delete,
    company_save,
    company_set_status,
    synonym_delete,
    synonym_save,
    taxonomy_item_save,
    taxonomy_items_delete,
)
from tests.factories import CapabilityFactory, CaseStudyFactory, ClusterFactory, CompanyFactory
from tests.search_data import search

pytestmark = pytest.mark.django_db


def vocabulary() -> set[str]:
    return set(SearchTerm.objects.values_list("term", flat=True))


def reference_words() -> set[str]:
    return set(SearchTerm.objects.filter(reference=True).values_list("term", flat=True))


# Companies -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [Company.Status.ARCHIVED, Company.Status.DRAFT, Company.Status.PENDING]
)
def test_the_words_of_a_company_no_longer_published_leave(status: str) -> None:
    company = CompanyFactory(name="Kelpiewright Example", summary="Dredging harbours.")
    company_set_status(company=company, status=status)
    assert {"kelpiewright", "dredging", "harbours"} & vocabulary() == set()


def test_the_words_come_back_when_the_company_is_published_again() -> None:
    company = CompanyFactory(name="Kelpiewright Example", summary="Dredging harbours.")
    company_set_status(company=company, status=Company.Status.ARCHIVED)
    company_set_status(company=company, status=Company.Status.PUBLISHED)
    assert {"kelpiewright", "dredging", "harbours"} <= vocabulary()


def test_a_word_two_companies_share_stays_when_one_is_archived() -> None:
    archived = CompanyFactory(name="Kelpiewright Example")
    CompanyFactory(name="Kelpiewright Marine Example")
    company_set_status(company=archived, status=Company.Status.ARCHIVED)
    assert "kelpiewright" in vocabulary()


def test_a_renamed_companys_old_name_leaves() -> None:
    company = CompanyFactory(name="Kelpiewright Example")
    company.name = "Selkiecraft Example"
    company_save(company=company)
    assert "kelpiewright" not in vocabulary()
    assert "selkiecraft" in vocabulary()


def test_a_deleted_case_studys_title_leaves() -> None:
    study = CaseStudyFactory(title="Lighthousewatch telemetry", summary="Unseen words.")
    assert "lighthousewatch" in vocabulary()
    company_part_delete(part=study)
    assert "lighthousewatch" not in vocabulary()


def test_a_deleted_companys_words_leave() -> None:
    company = CompanyFactory(name="Kelpiewright Example")
    company_delete(company=company)
    assert "kelpiewright" not in vocabulary()


def test_a_word_passed_between_companies_in_one_change_stays() -> None:
    giver = CompanyFactory(name="Kelpiewright Example")
    taker = CompanyFactory(name="Selkiecraft Example")
    with transaction.atomic(), search_batch():
        giver.name, taker.name = "Selkiecraft Example", "Kelpiewright Marine Example"
        company_save(company=giver)
        company_save(company=taker)
    assert {"kelpiewright", "selkiecraft"} <= vocabulary()


def test_a_word_every_holder_drops_in_one_change_leaves() -> None:
    # Each of the two still holds the word in the documents the change starts from.
    first = CompanyFactory(name="Kelpiewright Example")
    second = CompanyFactory(name="Kelpiewright Marine Example")
    with transaction.atomic(), search_batch():
        first.name, second.name = "Selkiecraft Example", "Selkiecraft Marine Example"
        company_save(company=first)
        company_save(company=second)
    assert "kelpiewright" not in vocabulary()


def test_an_applications_words_never_enter_the_vocabulary(capability: Capability) -> None:
    company_apply(
        company=Company(
            name="Zephyrquill Example",
            summary="Stormproof telemetry.",
            employee_band=Company.EmployeeBand.SMALL,
        ),
        clusters=[capability.cluster],
        capabilities=[capability],
        applicant_email="applicant@zephyrquill.example",
        link_base="https://directory.example",
    )
    assert {"zephyrquill", "stormproof"} & vocabulary() == set()


def test_a_companys_words_are_not_reference_words() -> None:
    CompanyFactory(name="Kelpiewright Example")
    assert "kelpiewright" not in reference_words()


# The taxonomy and the synonyms -----------------------------------------------------------------


def test_taxonomy_words_stay_when_no_company_uses_them() -> None:
    company = CompanyFactory(name="Quantumcraft Example")
    ClusterFactory(name="Quantumcraft Systems")
    company_set_status(company=company, status=Company.Status.ARCHIVED)
    assert "quantumcraft" in vocabulary()


def test_synonym_words_stay_when_no_company_uses_them() -> None:
    synonym_save(synonym=SearchSynonym(term="QCX", expansion="quantumcraft exchange"))
    company = CompanyFactory(name="Quantumcraft Example")
    company_set_status(company=company, status=Company.Status.ARCHIVED)
    assert {"qcx", "quantumcraft", "exchange"} <= vocabulary()


def test_a_renamed_capabilitys_old_name_leaves() -> None:
    capability = CapabilityFactory(name="Widgetsmithing")
    capability.name = "Gearsmithing"
    taxonomy_item_save(item=capability)
    assert "widgetsmithing" not in vocabulary()
    assert "gearsmithing" in reference_words()


def test_a_renamed_capabilitys_old_name_stays_while_a_company_says_it() -> None:
    capability = CapabilityFactory(name="Widgetsmithing")
    CompanyFactory(name="Widgetsmithing Example")
    capability.name = "Gearsmithing"
    taxonomy_item_save(item=capability)
    assert "widgetsmithing" in vocabulary()
    assert "widgetsmithing" not in reference_words()


def test_a_deleted_clusters_words_leave() -> None:
    cluster = ClusterFactory(name="Quantumcraft Systems")
    taxonomy_items_delete(items=[cluster])
    assert "quantumcraft" not in vocabulary()


def test_a_deleted_synonyms_words_leave() -> None:
    synonym = SearchSynonym(term="QCX", expansion="quantumcraft exchange")
    synonym_save(synonym=synonym)
    synonym_delete(synonym=synonym)
    assert {"qcx", "quantumcraft"} & vocabulary() == set()


def test_a_company_word_that_was_also_a_reference_word_leaves_with_both() -> None:
    capability = CapabilityFactory(name="Widgetsmithing")
    company = CompanyFactory(name="Widgetsmithing Example")
    company_set_status(company=company, status=Company.Status.ARCHIVED)
    capability.name = "Gearsmithing"
    taxonomy_item_save(item=capability)
    assert "widgetsmithing" not in vocabulary()


# Spelling suggestions ----------------------------------------------------------------------------


def correction(outcome: SearchResult) -> str:
    """The correction a search applied ("Showing results for") or offered ("Did you mean")."""
    return outcome.text if outcome.corrected_from else outcome.suggestion


@pytest.fixture
def kittiwakes(db: None) -> None:
    """Two companies whose names differ by one letter; the first is archived."""
    archived = CompanyFactory(name="Kittiwakeworks Example")
    CompanyFactory(name="Kittiwakewords Example")
    company_set_status(company=archived, status=Company.Status.ARCHIVED)


@pytest.mark.usefixtures("kittiwakes")
def test_an_archived_companys_word_is_not_taken_as_spelt_right() -> None:
    # While "kittiwakeworks" counted as known, it was searched as typed and found nothing.
    outcome = search("kittiwakeworks")
    assert (outcome.corrected_from, outcome.text) == ("kittiwakeworks", "kittiwakewords")


@pytest.mark.usefixtures("kittiwakes")
def test_a_typo_nearest_an_archived_companys_word_is_corrected_to_a_published_one() -> None:
    # "kittiwakeworks" is the nearer word; the correction to it found nothing and was dropped.
    assert correction(search("kittiwakewoorks")) == "kittiwakewords"


# Rebuilding ------------------------------------------------------------------------------------


def test_a_rebuild_gives_the_vocabulary_the_writes_gave() -> None:
    capability = CapabilityFactory(name="Widgetsmithing")
    synonym_save(synonym=SearchSynonym(term="QCX", expansion="quantumcraft exchange"))
    archived = CompanyFactory(name="Kelpiewright Example", capabilities=[capability])
    renamed = CompanyFactory(name="Selkiecraft Example")
    study = CaseStudyFactory(company=renamed, title="Lighthousewatch telemetry")
    company_set_status(company=archived, status=Company.Status.ARCHIVED)
    renamed.name = "Merrowcraft Example"
    company_save(company=renamed)
    company_part_delete(part=study)
    capability.name = "Gearsmithing"
    taxonomy_item_save(item=capability)
    written = set(SearchTerm.objects.values_list("term", "reference"))
    rebuild_everything()
    assert set(SearchTerm.objects.values_list("term", "reference")) == written
