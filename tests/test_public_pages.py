"""Every public page renders what a buyer needs, and nothing unpublished leaks out."""

from __future__ import annotations

import re

import pytest
from django.db import DatabaseError
from django.test import Client
from pytest_django import Settings

from clusters.models import Cluster
from members.models import Company
from tests.factories import CapabilityFactory, ClusterFactory, CompanyFactory

pytestmark = pytest.mark.django_db

UNPUBLISHED = [Company.Status.DRAFT, Company.Status.PENDING, Company.Status.ARCHIVED]


def _text_order(html: str, *parts: str) -> list[int]:
    return [html.index(part) for part in parts]


def _visible_text(html: str) -> str:
    """The words a sighted reader sees, tags removed and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def unpublished_companies(cluster: Cluster) -> list[Company]:
    return [
        CompanyFactory(
            name=f"Hidden {status.label} Example Ltd",
            slug=f"hidden-{status}",
            status=status,
            clusters=[cluster],
        )
        for status in UNPUBLISHED
    ]


# Every page -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("published_company")
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/clusters/",
        "/clusters/cyber-security/",
        "/companies/",
        "/companies/thistle-secure/",
        "/about/",
        "/accessibility/",
    ],
)
def test_every_public_page_is_a_complete_accessible_page(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert "base.html" in [template.name for template in response.templates]
    assert 'id="main-content"' in html
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert re.search(r"<title>[^<]*\S[^<]*</title>", html)
    assert '<html lang="en' in html


# Home and clusters ----------------------------------------------------------------------------


def test_home_shows_each_active_cluster_with_its_published_company_count(
    client: Client, published_company: Company, unpublished_companies: list[Company]
) -> None:
    empty = ClusterFactory(name="TravelTech", slug="traveltech")
    ClusterFactory(name="Retired Cluster", slug="retired", is_active=False)
    response = client.get("/")
    counts = {c.slug: c.company_count for c in response.context["clusters"]}
    assert counts == {"cyber-security": 1, "traveltech": 0}
    text = _visible_text(response.text)
    assert re.search(r"Cyber Security .{0,200}? 1 company\b", text)
    assert re.search(r"TravelTech .{0,200}? 0 companies\b", text)
    assert empty.get_absolute_url() in response.text
    assert "Retired Cluster" not in response.text


def test_home_shows_recently_updated_published_companies(
    client: Client, published_company: Company, unpublished_companies: list[Company]
) -> None:
    response = client.get("/")
    assert published_company.name in response.text
    assert published_company.get_absolute_url() in response.text
    for hidden in unpublished_companies:
        assert hidden.name not in response.text


def test_home_has_a_search_box_that_searches_companies(client: Client) -> None:
    response = client.get("/")
    assert re.search(r'<form[^>]*action="/companies/"', response.text)
    assert 'name="q"' in response.text


def test_clusters_list_shows_active_clusters_with_counts(
    client: Client, published_company: Company
) -> None:
    ClusterFactory(name="Retired Cluster", is_active=False)
    response = client.get("/clusters/")
    assert response.status_code == 200
    [cyber] = response.context["clusters"]
    assert (cyber.company_count, cyber.capability_count) == (1, 1)
    assert re.search(
        r"Cyber Security .{0,200}? 1 company 1 capability\b", _visible_text(response.text)
    )
    assert "/clusters/cyber-security/" in response.text
    assert "Retired Cluster" not in response.text


def test_cluster_page_shows_its_capabilities_and_published_companies(
    client: Client, published_company: Company, unpublished_companies: list[Company]
) -> None:
    other = CompanyFactory(name="Elsewhere Example Ltd", clusters=[ClusterFactory()])
    response = client.get("/clusters/cyber-security/")
    assert response.status_code == 200
    assert "Penetration testing" in response.text
    assert published_company.name in response.text
    assert other.name not in response.text
    for hidden in unpublished_companies:
        assert hidden.name not in response.text


def test_inactive_cluster_page_is_not_found(client: Client) -> None:
    ClusterFactory(slug="retired", is_active=False)
    assert client.get("/clusters/retired/").status_code == 404


def test_unknown_cluster_shows_the_friendly_not_found_page(
    client: Client, settings: Settings
) -> None:
    settings.DEBUG = False  # as in production: with DEBUG on, Django shows its own page
    response = client.get("/clusters/no-such-cluster/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert "<header" in response.text
    assert 'name="q"' in response.text
    assert 'id="main-content"' in response.text


# Companies list -------------------------------------------------------------------------------


def test_companies_list_shows_published_companies_only(
    client: Client, published_company: Company, unpublished_companies: list[Company]
) -> None:
    response = client.get("/companies/")
    assert response.status_code == 200
    assert published_company.name in response.text
    assert published_company.summary in response.text
    for hidden in unpublished_companies:
        assert hidden.name not in response.text


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("thistle", ["Thistle Secure Example Ltd"]),
        ("Dashboards", ["Heather Insight Example Ltd"]),
        ("THISTLE councils", ["Thistle Secure Example Ltd"]),
        ("councils", ["Heather Insight Example Ltd", "Thistle Secure Example Ltd"]),
        ("thistle dashboards", []),
    ],
)
def test_text_filter_matches_words_of_the_name_and_summary(
    client: Client, published_company: Company, q: str, expected: list[str]
) -> None:
    CompanyFactory(name="Heather Insight Example Ltd", summary="Dashboards for councils.")
    response = client.get("/companies/", {"q": q})
    assert [company.name for company in response.context["companies"]] == expected


def test_cluster_filter_narrows_the_results(client: Client, published_company: Company) -> None:
    data = ClusterFactory(name="Data", slug="data")
    in_data = CompanyFactory(name="Heather Insight Example Ltd", clusters=[data])
    response = client.get("/companies/", {"cluster": "data"})
    assert [company.name for company in response.context["companies"]] == [in_data.name]
    assert published_company.name not in response.text


def test_several_clusters_widen_the_results(client: Client, published_company: Company) -> None:
    data = ClusterFactory(name="Data", slug="data")
    in_data = CompanyFactory(name="Heather Insight Example Ltd", clusters=[data])
    response = client.get("/companies/", {"cluster": ["data", "cyber-security"]})
    assert {c.name for c in response.context["companies"]} == {in_data.name, published_company.name}


def test_a_search_that_finds_nothing_says_so(client: Client, published_company: Company) -> None:
    response = client.get("/companies/", {"q": "zzzyzzx"})
    assert response.status_code == 200
    assert list(response.context["companies"]) == []
    assert published_company.name not in response.text


def test_companies_list_shows_twenty_per_page(client: Client, cluster: Cluster) -> None:
    CompanyFactory.create_batch(45, clusters=[cluster])
    first = client.get("/companies/")
    last = client.get("/companies/", {"page": "3"})
    assert len(first.context["companies"]) == 20
    assert first.context["page_obj"].paginator.num_pages == 3
    assert "page=2" in first.text
    assert len(last.context["companies"]) == 5


def test_pagination_keeps_the_search(client: Client, cluster: Cluster) -> None:
    CompanyFactory.create_batch(25, clusters=[cluster])
    response = client.get("/companies/", {"q": "Example", "cluster": "cyber-security"})
    assert re.search(r'href="[^"]*page=2[^"]*"', response.text)
    link = re.search(r'href="([^"]*page=2[^"]*)"', response.text).group(1)
    assert "q=Example" in link
    assert "cluster=cyber-security" in link


def test_cluster_page_shows_twenty_companies_per_page(client: Client, cluster: Cluster) -> None:
    CompanyFactory.create_batch(25, clusters=[cluster])
    first = client.get("/clusters/cyber-security/")
    second = client.get("/clusters/cyber-security/", {"page": "2"})
    assert len(first.context["companies"]) == 20
    assert len(second.context["companies"]) == 5


# Company profile ------------------------------------------------------------------------------


@pytest.fixture
def profile_html(client: Client, company_with_profile: Company) -> str:
    response = client.get(company_with_profile.get_absolute_url())
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize(
    "part",
    [
        "Heather Data Example Ltd",
        "Secure data platforms for health boards.",
        "We build data platforms that public bodies can trust.",
        "Morgan Example",
        "mailto:hello@heather-data.example",
        "0131 496 0123",
        "https://heather-data.example",
        "Tayside",
        "50 to 249 employees",
        "SME",
        "SC123456",
        "Health and social care",
        "Local government",
        "Real Living Wage employer",
        "Fair Work First",
        "Cyber Essentials Plus",
        "Digital Technology Services",
        "Lot 2: Cyber security",
        "Shared records platform for a health board",
        "A fictional NHS board",
        "14 March 2026",
    ],
)
def test_company_profile_shows_every_part(profile_html: str, part: str) -> None:
    assert part in profile_html


def test_company_profile_groups_capabilities_by_cluster(profile_html: str) -> None:
    cyber, incident, data, engineering = _text_order(
        profile_html, ">Cyber Security<", "Incident response", ">Data<", "Data engineering"
    )
    assert cyber < incident < data < engineering


def test_expired_certification_is_not_shown(profile_html: str) -> None:
    assert "Lapsed Standard 9999" not in profile_html


def test_expired_framework_is_not_shown(profile_html: str) -> None:
    assert "Lapsed Framework 2019" not in profile_html
    assert "Lot 9: Gone" not in profile_html


def test_large_company_is_not_called_an_sme(client: Client) -> None:
    company = CompanyFactory(employee_band=Company.EmployeeBand.LARGE)
    response = client.get(company.get_absolute_url())
    assert "250 or more employees" in response.text
    assert not re.search(r"\bSME\b", response.text.split('id="main-content"')[1])


@pytest.mark.parametrize("status", UNPUBLISHED)
def test_unpublished_company_profile_is_not_found(client: Client, status: str) -> None:
    company = CompanyFactory(status=status)
    response = client.get(company.get_absolute_url())
    assert response.status_code == 404
    assert company.name not in response.text


def test_unknown_company_is_not_found(client: Client) -> None:
    assert client.get("/companies/no-such-company/").status_code == 404


# Static pages, robots, sitemap, health, errors -------------------------------------------------


def test_about_page_renders(client: Client) -> None:
    response = client.get("/about/")
    assert response.status_code == 200
    assert "directory/about.html" in [template.name for template in response.templates]


def test_accessibility_statement_names_the_standard(client: Client) -> None:
    response = client.get("/accessibility/")
    assert response.status_code == 200
    assert "WCAG 2.2" in response.text


def test_robots_txt_is_plain_text_and_keeps_crawlers_out_of_admin(client: Client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_sitemap_lists_published_companies_and_active_clusters_only(
    client: Client, published_company: Company, unpublished_companies: list[Company]
) -> None:
    ClusterFactory(slug="retired", is_active=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    xml = response.text
    assert "<loc>http://testserver/companies/thistle-secure/</loc>" in xml
    assert "<loc>http://testserver/clusters/cyber-security/</loc>" in xml
    assert "/clusters/retired/" not in xml
    for hidden in unpublished_companies:
        assert hidden.slug not in xml


def test_health_check_says_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok\n"


def test_health_check_says_unavailable_when_the_database_does_not_answer(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_cursor(*args: object, **kwargs: object) -> None:
        raise DatabaseError("connection refused")

    monkeypatch.setattr("directory.views.connection.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503


@pytest.mark.urls("tests.urls_500")
def test_server_error_shows_the_friendly_page(client: Client, settings: Settings) -> None:
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "500.html" in [template.name for template in response.templates]
    assert "<header" in response.text
    assert "deliberate test failure" not in response.text
    assert "Traceback" not in response.text


def test_capability_of_the_company_links_to_nothing_unpublished(
    client: Client, published_company: Company
) -> None:
    # A capability with only unpublished companies still shows on its cluster page, counted 0.
    hidden_cap = CapabilityFactory(cluster=published_company.clusters.get(), name="Red teaming")
    CompanyFactory(status=Company.Status.DRAFT, capabilities=[hidden_cap])
    response = client.get("/clusters/cyber-security/")
    counts = {c.name: c.company_count for c in response.context["capabilities"]}
    assert counts == {"Penetration testing": 1, "Red teaming": 0}
