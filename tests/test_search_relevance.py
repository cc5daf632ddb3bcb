"""Full-text search on PostgreSQL: ranking, stemming, phrases, exclusion, typos, synonyms."""

from __future__ import annotations

import pytest
from django.db import connection

from members.models import Company
from members.search.engine import page_cards
from members.search.highlight import highlighted
from members.search.index import current_snapshot
from members.services import company_save
from tests.search_data import SearchWorld, build_search_world, found_names, search

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="ranking, stemming and typos need PostgreSQL"
    ),
]


@pytest.fixture
def world(db: None) -> SearchWorld:
    return build_search_world()


def names(text: str) -> list[str]:
    return found_names(text)


def test_name_match_ranks_above_description_match(world: SearchWorld) -> None:
    found = names("penetration")
    assert found.index("Penetration Partners Example") < found.index("Glen Consulting Example")


def test_capability_match_ranks_above_description_match(world: SearchWorld) -> None:
    found = names("penetration")
    assert found.index("Watchtower Example") < found.index("Glen Consulting Example")


def test_english_stemming_finds_other_forms_of_a_word(world: SearchWorld) -> None:
    assert "Strath Fibre Example" in names("cable")
    assert "Loch Learning Example" in names("trained")


def test_quoted_phrase_with_exclusion(world: SearchWorld) -> None:
    found = names('"incident response" -training')
    assert "Firth Responders Example" in found
    assert "Loch Learning Example" not in found


def test_or_operator_widens_the_search(world: SearchWorld) -> None:
    assert set(names("cables OR watchtower")) == {"Strath Fibre Example", "Watchtower Example"}


def test_case_study_text_is_searchable(world: SearchWorld) -> None:
    assert names("ransomware") == ["Firth Responders Example"]


def test_misspelt_query_is_corrected_and_still_finds(world: SearchWorld) -> None:
    outcome = search("penetraton")
    assert outcome.corrected_from == "penetraton"
    assert outcome.text == "penetration"
    assert outcome.total >= 2


def test_misspelt_capability_word_finds_ticketing_companies(world: SearchWorld) -> None:
    assert "Fare Systems Example" in names("tickting")


def test_a_correction_that_finds_nothing_either_is_not_offered(world: SearchWorld) -> None:
    outcome = search("penetraton ransomwear depots")
    assert outcome.total == 0
    assert (outcome.suggestion, outcome.corrected_from) == ("", "")


def test_nonsense_gets_no_suggestion(world: SearchWorld) -> None:
    outcome = search("qqqqxxxx")
    assert outcome.total == 0
    assert outcome.suggestion == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SOC", "Watchtower Example"),
        ("soc", "Watchtower Example"),
        ("pen test", "Watchtower Example"),
        ("ABT", "Fare Systems Example"),
    ],
)
def test_staff_synonyms_expand_the_query(world: SearchWorld, query: str, expected: str) -> None:
    assert expected in names(query)


def snippet_of(company: Company, text: str) -> str:
    result = search(text)
    found = page_cards(result, result.page_ids(0, 50), current_snapshot())
    return next(str(card.snippet) for card in found if card.pk == company.pk)


def test_snippet_highlights_the_match_and_escapes_company_text(world: SearchWorld) -> None:
    company = world.companies["cables"]
    company.summary = "Groundworks for depots."  # the match is only in the description
    company.description = "We lay <b onclick=x>cables</b> & fibre <script>alert('x')</script>"
    company_save(company=company)
    snippet = snippet_of(company, "cables")
    assert "<mark>cables</mark>" in snippet
    assert "<b" not in snippet
    assert "<script" not in snippet


def test_a_match_in_a_case_study_is_shown_where_it_is(world: SearchWorld) -> None:
    snippet = snippet_of(world.companies["responder"], "ransomware")
    assert "<mark>Ransomware</mark> recovery" in snippet


def test_no_snippet_repeats_what_the_card_shows(world: SearchWorld) -> None:
    # "Watchtower" is the name, "cables" in the summary: on the card already.
    assert snippet_of(world.companies["soc"], "watchtower") == ""
    assert snippet_of(world.companies["cables"], "cables") == ""


def test_highlighting_escapes_everything_but_its_own_marks() -> None:
    html = highlighted("a <b>x</b> & \ue000y\ue001")
    assert html == "a &lt;b&gt;x&lt;/b&gt; &amp; <mark>y</mark>"
    assert highlighted("unbalanced \ue000 mark") == "unbalanced  mark"


def test_relevance_is_the_default_sort_with_text(world: SearchWorld) -> None:
    assert search("penetration").sort == "relevance"
    assert search().sort == "name"


def test_unpublished_companies_are_never_found(world: SearchWorld) -> None:
    hidden = world.companies["soc"]
    hidden.status = Company.Status.DRAFT
    company_save(company=hidden)
    assert "Watchtower Example" not in names("SOC")
