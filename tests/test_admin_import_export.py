"""Staff import and export of companies in the admin (members/resources.py): CSV and XLSX, a
preview with row errors, all or nothing, idempotent, one search change per import."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import tablib
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from clusters.taxonomy import load_taxonomy
from members.models import Company, CompanyCertification, CompanyFramework, SearchChange
from members.resources import COLUMNS
from tests.factories import CompanyCertificationFactory, CompanyFactory, UserFactory
from tests.mfa import add_authenticator_app, pass_second_step

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:members_company_import")
CONFIRM_URL = reverse("admin:members_company_process_import")
EXPORT_URL = reverse("admin:members_company_export")
CHANGELIST_URL = reverse("admin:members_company_changelist")
CSV_FORMAT, XLSX_FORMAT = "0", "1"
SAMPLE = Path(settings.BASE_DIR) / "docs" / "sample-import" / "companies.csv"
TODAY = timezone.localdate()
IN_100_DAYS = (TODAY + datetime.timedelta(days=100)).isoformat()
IN_2_YEARS = (TODAY + datetime.timedelta(days=730)).isoformat()


@pytest.fixture(scope="module", autouse=True)
def demo_taxonomy(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """The reference taxonomy, as ``seed_demo --taxonomy-only`` loads it: built once for the
    module in a transaction each test's own nests in, and rolled back afterwards."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        module_block = transaction.atomic()
        module_block._from_testcase = True  # type: ignore[attr-defined]
        with module_block:
            load_taxonomy()
            yield
            transaction.set_rollback(True)


def _row(**changes: str) -> dict[str, str]:
    row = {
        "name": "Corrie Cyber Example Ltd",
        "slug": "corrie-cyber",
        "status": "published",
        "summary": "Penetration testing for councils.",
        "description": "Testing, training and incident response.",
        "website": "https://corrie-cyber.example",
        "contact_name": "Ailsa Example",
        "contact_email": "hello@corrie-cyber.example",
        "contact_phone": "0141 496 0000",
        "town": "Glasgow",
        "postcode": "G2 1AA",
        "region": "glasgow-city",
        "founded_year": "2016",
        "employee_band": "10-49",
        "companies_house_number": "SC654321",
        "clusters": "cyber-security",
        "capabilities": "penetration-testing; incident-response",
        "sectors": "local-government; health-and-social-care",
        "certifications": (
            f"cyber-essentials-plus | CE-12345 | IASME | {IN_100_DAYS}; iso-27001 | 2291 | BSI"
        ),
        "frameworks": f"sg-cyber-security-services | Lot 2: Cyber security | {IN_2_YEARS}",
        "pays_real_living_wage": "yes",
        "fair_work_first": "no",
        "scottish_business_pledge": "no",
        "supported_business": "no",
    }
    return {**row, **changes}


def _second_row(**changes: str) -> dict[str, str]:
    second = {
        "name": "Skerry Data Example Ltd",
        "slug": "skerry-data",
        "website": "https://skerry-data.example",
        "companies_house_number": "SC765432",
        "clusters": "data",
        "capabilities": "data-engineering",
        "certifications": "",
        "frameworks": "",
    }
    return _row(**{**second, **changes})


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _xlsx(rows: list[dict[str, str]]) -> bytes:
    dataset = tablib.Dataset(headers=list(rows[0]))
    for row in rows:
        dataset.append(list(row.values()))
    return dataset.export("xlsx")


def _preview(client: Client, content: bytes, file_format: str = CSV_FORMAT) -> HttpResponse:
    name = "companies.xlsx" if file_format == XLSX_FORMAT else "companies.csv"
    upload = io.BytesIO(content)
    upload.name = name
    response = client.post(
        IMPORT_URL, {"resource": "0", "format": file_format, "import_file": upload}
    )
    assert response.status_code == 200
    return response


def _confirm(client: Client, preview: HttpResponse) -> HttpResponse:
    assert "confirm_form" in preview.context, preview.context["result"].invalid_rows
    confirm_form = preview.context["confirm_form"]
    return client.post(CONFIRM_URL, confirm_form.initial, follow=True)


def _import(client: Client, content: bytes, file_format: str = CSV_FORMAT) -> HttpResponse:
    return _confirm(client, _preview(client, content, file_format))


def _errors(preview: HttpResponse) -> dict[int, dict[str, list[str]]]:
    """Row number -> column -> messages, as the preview lists them."""
    return {row.number: row.field_specific_errors for row in preview.context["result"].invalid_rows}


