"""The buyer's shortlist: no account needed, works without JavaScript, shareable for good,
cleared only when the buyer confirms (and then undoable), and kept as evidence once shared."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from members.models import Company, SharedShortlist
from members.services import company_set_status
from members.shortlist import MAX_COMPANIES
from tests.factories import CompanyFactory, SectorFactory

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


# Clearing asks first, and can be undone.


def test_clear_asks_for_confirmation_and_changes_nothing(
    client: Client, companies: list[Company]
) -> None:
    add(client, companies[0])
    add(client, companies[1])
    for response in (client.get("/shortlist/clear/"), client.post("/shortlist/clear/")):
        html = response.content.decode()
        assert response.status_code == 200
        assert "Clear your shortlist?" in html
        assert companies[0].name in html and companies[1].name in html
        assert 'name="confirm" value="yes"' in html
    assert client.session["shortlist"] == [companies[0].pk, companies[1].pk]


def test_confirmed_clear_empties_the_list_and_offers_undo(
    client: Client, companies: list[Company]
) -> None:
    add(client, companies[0])
    add(client, companies[1])
    response = client.post("/shortlist/clear/", {"confirm": "yes"}, follow=True)
    assert client.session["shortlist"] == []
    html = response.content.decode()
    assert "You cleared your shortlist of 2 companies." in html
    assert 'action="/shortlist/undo/"' in html
    assert "Undo: put back 2 companies" in html


def test_undo_puts_the_cleared_list_back_in_order(client: Client, companies: list[Company]) -> None:
    for company in (companies[2], companies[0]):
        add(client, company)
    client.post("/shortlist/clear/", {"confirm": "yes"})
    response = client.post("/shortlist/undo/", follow=True)
    assert client.session["shortlist"] == [companies[2].pk, companies[0].pk]
    assert "2 companies put back on your shortlist." in response.content.decode()
    assert "Undo:" not in response.content.decode()  # once only


def test_changing_the_list_after_clearing_drops_the_undo(
    client: Client, companies: list[Company]
) -> None:
    add(client, companies[0])
    client.post("/shortlist/clear/", {"confirm": "yes"})
    add(client, companies[1])
    assert "Undo:" not in client.get("/shortlist/").content.decode()
    client.post("/shortlist/undo/")
    assert client.session["shortlist"] == [companies[1].pk]


def test_htmx_clear_answers_with_the_emptied_list_and_focuses_undo(
    client: Client, companies: list[Company]
) -> None:
    add(client, companies[0])
    response = client.post("/shortlist/clear/", {"confirm": "yes"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "autofocus>Undo: put back 1 company<" in html
    assert 'data-hx-swap-oob="innerHTML:.site-nav__shortlist .count-badge">0<' in html
    assert "You cleared your shortlist of 1 company." in html
    assert client.session["shortlist"] == []


def test_get_cannot_clear_or_undo(client: Client, companies: list[Company]) -> None:
    add(client, companies[0])
    client.get("/shortlist/clear/?confirm=yes")
    assert client.session["shortlist"] == [companies[0].pk]
    assert client.get("/shortlist/undo/").status_code == 405


# The compare view.


def test_compare_shows_review_sectors_case_studies_and_commitments(
    client: Client, company_with_profile: Company
) -> None:
    stale = CompanyFactory(name="Stale Example Ltd", last_verified_at=None)
    add(client, company_with_profile)
    add(client, stale)
    html = client.get("/shortlist/").content.decode()
    assert "Health and social care, Local government" in html
    assert "1 case study:" in html
    assert "Shared records platform for a health board" in html
    assert "Real Living Wage employer, Fair Work First" in html
    assert "SC123456" in html
    assert html.count("Due for review</span>") == 1  # the never-verified one only
    assert "Not yet verified (due for review)" in html


def test_compare_queries_do_not_grow_with_companies(
    client: Client, django_assert_max_num_queries: object
) -> None:
    for size in (2, 12):
        session = client.session
        session["shortlist"] = [CompanyFactory(sectors=[SectorFactory()]).pk for _ in range(size)]
        session.save()
        with django_assert_max_num_queries(8):  # type: ignore[operator]
            assert client.get("/shortlist/").status_code == 200


def test_own_list_names_a_company_archived_since_it_was_added(
    client: Client, companies: list[Company]
) -> None:
    add(client, companies[0])
    company_set_status(company=companies[0], status=Company.Status.ARCHIVED)
    html = client.get("/shortlist/").content.decode()
    assert companies[0].name in html
    assert "No longer listed in the directory" in html
    assert f'action="/shortlist/remove/{companies[0].slug}/"' in html


# Permanent links: title, note, a snapshot, the same key for the same list.


def share(client: Client, **data: str) -> SharedShortlist:
    response = client.post("/shortlist/share/", data)
    assert response.status_code == 302
    return SharedShortlist.objects.get(key=response["Location"].split("/")[-2])


def test_shared_list_shows_title_note_and_date(client: Client, companies: list[Company]) -> None:
    add(client, companies[0])
    shared = share(client, title="Council pen testing", note="Ask about CHECK.\nBy Friday.")
    html = Client().get(shared.get_absolute_url()).content.decode()
    assert "<h1>Council pen testing</h1>" in html
    assert "Ask about CHECK.<br>By Friday." in html
    assert f'datetime="{shared.created_at:%Y-%m-%d}' in html


def test_shared_list_names_a_company_archived_later(
    client: Client, companies: list[Company]
) -> None:
    add(client, companies[0])
    add(client, companies[1])
    shared = share(client)
    company_set_status(company=companies[1], status=Company.Status.ARCHIVED)
    Company.objects.filter(pk=companies[1].pk).update(name="Renamed After Leaving Ltd")
    html = Client().get(shared.get_absolute_url()).content.decode()
    assert companies[1].name in html  # as recorded, not as renamed
    assert "Renamed After Leaving Ltd" not in html
    assert "No longer listed since this list was made" in html
    assert "no longer in the directory" not in html  # nothing left unnamed


def test_snapshot_records_the_key_facts_of_the_day(
    client: Client, company_with_profile: Company
) -> None:
    add(client, company_with_profile)
    (recorded,) = share(client).snapshot
    assert recorded["name"] == "Heather Data Example Ltd"
    assert recorded["companies_house_number"] == "SC123456"
    assert [c["name"] for c in recorded["certifications"]] == ["Cyber Essentials Plus"]
    assert recorded["last_verified"] == "2026-03-14"
    assert "contact_email" not in recorded  # the business, not its people


def test_a_list_made_before_snapshots_still_names_an_archived_company(
    client: Client, companies: list[Company]
) -> None:
    shared = SharedShortlist.objects.create(key="older", company_ids=[companies[0].pk, 999_999])
    company_set_status(company=companies[0], status=Company.Status.ARCHIVED)
    html = client.get(shared.get_absolute_url()).content.decode()
    assert companies[0].name in html
    assert "1 company is on this shortlist no longer in the directory" in html


def test_sharing_the_same_list_again_gives_the_same_key(
    client: Client, companies: list[Company]
) -> None:
    add(client, companies[0])
    add(client, companies[1])
    first = share(client, title="Data platforms")
    client.post(f"/shortlist/remove/{companies[0].slug}/")
    add(client, companies[0])  # the same companies, in another order
    assert share(client, title="  Data   platforms ") == first
    assert share(client, title="Something else") != first
    assert SharedShortlist.objects.count() == 2


def test_share_keeps_only_listed_companies(client: Client, companies: list[Company]) -> None:
    add(client, companies[0])
    add(client, companies[1])
    company_set_status(company=companies[1], status=Company.Status.ARCHIVED)
    assert share(client).company_ids == [companies[0].pk]


def test_a_too_long_title_is_a_form_error(client: Client, companies: list[Company]) -> None:
    add(client, companies[0])
    response = client.post("/shortlist/share/", {"title": "x" * 121})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not SharedShortlist.objects.exists()


def test_sharing_an_empty_list_makes_no_link(client: Client) -> None:
    response = client.post("/shortlist/share/", follow=True)
    assert "Add companies to your shortlist before sharing it." in response.content.decode()
    assert not SharedShortlist.objects.exists()


# The CSV of one's own list points to its permanent address.


def csv_rows(response: object) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_own_csv_links_to_a_permanent_address_anyone_can_open(
    client: Client, companies: list[Company]
) -> None:
    add(client, companies[0])
    rows = csv_rows(client.get("/shortlist/export.csv"))
    shared = SharedShortlist.objects.get()
    assert ["Shortlist", f"http://testserver{shared.get_absolute_url()}"] in rows
    assert companies[0].name in Client().get(shared.get_absolute_url()).content.decode()
    csv_rows(client.get("/shortlist/export.csv"))
    assert SharedShortlist.objects.count() == 1  # the same list, the same link


def test_own_csv_uses_the_titled_link_made_of_the_list(
    client: Client, companies: list[Company]
) -> None:
    add(client, companies[0])
    shared = share(client, title="Ticketing back office")
    rows = csv_rows(client.get("/shortlist/export.csv"))
    assert ["Title", "Ticketing back office"] in rows
    assert ["Shortlist", f"http://testserver{shared.get_absolute_url()}"] in rows
    assert SharedShortlist.objects.count() == 1


def test_shared_csv_names_companies_no_longer_listed(
    client: Client, companies: list[Company]
) -> None:
    add(client, companies[0])
    add(client, companies[1])
    shared = share(client, title="Council data", note="=cmd")
    company_set_status(company=companies[1], status=Company.Status.ARCHIVED)
    response = Client().get(f"{shared.get_absolute_url()}export.csv")
    rows = csv_rows(response)
    assert ["No longer listed since this list was made", companies[1].name] in rows
    assert ["Note", "'=cmd"] in rows
    assert ["Companies", "1"] in rows
    assert 'filename="companies-shortlist-council-data-' in response["Content-Disposition"]


@pytest.mark.parametrize("status", ["pending", "draft", "archived"])
def test_removing_an_unpublished_company_never_names_it(client: Client, status: str) -> None:
    hidden = CompanyFactory(name="Secret Applicant Example Ltd", status=status)
    response = client.post(f"/shortlist/remove/{hidden.slug}/", follow=True)
    assert response.status_code == 404
    assert "Secret Applicant" not in response.content.decode()


def test_a_listed_company_that_left_the_directory_can_still_be_removed(
    client: Client, companies: list[Company]
) -> None:
    add(client, companies[0])
    company_set_status(company=companies[0], status=Company.Status.ARCHIVED)
    response = client.post(f"/shortlist/remove/{companies[0].slug}/")
    assert response.status_code == 302
    assert companies[0].pk not in client.session.get("shortlist", [])
