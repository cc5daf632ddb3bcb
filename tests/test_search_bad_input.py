"""Whatever arrives in the search's query string, /companies/ and its export answer sensibly.

Unknown values are ignored with a visible message, overlong text is cut, NUL bytes are dropped,
and nothing a buyer (or a robot) sends gives a 5xx. The export is a streamed response, so its
body is read: a failure while writing rows happens only then.
"""

from __future__ import annotations

from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ClusterFactory
from tests.search_data import SearchWorld, build_search_world

pytestmark = pytest.mark.django_db

PATHS = ["/companies/", "/companies/export.csv"]
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
    "certification_mode",
    "capability_mode",
    "exact",
]
ODD_QUERY_STRINGS = [
    "q=%22unbalanced",
    "q=scaur%3A%2A",
    "q=exa%27mple%5C",
    "q=glasgow&exact=banana",
    "exact=1",
    "q=--",
    "q=OR",
    "q=-",
    "q=%22%22",
    "q=!!!%28%29%3A%2A%26%7C",
    "q=%25%5C_",
    "q=" + "%27" * 50,
    "q=%00",
    "q=abc%00def",
    "q=%ff%fe%fd",
    "q=%C0%AF",
    "q=%F0%9F%A6%84",
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "q=a&q=b&q=c",
    "q",
    "=&&=",
    "q[]=x",
    "cluster=%00&region=%ff",
    "capability=%00",
    "page=%00",
    "page=99999999999999999999999999999999",
    "page=-1",
    "page=1e3",
    "page=1&page=2",
    "sort=%00",
    "sort=drop+table",
    "letter=AA",
    "size=250%2B",
    "cluster=&cluster=&q=",
    "cluster=cyber-security&cluster=cyber-security",
    "commitment=real-living-wage&commitment=nope",
    "certification_mode=all",
    "certification=cyber-essentials&certification_mode=ALL&certification_mode=%00",
    "capability=penetration-testing&capability=incident-response&capability_mode=all",
    "capability_mode=all&capability_mode=any&capability_mode[]=all",
    "cluster_mode=all&region_mode=all",
    "q=" + "a" * 10_000,
    "q=" + "%22a%22+" * 2000,
]


@pytest.fixture
def world(db: None) -> SearchWorld:
    return build_search_world()


def read_body(response: object) -> str:
    """The whole body; a streamed export is only produced (and can only fail) when read."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return response.content.decode()  # type: ignore[attr-defined]


def total(response: object) -> int:
    return response.context["page_obj"].paginator.count  # type: ignore[attr-defined]


@pytest.mark.parametrize("query", ODD_QUERY_STRINGS)
@pytest.mark.parametrize("path", PATHS)
def test_odd_input_gets_a_sensible_answer(
    client: Client, world: SearchWorld, path: str, query: str
) -> None:
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    body = read_body(response)
    assert ("Find a supplier" if path == "/companies/" else "Search criteria") in body


@pytest.mark.parametrize("path", PATHS)
def test_unknown_values_are_ignored_with_a_visible_message(
    client: Client, world: SearchWorld, path: str
) -> None:
    response = client.get(path, {"cluster": ["cyber-security", "nonsense"], "sort": "sideways"})
    body = read_body(response)
    assert "We ignored the cluster \u201cnonsense\u201d: it is not one we know." in body
    assert "We ignored the sort by \u201csideways\u201d" in body


def test_a_known_value_beside_an_unknown_one_still_filters(
    client: Client, world: SearchWorld
) -> None:
    response = client.get("/companies/", {"cluster": ["nonsense", "cyber-security"]})
    assert total(response) == 5  # the cyber companies, not all seven
    assert "Strath Fibre Example" not in response.text


def test_an_inactive_cluster_is_ignored_with_a_message(client: Client, world: SearchWorld) -> None:
    ClusterFactory(slug="retired", is_active=False)
    response = client.get("/companies/", {"cluster": "retired"})
    assert "We ignored the cluster \u201cretired\u201d" in response.text
    assert total(response) == 7


def test_an_unknown_value_is_escaped_in_the_message(client: Client, world: SearchWorld) -> None:
    response = client.get("/companies/", {"cluster": "<b>bold</b>"})
    assert "<b>bold</b>" not in response.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in response.text


@pytest.mark.parametrize("text", ["x" * 10_000, "cyber " * 2_000])
def test_overlong_search_text_is_cut_with_a_message(
    client: Client, world: SearchWorld, text: str
) -> None:
    response = client.get("/companies/", {"q": text})
    assert "Your search text was longer than 200 characters" in response.text
    assert text[:1000] not in response.text


def test_nul_bytes_are_dropped_from_the_search_text(client: Client, world: SearchWorld) -> None:
    response = client.get("/companies/?q=%00Watchtower%00")
    assert "\x00" not in response.text
    assert total(response) == 1


def test_empty_parameters_show_every_company(client: Client, world: SearchWorld) -> None:
    response = client.get("/companies/?q=&cluster=&page=")
    assert total(response) == 7
    assert response.context["page_obj"].number == 1


query_values = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60
) | st.sampled_from(
    ["cyber-security", "glasgow", "sme", "name", "relevance", "all", "any", "1", "0", "-1"]
)


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
    query = urlencode(pairs) + "&q=" + quote_from_bytes(raw_tail)
    for path in PATHS:
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, query
        read_body(response)