def _export(client: Client, file_format: str, **data: object) -> HttpResponse:
    response = client.post(EXPORT_URL, {"resource": "0", "format": file_format, **data})
    assert response.status_code == 200
    return response


def _csv_rows(response: HttpResponse) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _xlsx_rows(response: HttpResponse) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _history_counts() -> tuple[int, int, int]:
    return (
        Company.history.count(),
        CompanyCertification.history.count(),
        CompanyFramework.history.count(),
    )


# The preview ------------------------------------------------------------------------------------


def test_the_preview_shows_each_error_under_its_column_and_writes_nothing(
    staff_client: Client,
) -> None:
    bad = _row(
        website="ftp://corrie-cyber.example",
        companies_house_number="12AB",
        capabilities="penetration-testing; quantum-hacking",
        certifications="cyber-essentials | CE-1 | IASME",  # no expiry date
        employee_band="enormous",
    )
    before = (Company.objects.count(), _history_counts(), SearchChange.objects.count())

    preview = _preview(staff_client, _csv([bad]))

    errors = _errors(preview)[1]
    assert set(errors) == {
        "website",
        "companies_house_number",
        "capabilities",
        "certifications",
        "employee_band",
    }
    assert 'There is no capability "quantum-hacking"' in errors["capabilities"][0]
    assert errors["certifications"] == [
        "Cyber Essentials certificates expire: enter the expiry date."
    ]
    assert "Enter a Companies House number" in errors["companies_house_number"][0]
    page = preview.content.decode()
    assert "Nothing can be imported: 1 row with errors" in page
    assert "<strong>website</strong>: Enter a valid URL." in page
    assert "<strong>capabilities</strong>: There is no capability &quot;quantum-" in page
    assert "confirm_form" not in preview.context
    assert (Company.objects.count(), _history_counts(), SearchChange.objects.count()) == before


def test_a_clean_preview_writes_nothing_and_offers_the_confirmation(staff_client: Client) -> None:
    before = (Company.objects.count(), _history_counts(), SearchChange.objects.count())

    preview = _preview(staff_client, _csv([_row(), _second_row()]))

    assert preview.context["result"].totals["new"] == 2
    assert "confirm_form" in preview.context
    assert (Company.objects.count(), _history_counts(), SearchChange.objects.count()) == before


def test_model_rules_are_row_errors_naming_their_column(staff_client: Client) -> None:
    CompanyFactory(slug="taken", companies_house_number="SC111111")
    CompanyFactory(slug="skerry-data")
    rows = [
        _row(capabilities="penetration-testing; data-engineering"),  # outside its clusters
        _second_row(companies_house_number="SC111111"),  # found by slug, with taken's number
        _row(slug="third", companies_house_number="", clusters="", capabilities=""),
        _row(
            slug="fourth",
            companies_house_number="",
            certifications=f"cyber-essentials | CE-9 | IASME | {IN_2_YEARS}",  # too far away
            frameworks="nonsense-framework",
            region="atlantis",
            fair_work_first="maybe",
        ),
    ]

    errors = _errors(_preview(staff_client, _csv(rows)))

    assert (
        "belong to clusters the company is not in: Data engineering"
        in (errors[1]["capabilities"][0])
    )
    assert errors[2] == {
        "companies_house_number": ["Another company already has this Companies House number."]
    }
    assert errors[3] == {"clusters": ["Give at least one cluster."]}
    assert set(errors[4]) == {"certifications", "frameworks", "region", "fair_work_first"}
    assert "certificates last at most 12 months" in errors[4]["certifications"][0]


def test_the_same_company_twice_in_a_file_is_an_error(staff_client: Client) -> None:
    errors = _errors(_preview(staff_client, _csv([_row(), _row(name="Again")])))

    assert set(errors) == {2}
    assert set(errors[2]) == {"slug", "companies_house_number"}


def test_an_unknown_column_is_refused_before_any_row(staff_client: Client) -> None:
    preview = _preview(staff_client, _csv([{**_row(), "sumary": "A typo"}]))

    assert preview.context["result"].has_errors()
    page = preview.content.decode()
    assert "columns this import does not know: sumary" in page
    assert "Traceback" not in page
    assert "confirm_form" not in preview.context
    assert not Company.objects.exists()


# Importing --------------------------------------------------------------------------------------


