"""Malformed or hostile parameters get a clear 4xx or are ignored with a message: never a 500.

Every test here sees the same directory, built once per module (per xdist worker) by
``two_pages_of_companies``: a "Cyber Security" cluster with 21 companies. The tests only read it;
the few that add rows do so inside their own test transaction, which pytest-django rolls back.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client

from clusters.models import Cluster
from tests.factories import ClusterFactory, CompanyFactory, RegionFactory

pytestmark = pytest.mark.django_db

TOTAL_COMPANIES = 21  # two pages of 20

MALFORMED_PAGES = [
    "abc",
    "-1",
    "0",
    "99999999999999999999999",
    "1e9",
    "1.5",
    "%00",
    "%ff%fe",
    "",
    "2%00",
    "%20",
]

HOSTILE_QUERY_STRINGS = [
    "q=%00abc",
    "q=abc%00def",
    "cluster=%00",
    "page=%00",
    "capability=%00",
    "region=%00",
    "sort=%00",
    "q=%ff%fe",
    "cluster=%ff%fe",
    "q=%C0%AF",
    "q=%F0%9F%A6%84",
    "q=a&q=b&q=c",
    "page=1&page=2",
    "q=&cluster=&page=",
    "cluster=&cluster=",
    "q",
    "=&&=",
    "q[]=x",
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "q=%22unbalanced",
    "q=-",
    "q=OR",
    "q=%25%5C_",
    "q=" + "%27" * 50,
]


@pytest.fixture(scope="module", autouse=True)
def two_pages_of_companies(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """The module's directory, built once and rolled back afterwards (it was 21 companies a test).

    Autouse, so every test of the module sees the same rows whatever the order xdist runs them in.
    Built the way Django's ``TestCase.setUpTestData`` builds class data: in a transaction that
    each test's own (rolled-back) transaction nests in.
    """
    with django_db_blocker.unblock():
        module_block = transaction.atomic()
        # Marked like TestCase's class-wide blocks, so that tests/conftest.py still runs the
        # on-commit callbacks of what a test writes (search follows the test's own writes).
        module_block._from_testcase = True  # type: ignore[attr-defined]
        with module_block:
            cyber = ClusterFactory(name="Cyber Security", slug="cyber-security")
            CompanyFactory.create_batch(TOTAL_COMPANIES, clusters=[cyber], region=RegionFactory())
            _run_commit_hooks()
            yield
            transaction.set_rollback(True)


def _run_commit_hooks() -> None:
    """What a commit would do now: search records the module's companies as a committed change.

    (The rollback at the end of the module takes that change back too; each process's facet index
    then sees a history it cannot follow and rebuilds.)
    """
    connection = transaction.get_connection()
    callbacks, connection.run_on_commit = connection.run_on_commit, []
    for _savepoints, callback, _robust in callbacks:
        callback()


@pytest.fixture
def cyber(db: None) -> Cluster:
    return Cluster.objects.get(slug="cyber-security")


def _page(response: object) -> object:
    return response.context["page_obj"]


# Page numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", MALFORMED_PAGES)
def test_malformed_page_number_on_the_company_list_shows_a_real_page(
    client: Client, page: str
) -> None:
    response = client.get(f"/companies/?page={page}")
    assert response.status_code == 200
    assert _page(response).number in {1, 2}
    assert len(_page(response).object_list) > 0


@pytest.mark.parametrize("page", MALFORMED_PAGES)
def test_malformed_page_number_on_a_cluster_page_shows_a_real_page(
    client: Client, page: str
) -> None:
    response = client.get(f"/clusters/cyber-security/?page={page}")
    assert response.status_code == 200
    assert _page(response).number in {1, 2}
    assert len(_page(response).object_list) > 0


def test_a_page_number_that_is_not_a_number_shows_the_first_page(client: Client) -> None:
    response = client.get("/companies/?page=abc")
    assert _page(response).number == 1


@pytest.mark.parametrize("url", ["/companies/", "/clusters/cyber-security/"])
@pytest.mark.parametrize("page", ["3", "99", "99999999999999999999999"])
def test_a_page_past_the_end_shows_the_last_page(client: Client, url: str, page: str) -> None:
    response = client.get(url, {"page": page})
    assert response.status_code == 200
    assert _page(response).number == 2
    assert len(_page(response).object_list) == TOTAL_COMPANIES - 20


# Unknown values -------------------------------------------------------------------------------


def test_an_unknown_cluster_is_ignored_with_a_visible_message(client: Client) -> None:
    response = client.get("/companies/", {"cluster": "nope"})
    assert response.status_code == 200
    assert "We ignored the cluster \u201cnope\u201d: it is not one we know." in response.text
    assert _page(response).paginator.count == TOTAL_COMPANIES


def test_an_unknown_cluster_beside_a_known_one_still_filters_by_the_known_one(
    client: Client,
) -> None:
    other = CompanyFactory(name="Other Cluster Example Ltd", clusters=[ClusterFactory()])
    assert _page(client.get("/companies/")).paginator.count == TOTAL_COMPANIES + 1
    response = client.get("/companies/", {"cluster": ["nope", "cyber-security"]})
    assert response.status_code == 200
    assert "We ignored the cluster \u201cnope\u201d" in response.text
    assert _page(response).paginator.count == TOTAL_COMPANIES
    assert other.name not in response.text


def test_an_inactive_cluster_in_the_filter_is_ignored_with_a_message(client: Client) -> None:
    ClusterFactory(slug="retired", is_active=False)
    response = client.get("/companies/", {"cluster": "retired"})
    assert response.status_code == 200
    assert "We ignored the cluster \u201cretired\u201d" in response.text
    assert _page(response).paginator.count == TOTAL_COMPANIES


def test_an_unknown_value_is_escaped_in_the_message(client: Client) -> None:
    response = client.get("/companies/", {"cluster": "<b>bold</b>"})
    assert response.status_code == 200
    assert "<b>bold</b>" not in response.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in response.text


# Overlong and hostile text --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["x" * 10_000, "cyber " * 2_000])
def test_overlong_search_text_is_cut_with_a_message(client: Client, text: str) -> None:
    response = client.get("/companies/", {"q": text})
    assert response.status_code == 200
    assert "Your search text was longer than 200 characters" in response.text
    assert text[:1000] not in response.text


@pytest.mark.parametrize("query_string", HOSTILE_QUERY_STRINGS)
def test_hostile_parameters_on_the_company_list_never_cause_a_server_error(
    client: Client, query_string: str
) -> None:
    response = client.get(f"/companies/?{query_string}")
    assert response.status_code in {200, 400}


@pytest.mark.parametrize("query_string", HOSTILE_QUERY_STRINGS)
def test_hostile_parameters_on_a_cluster_page_never_cause_a_server_error(
    client: Client, query_string: str
) -> None:
    response = client.get(f"/clusters/cyber-security/?{query_string}")
    assert response.status_code in {200, 400}


@pytest.mark.parametrize("query_string", HOSTILE_QUERY_STRINGS)
def test_hostile_parameters_on_the_home_page_never_cause_a_server_error(
    client: Client, query_string: str
) -> None:
    response = client.get(f"/?{query_string}")
    assert response.status_code in {200, 400}


def test_nul_bytes_are_dropped_from_the_search_text(client: Client) -> None:
    response = client.get("/companies/?q=%00Example%00")
    assert response.status_code == 200
    assert "\x00" not in response.text
    assert _page(response).paginator.count == TOTAL_COMPANIES


def test_empty_parameters_show_every_company(client: Client) -> None:
    response = client.get("/companies/?q=&cluster=&page=")
    assert response.status_code == 200
    assert _page(response).paginator.count == TOTAL_COMPANIES
    assert _page(response).number == 1


def test_too_many_parameters_are_refused_with_a_400(client: Client) -> None:
    query_string = "&".join(f"cluster=c{i}" for i in range(1_500))
    response = client.get(f"/companies/?{query_string}")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    ["/companies/%00/", "/companies/a%ff/", "/clusters/%00/", "/clusters/..%2f/", "/%00"],
)
def test_malformed_slugs_are_not_found(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404


# Methods --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/clusters/",
        "/clusters/cyber-security/",
        "/companies/",
        "/companies/example-company/",
        "/about/",
        "/accessibility/",
        "/robots.txt",
    ],
)
def test_public_pages_refuse_writes_with_405(
    client: Client, cyber: Cluster, method: str, path: str
) -> None:
    CompanyFactory(slug="example-company", clusters=[cyber])
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}


@pytest.mark.parametrize("path", ["/", "/clusters/", "/companies/", "/about/"])
def test_public_pages_answer_head_requests(client: Client, path: str) -> None:
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("page", ["0", "-1", "-99999", "abc", "", "1.5"])
def test_nonsense_or_low_page_numbers_show_the_first_page(client: Client, page: str) -> None:
    response = client.get("/companies/", {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
