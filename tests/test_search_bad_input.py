"""Whatever arrives in the query string, the search page and the export never answer 5xx."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.search_data import SearchWorld, build_search_world

pytestmark = pytest.mark.django_db

PARAMS = [
    "q",
    "cluster",
    "capability",
    "region",
    "size",
    "certification",
    "framework",
    "sector",
    "commitment",
    "sort",
    "page",
    "letter",
]


@pytest.fixture
def world(db: None) -> SearchWorld:
    return build_search_world()


@pytest.mark.parametrize(
    "query",
    [
        "q=%22unbalanced",
        "q=--",
        "q=OR",
        "q=%22%22",
        "q=!!!%28%29%3A%2A%26%7C",
        "q=-",
        "q=%00",
        "q=%ff%fe%fd",
        "cluster=%00&region=%ff",
        "page=%00",
        "page=99999999999999999999999999999999",
        "page=-1",
        "page=1e3",
        "sort=%00",
        "sort=drop+table",
        "letter=AA",
        "size=250%2B",
        "cluster=&cluster=&q=",
        "cluster=cyber-security&cluster=cyber-security",
        "q=" + "a" * 10_000,
        "q=" + "%22a%22+" * 2000,
        "commitment=real-living-wage&commitment=nope",
    ],
)
@pytest.mark.parametrize("path", ["/companies/", "/companies/export.csv"])
def test_odd_input_gets_a_sensible_answer(
    client: Client, world: SearchWorld, path: str, query: str
) -> None:
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    body = read_body(response)
    assert ("Find a supplier" if path == "/companies/" else "Search criteria") in body


def read_body(response: object) -> str:
    """The whole body; a streamed export is only produced (and can only fail) when read."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return response.content.decode()  # type: ignore[attr-defined]


def test_unknown_values_are_ignored_with_a_visible_message(
    client: Client, world: SearchWorld
) -> None:
    response = client.get("/companies/?cluster=cyber-security&cluster=nonsense&sort=sideways")
    html = response.content.decode()
    assert "We ignored the cluster \u201cnonsense\u201d" in html
    assert "We ignored the sort by \u201csideways\u201d" in html
    assert "5 companies" in html


def test_page_past_the_end_shows_the_last_page(client: Client, world: SearchWorld) -> None:
    response = client.get("/companies/?page=999")
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


query_values = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60
) | st.sampled_from(["cyber-security", "glasgow", "sme", "name", "relevance", "1", "0", "-1"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="fuzzed on PostgreSQL")
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pairs=st.lists(st.tuples(st.sampled_from([*PARAMS, "other", ""]), query_values), max_size=6),
    raw_tail=st.binary(max_size=12),
)
def test_fuzzed_query_strings_never_cause_a_server_error(
    client: Client, world: SearchWorld, pairs: list[tuple[str, str]], raw_tail: bytes
) -> None:
    from urllib.parse import quote_from_bytes, urlencode

    query = urlencode(pairs) + "&q=" + quote_from_bytes(raw_tail)
    for path in ("/companies/", "/companies/export.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, query
        read_body(response)