def test_importing_creates_companies_with_their_parts_and_links(
    staff_client: Client, staff_user: object
) -> None:
    rows = [
        # Names in any case are read as well as slugs.
        _row(
            clusters="Cyber Security",
            capabilities="penetration testing; Incident response",
            sectors="LOCAL GOVERNMENT; health-and-social-care",
        ),
        _second_row(status="", slug=""),
    ]

    response = _import(staff_client, _csv(rows))

    assert "Import finished: 2 new, 0 updated" in response.content.decode()
    corrie = Company.objects.get(slug="corrie-cyber")
    assert (corrie.name, corrie.status, corrie.region, corrie.founded_year) == (
        "Corrie Cyber Example Ltd",
        Company.Status.PUBLISHED,
        Region.objects.get(slug="glasgow-city"),
        2016,
    )
    assert (corrie.companies_house_number, corrie.pays_real_living_wage) == ("SC654321", True)
    assert {c.slug for c in corrie.clusters.all()} == {"cyber-security"}
    assert {c.slug for c in corrie.capabilities.all()} == {
        "penetration-testing",
        "incident-response",
    }
    assert {s.slug for s in corrie.sectors.all()} == {"local-government", "health-and-social-care"}
    assert {
        (c.certification.slug, c.certificate_number, c.issuer, c.valid_until)
        for c in corrie.certifications.all()
    } == {
        ("cyber-essentials-plus", "CE-12345", "IASME", datetime.date.fromisoformat(IN_100_DAYS)),
        ("iso-27001", "2291", "BSI", None),
    }
    place = corrie.frameworks.get()
    assert (place.framework.slug, place.lot, place.valid_until.isoformat()) == (
        "sg-cyber-security-services",
        "Lot 2: Cyber security",
        IN_2_YEARS,
    )
    assert corrie.history.get().history_user == staff_user
    skerry = Company.objects.get(name="Skerry Data Example Ltd")
    assert (skerry.slug, skerry.status) == ("skerry-data-example-ltd", Company.Status.DRAFT)


def test_one_import_is_one_search_change(staff_client: Client) -> None:
    before = SearchChange.objects.count()

    _import(staff_client, _csv([_row(), _second_row()]))

    assert SearchChange.objects.count() == before + 1
    change = SearchChange.objects.latest("version")
    assert sorted(change.company_ids) == sorted(Company.objects.values_list("pk", flat=True))


def test_importing_the_same_file_again_changes_nothing(staff_client: Client) -> None:
    content = _csv([_row(), _second_row()])
    _import(staff_client, content)
    before = (
        _history_counts(),
        SearchChange.objects.count(),
        dict(Company.objects.values_list("slug", "updated_at")),
    )

    preview = _preview(staff_client, content)
    response = _confirm(staff_client, preview)

    assert preview.context["result"].totals["skip"] == 2
    assert "0 new, 0 updated, 0 deleted and 2 skipped" in response.content.decode()
    after = (
        _history_counts(),
        SearchChange.objects.count(),
        dict(Company.objects.values_list("slug", "updated_at")),
    )
    assert after == before


def test_a_changed_part_alone_updates_the_company(staff_client: Client) -> None:
    _import(staff_client, _csv([_row()]))
    certification_records = CompanyCertification.history.count()

    changed = _row(certifications=f"cyber-essentials-plus | CE-99999 | IASME | {IN_100_DAYS}")
    response = _import(staff_client, _csv([changed]))

    assert "0 new, 1 updated" in response.content.decode()
    corrie = Company.objects.get(slug="corrie-cyber")
    assert [c.certificate_number for c in corrie.certifications.all()] == ["CE-99999"]
    # The certificate number changed and ISO 27001 was dropped: two records, nothing else.
    assert CompanyCertification.history.count() == certification_records + 2


def test_a_row_is_matched_by_companies_house_number_when_its_slug_differs(
    staff_client: Client,
) -> None:
    existing = CompanyFactory(slug="old-name", companies_house_number="SC654321")

    response = _import(staff_client, _csv([_row(slug="corrie-cyber")]))

    assert "0 new, 1 updated" in response.content.decode()
    existing.refresh_from_db()
    assert (existing.slug, existing.name) == ("corrie-cyber", "Corrie Cyber Example Ltd")
    assert Company.objects.count() == 1


