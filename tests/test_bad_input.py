"""Malformed page numbers, paths and methods get a real page or a clear 4xx: never a 500.

(Search parameters, which only /companies/ and its export read, are tested in
test_search_bad_input.py.)

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


@pytest.mark.parametrize("url", ["/companies/", "/clusters/cyber-security/"])
@pytest.mark.parametrize("page", MALFORMED_PAGES)
def test_a_malformed_page_number_shows_a_real_page(client: Client, url: str, page: str) -> None:
    response = client.get(f"{url}?page={page}")
    assert response.status_code == 200
    assert _page(response).number in {1, 2}
    assert len(_page(response).object_list) > 0


@pytest.mark.parametrize("url", ["/companies/", "/clusters/cyber-security/"])
@pytest.mark.parametrize("page", ["3", "99", "99999999999999999999999"])
def test_a_page_past_the_end_shows_the_last_page(client: Client, url: str, page: str) -> None:
    response = client.get(url, {"page": page})
    assert response.status_code == 200
    assert _page(response).number == 2
    assert len(_page(response).object_list) == TOTAL_COMPANIES - 20


# Too many parameters and malformed paths ---------------------------------------------------


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


@pytest.mark.parametrize("url", ["/companies/", "/clusters/cyber-security/"])
@pytest.mark.parametrize("page", ["0", "-1", "-99999", "abc", "", "1.5", "%00"])
def test_nonsense_or_low_page_numbers_show_the_first_page(
    client: Client, url: str, page: str
) -> None:
    response = client.get(f"{url}?page={page}")
    assert response.status_code == 200
    assert _page(response).number == 1
