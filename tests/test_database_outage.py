"""While PostgreSQL is down, restarting or unreachable, pages say so with the site's own page and
a 503 (try again later), never a traceback; they recover by themselves when it is back.

The outage is simulated by refusing every new connection, as a stopped server does. The real
thing, a PostgreSQL stopped for 30 s under load, is bench/faults.py (README, "Load and faults").
"""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from pytest_django import Settings

from tests.factories import CompanyFactory

PAGES = ["/", "/companies/?q=cyber", "/clusters/", "/companies/some-company/"]


@pytest.fixture
def database_down(settings: Settings) -> Iterator[None]:
    settings.DEBUG = False
    # The test's own connection is open (the test runs in a transaction): close it as a
    # stopped server would, and refuse the reconnect.
    refused = OperationalError(
        'connection failed: connection to server at "127.0.0.1", port '
        "5432 failed: Connection refused"
    )
    with (
        mock.patch.object(connection, "ensure_connection", side_effect=refused),
        mock.patch.object(connection, "cursor", side_effect=refused),
    ):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_a_page_is_503_with_the_sites_own_page_while_the_database_is_down(
    client: Client, database_down: None, path: str
) -> None:
    client.raise_request_exception = False

    response = client.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "500.html" in [template.name for template in response.templates]
    assert "Sorry, there is a problem with the service" in response.text
    assert "Connection refused" not in response.text
    assert "Traceback" not in response.text


@pytest.mark.django_db
def test_healthz_is_503_while_the_database_is_down(client: Client, database_down: None) -> None:
    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_pages_answer_again_once_the_database_is_back(client: Client, settings: Settings) -> None:
    settings.DEBUG = False
    client.raise_request_exception = False
    CompanyFactory(name="Back Online Ltd")
    refused = OperationalError("connection failed: Connection refused")
    with mock.patch.object(connection, "cursor", side_effect=refused):
        assert client.get("/companies/").status_code == 503

    response = client.get("/companies/?q=online")

    assert response.status_code == 200
    assert "Back Online Ltd" in response.text


@pytest.mark.django_db
def test_other_errors_stay_500(client: Client, settings: Settings) -> None:
    # 503 is only for an unavailable database: a bug must not pass for a passing outage.
    settings.DEBUG = False
    client.raise_request_exception = False
    with mock.patch("directory.views.Company.objects.published", side_effect=ValueError("bug")):
        response = client.get("/")

    assert response.status_code == 500
    assert "Retry-After" not in response