def test_a_row_without_a_slug_keeps_the_companys_own(staff_client: Client) -> None:
    existing = CompanyFactory(slug="kept", companies_house_number="SC654321")

    _import(staff_client, _csv([_row(slug="", summary="Changed by the import.")]))

    existing.refresh_from_db()
    assert (existing.slug, existing.summary) == ("kept", "Changed by the import.")


def test_one_bad_row_among_good_ones_imports_nothing(staff_client: Client) -> None:
    rows = [_row(), _second_row(capabilities="penetration-testing"), _row(slug="x", name="X")]

    preview = _preview(staff_client, _csv(rows))

    assert set(_errors(preview)) == {2, 3}
    assert "confirm_form" not in preview.context
    assert not Company.objects.exists()


def test_a_file_that_fails_at_confirmation_imports_nothing(staff_client: Client) -> None:
    preview = _preview(staff_client, _csv([_row(), _second_row(sectors="housing")]))
    # Between the preview and the confirmation, staff delete a sector the second row names.
    Sector.objects.filter(slug="housing").delete()
    before = (_history_counts(), SearchChange.objects.count())

    response = _confirm(staff_client, preview)

    assert "Nothing was imported" in response.content.decode()
    assert not Company.objects.exists()
    assert (_history_counts(), SearchChange.objects.count()) == before


def test_an_expired_upload_is_a_message_not_an_error_page(staff_client: Client) -> None:
    response = staff_client.post(
        CONFIRM_URL,
        {"import_file_name": "gone", "original_file_name": "a.csv", "format": CSV_FORMAT},
        follow=True,
    )

    assert response.status_code == 200
    assert "The uploaded file has expired" in response.content.decode()


@pytest.mark.parametrize("field", ["format", "resource"])
def test_a_tampered_confirmation_is_refused(staff_client: Client, field: str) -> None:
    preview = _preview(staff_client, _csv([_row()]))
    data = {**preview.context["confirm_form"].initial, field: "7"}

    assert staff_client.post(CONFIRM_URL, data).status_code == 400
    assert not Company.objects.exists()


def test_an_xlsx_file_imports_too(staff_client: Client) -> None:
    # Spreadsheets store numbers as numbers: a year, and a number that lost its leading zero.
    rows = [_row(founded_year=2016, companies_house_number=1234567)]  # type: ignore[arg-type]

    _import(staff_client, _xlsx(rows), XLSX_FORMAT)

    corrie = Company.objects.get(slug="corrie-cyber")
    assert (corrie.founded_year, corrie.companies_house_number) == (2016, "01234567")
    assert corrie.certifications.count() == 2


def test_the_sample_file_imports_cleanly(staff_client: Client) -> None:
    preview = _preview(staff_client, SAMPLE.read_bytes())

    assert _errors(preview) == {}
    rows = preview.context["result"].totals["new"]
    assert rows >= 3
    _confirm(staff_client, preview)
    assert Company.objects.count() == rows


# Exporting --------------------------------------------------------------------------------------


@pytest.fixture
def exported_company(staff_client: Client) -> Company:
    """A company with every column filled, and text a spreadsheet would take for formulas."""
    _import(staff_client, _csv([_row()]))
    company = Company.objects.get(slug="corrie-cyber")
    company.summary = '=HYPERLINK("https://attacker.example","Click")'
    company.contact_phone = "+44 141 496 0000"
    company.town = "@Glasgow"
    company.description = "First line.\r\nSecond line."
    company.save()
    return company


def test_export_csv_holds_every_column(staff_client: Client, exported_company: Company) -> None:
    [row] = _csv_rows(_export(staff_client, CSV_FORMAT))

    assert list(row) == list(COLUMNS)
    assert row["clusters"] == "cyber-security"
    assert row["capabilities"] == "penetration-testing; incident-response"
    assert row["certifications"] == (
        f"cyber-essentials-plus | CE-12345 | IASME | {IN_100_DAYS}; iso-27001 | 2291 | BSI"
    )
    assert row["frameworks"] == f"sg-cyber-security-services | Lot 2: Cyber security | {IN_2_YEARS}"
    assert (row["region"], row["founded_year"], row["pays_real_living_wage"]) == (
        "glasgow-city",
        "2016",
        "yes",
    )


