"""The buyer's shortlist: no account needed, works without JavaScript, shareable for good."""

from __future__ import annotations

import pytest
from django.test import Client

from members.models import Company, SharedShortlist
from members.shortlist import MAX_COMPANIES
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies(db: None) -> list[Company]:
    return [CompanyFactory(name=f"Shortlisted {n} Example") for n in range(3)]


def add(client: Client, company: Company, **extra: str) -> object:
    return client.post(f"/shortlist/add/{company.slug}/", {"next": "/companies/"}, **extra)


def test_adding_without_javascript_redirects_back(client: Client, companies: list[Company]) -> None:
    response = add(client, companies[0])
    assert response.status_code == 302
    assert response["Location"] == "/companies/"
    assert client.session["shortlist"] == [companies[0].pk]


def test_next_cannot_redirect_off_site(client: Client, companies: list[Company]) -> None:
    response = client.post(
        f"/shortlist/add/{companies[0].slug}/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/shortlist/"


def test_adding_twice_keeps_one_entry(client: Client, companies: list[Company]) -> None:
    add(client, companies[0])
    add(client, companies[0])
    assert client.session["shortlist"] == [companies[0].pk]


def test_shortlist_page_compares_companies(client: Client, companies: list[Company]) -> None:
    for company in companies:
        add(client, company)
    html = client.get("/shortlist/").content.decode()
    for company in companies:
        assert company.name in html
    assert "Current certifications" in html


def test_removing_a_company(client: Client, companies: list[Company]) -> None:
    add(client, companies[0])
    add(client, companies[1])
    client.post(f"/shortlist/remove/{companies[0].slug}/")
    assert client.session["shortlist"] == [companies[1].pk]


def test_htmx_toggle_returns_the_new_button(client: Client, companies: list[Company]) -> None:
    response = add(client, companies[0], HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Remove" in response.content.decode()


def test_unpublished_company_cannot_be_added(client: Client) -> None:
    draft = CompanyFactory(status=Company.Status.DRAFT)
    assert add(client, draft).status_code == 404


def test_shortlist_is_capped(client: Client) -> None:
    session = client.session
    session["shortlist"] = list(range(10_000, 10_000 + MAX_COMPANIES))
    session.save()
    add(client, CompanyFactory())
    assert len(client.session["shortlist"]) == MAX_COMPANIES


def test_get_cannot_change_the_shortlist(client: Client, companies: list[Company]) -> None:
    assert client.get(f"/shortlist/add/{companies[0].slug}/").status_code == 405


def test_share_link_is_permanent_and_shows_the_same_companies(
    client: Client, companies: list[Company]
) -> None:
    add(client, companies[0])
    add(client, companies[2])
    response = client.post("/shortlist/share/")
    shared = SharedShortlist.objects.get()
    assert response["Location"] == f"/shortlist/s/{shared.key}/"
    other_browser = Client()
    html = other_browser.get(response["Location"]).content.decode()
    assert companies[0].name in html
    assert companies[2].name in html
    assert companies[1].name not in html


def test_unknown_share_key_is_404(client: Client) -> None:
    assert client.get("/shortlist/s/not-a-key/").status_code == 404


def test_shortlist_csv_export(client: Client, companies: list[Company]) -> None:
    add(client, companies[1])
    response = client.get("/shortlist/export.csv")
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    assert companies[1].name in text
    assert companies[0].name not in text


def test_a_corrupt_session_value_is_treated_as_empty(client: Client) -> None:
    session = client.session
    session["shortlist"] = "garbage"
    session.save()
    assert client.get("/shortlist/").status_code == 200
