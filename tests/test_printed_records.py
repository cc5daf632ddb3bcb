"""A printed results page or shortlist says what it is, where it came from and when."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import dateformat, timezone

from members.models import SharedShortlist
from tests.factories import ClusterFactory, CompanyFactory

pytestmark = pytest.mark.django_db


def print_record(html: str) -> str:
    found = re.search(r'<div class="print-only print-record">(.*?)</div>', html, re.S)
    assert found is not None, "no print-only record on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()


def today() -> str:
    return dateformat.format(timezone.localtime(), "j F Y")


def test_printed_results_carry_criteria_address_and_date(client: Client) -> None:
    cyber = ClusterFactory(name="Cyber Security", slug="cyber")
    for n in range(23):
        CompanyFactory(name=f"Council Testing {n:02d} Ltd", summary="Council.", clusters=[cyber])
    html = client.get("/companies/?q=council&cluster=cyber&page=2&sort=name").content.decode()
    record = print_record(html)
    assert "Search criteria: Search “council”; Cluster: Cyber Security; Sorted by name." in record
    assert "this is page 2 of 2" in record
    assert (
        "Address: http://testserver/companies/?q=council&amp;cluster=cyber&amp;sort=name&amp;page=2"
        in record
    )
    assert f"Printed: {today()}" in record


def test_printed_results_of_an_in_place_search_carry_their_own_record(client: Client) -> None:
    CompanyFactory(summary="Ticketing.")
    html = client.get("/companies/?q=ticketing", HTTP_HX_REQUEST="true").content.decode()
    assert "Search criteria: Search “ticketing”; Sorted by relevance." in print_record(html)


def test_printed_own_shortlist_says_it_lives_in_this_browser(client: Client) -> None:
    company = CompanyFactory()
    client.post(f"/shortlist/add/{company.slug}/")
    record = print_record(client.get("/shortlist/").content.decode())
    assert "Shortlist: 1 company chosen one by one from the directory (not a search)." in record
    assert "Address: http://testserver/shortlist/ (shows this list only in the browser" in record
    assert f"Printed: {today()}" in record


def test_printed_own_shortlist_gives_its_permanent_link_once_made(client: Client) -> None:
    company = CompanyFactory()
    client.post(f"/shortlist/add/{company.slug}/")
    client.post("/shortlist/share/", {"title": "Ticketing"})
    shared = SharedShortlist.objects.get()
    record = print_record(client.get("/shortlist/").content.decode())
    assert f"Permanent link: http://testserver{shared.get_absolute_url()} (made on" in record


def test_printed_shared_shortlist_gives_title_date_and_permanent_link(client: Client) -> None:
    company = CompanyFactory()
    client.post(f"/shortlist/add/{company.slug}/")
    client.post("/shortlist/share/", {"title": "Ticketing back office"})
    shared = SharedShortlist.objects.get()
    record = print_record(Client().get(shared.get_absolute_url()).content.decode())
    assert (
        "Shortlist: “Ticketing back office”, 1 company chosen from the directory, "
        f"made on {today()}" in record
    )
    assert f"Permanent link: http://testserver{shared.get_absolute_url()}" in record
    assert f"Printed: {today()}" in record