def test_export_escapes_what_a_spreadsheet_would_run(
    staff_client: Client, exported_company: Company
) -> None:
    [row] = _csv_rows(_export(staff_client, CSV_FORMAT))
    [cells] = _xlsx_rows(_export(staff_client, XLSX_FORMAT))

    for exported in (row, cells):
        assert exported["summary"] == "'" + exported_company.summary
        assert exported["contact_phone"] == "'+44 141 496 0000"
        assert exported["town"] == "'@Glasgow"
    sheet = openpyxl.load_workbook(io.BytesIO(_export(staff_client, XLSX_FORMAT).content)).active
    assert {cell.data_type for cell in sheet[2]} == {"s"}  # text, never a formula


def test_export_escapes_a_formula_after_leading_blanks(
    staff_client: Client, exported_company: Company
) -> None:
    # A spreadsheet that trims spaces (or no-break spaces, or tabs) before a cell runs these.
    exported_company.contact_name = " =10*10"
    exported_company.description = "\u00a0\t-2+3 people"
    exported_company.save()
    [row] = _csv_rows(_export(staff_client, CSV_FORMAT))
    [cells] = _xlsx_rows(_export(staff_client, XLSX_FORMAT))

    for exported in (row, cells):
        assert exported["contact_name"] == "' =10*10"
        assert exported["description"] == "'\u00a0\t-2+3 people"


@pytest.mark.parametrize("file_format", [CSV_FORMAT, XLSX_FORMAT], ids=["csv", "xlsx"])
def test_an_exported_file_imports_back_without_a_change(
    staff_client: Client, exported_company: Company, file_format: str
) -> None:
    exported = _export(staff_client, file_format).content
    before = (_history_counts(), SearchChange.objects.count())

    preview = _preview(staff_client, exported, file_format)
    _confirm(staff_client, preview)

    assert preview.context["result"].totals["skip"] == 1
    assert (_history_counts(), SearchChange.objects.count()) == before
    company = Company.objects.get(pk=exported_company.pk)
    assert company.summary == exported_company.summary
    assert company.updated_at == exported_company.updated_at


# Django 6.1 turns off the change form's actions for an override with the old signature.
@pytest.mark.filterwarnings("error::django.utils.deprecation.RemovedInDjango2028Warning")
def test_export_selected_exports_only_the_chosen_companies(staff_client: Client) -> None:
    chosen, other = CompanyFactory(slug="chosen"), CompanyFactory(slug="other")

    form = staff_client.post(
        CHANGELIST_URL, {"action": "export_admin_action", "_selected_action": [chosen.pk]}
    )
    assert form.status_code == 200
    assert form.context["form"].initial["export_items"] == [chosen.pk]
    rows = _csv_rows(_export(staff_client, CSV_FORMAT, export_items=[chosen.pk]))
    workbook = _xlsx_rows(_export(staff_client, XLSX_FORMAT, export_items=[chosen.pk]))

    assert [row["slug"] for row in rows] == ["chosen"]
    assert [row["slug"] for row in workbook] == ["chosen"]
    assert other.slug not in {row["slug"] for row in rows}


def _companies_with_everything(count: int) -> None:
    cyber = Cluster.objects.get(slug="cyber-security")
    capabilities = list(Capability.objects.filter(cluster=cyber)[:2])
    sectors = list(Sector.objects.all()[:2])
    certification = Certification.objects.get(slug="iso-27001")
    framework = Framework.objects.get(slug="ccs-g-cloud-14")
    for _ in range(count):
        company = CompanyFactory(clusters=[cyber], capabilities=capabilities, sectors=sectors)
        CompanyCertificationFactory(company=company, certification=certification)
        CompanyFramework.objects.create(company=company, framework=framework, lot="Lot 1")


def test_export_queries_do_not_grow_with_rows(
    staff_client: Client, django_assert_max_num_queries: object
) -> None:
    _companies_with_everything(2)
    with CaptureQueriesContext(connection) as two_rows:
        _export(staff_client, CSV_FORMAT)
    _companies_with_everything(10)

    with django_assert_max_num_queries(len(two_rows)):  # type: ignore[operator]
        response = _export(staff_client, CSV_FORMAT)

    assert len(_csv_rows(response)) == 12
    # Signing in, the list's filter options, a count, the page, one query per list column, and
    # the staff session's save (its idle timeout starts again with each request).
    assert len(two_rows) <= 16


# Permissions ------------------------------------------------------------------------------------


def test_importing_needs_the_add_permission_and_exporting_the_view_one(client: Client) -> None:
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_company"))
    add_authenticator_app(viewer)
    client.force_login(viewer)
    pass_second_step(client, viewer)

    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(EXPORT_URL).status_code == 200
