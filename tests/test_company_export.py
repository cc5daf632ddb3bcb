"""CSV export: every matching company, criteria on record, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.test import Client
from django.utils import timezone

from members.models import Company
from members.search.export import export_filename, neutralise
from tests.factories import (
    CertificationFactory,
    ClusterFactory,
    CompanyCertificationFactory,
    CompanyFactory,
)

pytestmark = pytest.mark.django_db


def download(client: Client, params: dict[str, str] | None = None) -> tuple[object, str]:
    response = client.get("/companies/export.csv", params or {})
    assert response.status_code == 200
    return response, b"".join(response.streaming_content).decode("utf-8")


def table(text: str) -> list[dict[str, str]]:
    lines = text.lstrip("\ufeff").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Name,"))
    return list(csv.DictReader(io.StringIO("\n".join(lines[start:]))))


def test_export_has_every_match_not_one_page(client: Client) -> None:
    cyber = ClusterFactory(slug="cyber")
    for _ in range(45):
        CompanyFactory(clusters=[cyber])
    CompanyFactory()
    _, text = download(client, {"cluster": "cyber"})
    assert len(table(text)) == 45


def test_export_is_excel_friendly_utf8_with_bom(client: Client) -> None:
    CompanyFactory(name="Caf\u00e9 Example")
    response, text = download(client)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert text.startswith("\ufeff")
    assert "Caf\u00e9 Example" in text


def test_criteria_and_time_are_in_the_file_and_its_name(client: Client) -> None:
    ClusterFactory(name="Cyber Security", slug="cyber")
    CompanyFactory(summary="pen testing")
    response, text = download(client, {"q": "testing", "cluster": "cyber"})
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="companies-search-testing-cluster-cyber')
    assert timezone.localtime().strftime("%Y%m%d") in disposition
    assert "Search \u201ctesting\u201d; Cluster: Cyber Security" in text
    assert "Exported at," in text


@pytest.mark.parametrize("dangerous", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_cells_are_neutralised(dangerous: str) -> None:
    assert neutralise(dangerous) == "'" + dangerous


def test_company_text_cannot_inject_a_formula(client: Client) -> None:
    CompanyFactory(name='=HYPERLINK("http://evil.example")', summary="@SUM(1)")
    _, text = download(client)
    row = table(text)[0]
    assert row["Name"].startswith("'=")
    assert row["Summary"].startswith("'@")


def test_only_current_certifications_are_exported(client: Client) -> None:
    company = CompanyFactory()
    CompanyCertificationFactory(
        company=company, certification=CertificationFactory(name="Current Cert")
    )
    CompanyCertificationFactory(
        company=company,
        certification=CertificationFactory(name="Lapsed Cert"),
        valid_until=timezone.localdate() - datetime.timedelta(days=3),
    )
    _, text = download(client)
    cell = table(text)[0]["Current certifications (valid until)"]
    assert "Current Cert" in cell
    assert "Lapsed Cert" not in cell


def test_export_columns_and_profile_url(client: Client) -> None:
    company = CompanyFactory(contact_email="buyers@firm.example")
    _, text = download(client)
    row = table(text)[0]
    assert row["Profile URL"] == f"http://testserver/companies/{company.slug}/"
    assert row["Contact email"] == "buyers@firm.example"
    # The size column uses the facet's own wording, not its URL slug.
    assert row["Size"] == "SME (fewer than 250 employees); 10 to 49 employees"


def test_size_column_says_250_or_more_not_the_url_slug(client: Client) -> None:
    CompanyFactory(employee_band=Company.EmployeeBand.LARGE)
    _, text = download(client)
    assert table(text)[0]["Size"] == "250 or more employees"


def test_unpublished_companies_are_not_exported(client: Client) -> None:
    CompanyFactory(name="Hidden Draft Example", status="draft")
    _, text = download(client)
    assert "Hidden Draft Example" not in text


@pytest.mark.parametrize(
    "dangerous",
    ["  =1+1", "\t=1+1", "\u00a0+SUM(A1)", "\u3000-2+3", "\u200b@cmd", " \n=1"],
    ids=["spaces", "tab", "no-break-space", "ideographic-space", "zero-width-space", "newline"],
)
def test_a_formula_behind_blanks_is_neutralised(dangerous: str) -> None:
    assert neutralise(dangerous) == "'" + dangerous


@pytest.mark.parametrize("harmless", ["Edinburgh", "a=b", "0131 496 0000", ""])
def test_plain_text_is_left_alone(harmless: str) -> None:
    assert neutralise(harmless) == harmless


def test_search_url_is_the_results_page_not_the_file(client: Client) -> None:
    ClusterFactory(name="Cyber Security", slug="cyber")
    CompanyFactory()
    _, text = download(client, {"q": "testing", "cluster": "cyber", "page": "3"})
    row = next(line for line in text.splitlines() if line.startswith("Search URL,"))
    assert row == "Search URL,http://testserver/companies/?q=testing&cluster=cyber"


def test_contact_name_phone_town_and_companies_house_number_are_exported(
    client: Client,
) -> None:
    CompanyFactory(
        contact_name="Morgan Example",
        contact_phone="+44 131 496 0123",
        town="Dundee",
        companies_house_number="SC123456",
    )
    _, text = download(client)
    row = table(text)[0]
    assert row["Contact name"] == "Morgan Example"
    assert row["Phone"] == "'+44 131 496 0123"  # shown as typed, never run as a sum
    assert row["Town"] == "Dundee"
    assert row["Companies House number"] == "SC123456"


def test_verification_columns_say_not_yet_verified_and_due_for_review(client: Client) -> None:
    CompanyFactory(name="A Never Checked Ltd", last_verified_at=None)
    CompanyFactory(
        name="B Checked Long Ago Ltd",
        last_verified_at=datetime.datetime(2020, 1, 2, 12, tzinfo=datetime.UTC),
    )
    CompanyFactory(name="C Checked Lately Ltd")
    _, text = download(client, {"sort": "name"})
    rows = {row["Name"]: row for row in table(text)}
    assert rows["A Never Checked Ltd"]["Last verified"] == "Not yet verified"
    assert rows["A Never Checked Ltd"]["Due for review"] == "Yes"
    assert rows["B Checked Long Ago Ltd"]["Last verified"] == "2020-01-02"
    assert rows["B Checked Long Ago Ltd"]["Due for review"] == "Yes"
    assert rows["C Checked Lately Ltd"]["Due for review"] == "No"


def test_a_long_file_name_is_cut_between_words() -> None:
    when = datetime.datetime(2026, 11, 27, 9, 5, tzinfo=datetime.UTC)
    label = "Search \u201cincident response\u201d; Cluster: Cyber Security; Region: Highland"
    name = export_filename(label, when)
    assert name == (
        "companies-search-incident-response-cluster-cyber-security-region-20261127-0905.csv"
    )
    assert len(name.split("-20261127")[0]) <= len("companies-") + 60


def test_a_single_long_word_is_still_cut_to_length() -> None:
    when = datetime.datetime(2026, 11, 27, 9, 5, tzinfo=datetime.UTC)
    assert export_filename("x" * 80, when) == f"companies-{'x' * 60}-20261127-0905.csv"


def test_a_file_name_is_safe_whatever_the_criteria() -> None:
    when = datetime.datetime(2026, 11, 27, 9, 5, tzinfo=datetime.UTC)
    name = export_filename('"; rm -rf / \\..\\ \u00e9t\u00e9 \r\n', when)
    assert re.fullmatch(r"companies-[a-z0-9-]+-20261127-0905\.csv", name), name
