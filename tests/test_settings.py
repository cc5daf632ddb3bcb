"""Security headers on real responses, the health check, and which database the suite runs on."""

from __future__ import annotations

import os
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from pytest_django import Settings


@pytest.mark.django_db
def test_content_security_policy_forbids_inline_code(client: Client) -> None:
    policy = client.get("/healthz")["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy


@pytest.mark.django_db
def test_pages_cannot_be_framed(client: Client) -> None:
    response = client.get("/healthz")

    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_referrer_policy_keeps_paths_on_this_site(client: Client) -> None:
    assert client.get("/healthz")["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_content_types_are_not_sniffed(client: Client) -> None:
    assert client.get("/healthz")["X-Content-Type-Options"] == "nosniff"


def permissions_policy(header: str) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in header.split(","))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/companies/?q=cyber", "/no-such-page/", "/healthz"])
def test_every_response_switches_off_the_browser_features_the_site_does_not_use(
    client: Client, path: str
) -> None:
    policy = permissions_policy(client.get(path)["Permissions-Policy"])

    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert policy[feature] == "()", feature
    assert set(policy.values()) == {"()"}  # nothing is allowed, not even for this site


@pytest.mark.django_db
def test_static_files_carry_the_permissions_policy_too(client: Client, settings: Settings) -> None:
    settings.WHITENOISE_USE_FINDERS = (
        True  # whitenoise answers from the app folders, no collectstatic
    )

    response = client.get("/static/css/main.css")

    assert response.status_code == 200
    assert permissions_policy(response["Permissions-Policy"])["camera"] == "()"


@pytest.mark.django_db
def test_other_sites_opened_from_a_page_get_no_handle_on_it(client: Client) -> None:
    # Cross-Origin-Opener-Policy: a window this site opens, or that opens it, cannot reach it.
    assert client.get("/")["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_unreachable(client: Client) -> None:
    # Patched on the connection object for this test only; later tests get the real cursor back.
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("server gone")):
        response = client.get("/healthz")

    assert response.status_code == 503


@pytest.mark.django_db
def test_healthz_is_served_over_plain_http_when_other_pages_redirect(
    client: Client, settings: Settings
) -> None:
    # The container's HEALTHCHECK speaks plain HTTP to 127.0.0.1 while the site redirects to HTTPS.
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/about/").status_code == 301


@pytest.mark.django_db
def test_suite_runs_on_the_database_that_database_url_names() -> None:
    # scripts/test.sh runs the suite once per database; this proves each pass is what it says.
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )

    assert connection.vendor == expected
