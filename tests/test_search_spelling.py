"""Misspelt searches still find companies, on PostgreSQL (pg_trgm) and SQLite (difflib) alike."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.search_data import SearchWorld, build_search_world, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> SearchWorld:
    return build_search_world()


def test_a_misspelt_word_is_corrected_to_a_real_term(world: SearchWorld) -> None:
    outcome = search("watchtowr")
    assert outcome.corrected_from == "watchtowr"
    assert outcome.text == "watchtower"
    assert outcome.total == 1


def test_words_spelt_right_are_left_alone(world: SearchWorld) -> None:
    outcome = search("watchtower")
    assert outcome.corrected_from == ""
    assert outcome.total == 1


def test_nothing_like_a_real_term_gets_no_correction(world: SearchWorld) -> None:
    outcome = search("zzxxqqvv")
    assert (outcome.total, outcome.corrected_from, outcome.suggestion) == (0, "", "")


def test_the_page_says_what_it_searched_for_instead(client: Client, world: SearchWorld) -> None:
    html = client.get("/companies/", {"q": "watchtowr"}).content.decode()
    assert "watchtower" in html
    assert "Watchtower Example" in html
