"""Members keep their profile: what they save is what buyers see, within the rules."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from members import services
from members.completeness import completeness
from members.models import Company, CompanyMembership, User
from members.services import company_save, company_version
from tests.factories import (
    CapabilityFactory,
    CaseStudyFactory,
    CertificationFactory,
    ClusterFactory,
    CompanyCertificationFactory,
    CompanyFactory,
    UserFactory,
)
from tests.forms_as_sent import form_as_sent
from tests.mfa import pass_second_step
from tests.search_data import search

pytestmark = pytest.mark.django_db


def profile_data(company: Company, **changes: Any) -> dict[str, Any]:
    """The profile form as the page sends it, with some fields changed."""
    company.refresh_from_db()
    data: dict[str, Any] = {
        "version": company_version(company),
        "name": company.name,
        "summary": company.summary,
        "description": company.description,
        "website": company.website,
        "contact_name": company.contact_name,
        "contact_email": company.contact_email,
        "contact_phone": company.contact_phone,
        "town": company.town,
        "postcode": company.postcode,
        "region": company.region_id or "",
        "founded_year": company.founded_year or "",
        "employee_band": company.employee_band,
        "companies_house_number": company.companies_house_number,
        "clusters": [c.pk for c in company.clusters.all()],
        "capabilities": [c.pk for c in company.capabilities.all()],
        "sectors": [s.pk for s in company.sectors.all()],
    }
    data.update(changes)
    return data


def url(company: Company) -> str:
    return reverse("area:profile", args=[company.slug])


def test_a_saved_profile_is_what_buyers_find_at_once(
    member_client: Client, member_company: Company
) -> None:
    search()  # the index is warm: it must follow the save, not be rebuilt
    data = profile_data(member_company, summary="Ransomware drills for fictional health boards.")
    response = member_client.post(url(member_company), data)
    assert response.status_code == 302
    public = member_client.get(member_company.get_absolute_url()).text
    assert "Ransomware drills for fictional health boards." in public
    assert search("drills").total == 1


def test_capabilities_outside_the_chosen_clusters_are_refused(
    member_client: Client, member_company: Company
) -> None:
    other = CapabilityFactory(cluster=ClusterFactory(name="FinTech"), name="Open banking")
    data = profile_data(member_company, summary="Changed but not saved.")
    data["capabilities"] = [*data["capabilities"], other.pk]
    response = member_client.post(url(member_company), data)
    assert response.status_code == 200
    assert "These capabilities belong to clusters the company is not in" in response.text
    assert "Open banking (FinTech)" in response.text
    assert "Changed but not saved." in response.text  # the input stays on the form
    member_company.refresh_from_db()
    assert member_company.summary != "Changed but not saved."


def test_capabilities_are_grouped_under_their_clusters(
    member_client: Client, member_company: Company
) -> None:
    html = member_client.get(url(member_company)).text
    assert '<fieldset class="checkbox-group__cluster">' in html
    assert "<legend>Cyber Security</legend>" in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", Company.Status.ARCHIVED),
        ("slug", "taken-over"),
        ("last_verified_at", "2020-01-01 10:00"),
        ("applicant_email", "attacker@evil.example"),
        ("possible_duplicate_of", "1"),
    ],
)
def test_staff_only_fields_cannot_be_set_by_adding_them_to_the_post(
    member_client: Client, member_company: Company, field: str, value: str
) -> None:
    before = Company.objects.values(field).get(pk=member_company.pk)
    response = member_client.post(
        url(member_company), profile_data(member_company, **{field: value})
    )
    assert response.status_code == 302
    assert Company.objects.values(field).get(pk=member_company.pk) == before


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(1)", "ftp://files.example", "data:text/html,x", "mailto:a@b.example"],
)
def test_websites_must_be_http_or_https(
    member_client: Client, member_company: Company, website: str
) -> None:
    response = member_client.post(
        url(member_company), profile_data(member_company, website=website)
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.text
    member_company.refresh_from_db()
    assert member_company.website != website


def test_a_second_save_after_someone_else_saved_is_refused_and_keeps_the_input(
    client: Client, member_company: Company, member: User
) -> None:
    opened = profile_data(member_company, summary="My careful new summary of what we do well.")
    # Meanwhile a colleague saves the profile.
    member_company.description = "A colleague's new description."
    company_save(company=member_company)
    client.force_login(member)
    response = client.post(url(member_company), opened)
    assert response.status_code == 200
    html = response.text
    assert "Someone else saved this company while you were editing" in html
    assert "description" in html  # what changed
    assert "My careful new summary of what we do well." in html  # the input stays
    member_company.refresh_from_db()
    assert member_company.description == "A colleague's new description."
    assert member_company.summary != "My careful new summary of what we do well."


def test_every_change_is_recorded_with_who_made_it(
    member_client: Client, member_company: Company, member: User
) -> None:
    member_client.post(url(member_company), profile_data(member_company, town="Stirling"))
    record = member_company.history.latest()
    assert record.town == "Stirling"
    assert record.history_user == member


def test_member_text_is_escaped_on_the_profile_and_in_results(
    member_client: Client, member_company: Company
) -> None:
    hostile = '<script>alert("x")</script> & friends'
    member_client.post(url(member_company), profile_data(member_company, summary=hostile))
    for page in (member_company.get_absolute_url(), "/companies/", "/"):
        html = member_client.get(page).text
        assert "<script>alert" not in html, page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; friends" in html, page


def test_confirming_records_the_date_buyers_see(
    member_client: Client, member_company: Company
) -> None:
    response = member_client.post(reverse("area:confirm", args=[member_company.slug]))
    assert response.status_code == 302
    member_company.refresh_from_db()
    assert member_company.last_confirmed_at is not None
    public = member_client.get(member_company.get_absolute_url()).text
    assert "Last confirmed as current by the company on" in public


def test_confirm_only_answers_post(member_client: Client, member_company: Company) -> None:
    assert member_client.get(reverse("area:confirm", args=[member_company.slug])).status_code == 405


def test_the_dashboard_lists_what_is_missing(
    member_client: Client, member_company: Company
) -> None:
    html = member_client.get(reverse("area:dashboard")).text
    assert "Add a case study" in html
    assert "% complete" in html


def test_completeness_names_lapsing_certificates_and_an_old_confirmation(
    member_company: Company,
) -> None:
    today = timezone.localdate()
    CompanyCertificationFactory(
        company=member_company,
        certification=CertificationFactory(name="Cyber Essentials", slug="cyber-essentials"),
        valid_until=today + datetime.timedelta(days=20),
    )
    member_company.last_confirmed_at = timezone.now() - datetime.timedelta(days=400)
    member_company.save()
    checks = {check.label: check for check in completeness(member_company).checks}
    lapsing = checks["Certificates current for at least 60 more days"]
    assert not lapsing.done
    assert f"Cyber Essentials (expires {today + datetime.timedelta(days=20):%-d %B %Y})" in (
        lapsing.fix
    )
    assert not checks["Confirmed as correct in the last 12 months"].done

    services.company_confirm(company=member_company)
    CaseStudyFactory(company=member_company)
    result = completeness(Company.objects.get(pk=member_company.pk))
    assert [check.label for check in result.missing] == [
        "A summary of at least 80 characters",  # the fixture's is 75
        "Certificates current for at least 60 more days",
    ]
    assert result.score == 60


def test_the_dashboard_reads_a_fixed_number_of_queries_however_many_companies(
    member_client: Client, member: User, django_assert_max_num_queries: Any
) -> None:
    def add_company(number: int) -> None:
        company = CompanyFactory(slug=f"also-mine-{number}")
        CaseStudyFactory(company=company)
        CompanyCertificationFactory(company=company)
        CompanyMembership.objects.create(user=member, company=company, role="editor")

    add_company(1)
    with CaptureQueriesContext(connection) as one:
        member_client.get(reverse("area:dashboard"))
    for number in range(2, 7):
        add_company(number)
    with django_assert_max_num_queries(len(one)):
        html = member_client.get(reverse("area:dashboard")).text
    assert html.count("% complete") == 7


def test_saving_the_profile_as_shown_changes_nothing(
    client: Client, company_with_profile: Company
) -> None:
    owner = UserFactory(email="owner@heather-data.example")
    CompanyMembership.objects.create(user=owner, company=company_with_profile, role="owner")
    client.force_login(owner)
    before = Company.objects.get(pk=company_with_profile.pk)
    page = client.get(url(company_with_profile)).content.decode()
    assert client.post(url(company_with_profile), form_as_sent(page)).status_code == 302
    after = Company.objects.get(pk=company_with_profile.pk)
    for field in ["name", "summary", "description", "website", "region_id", "employee_band"]:
        assert getattr(after, field) == getattr(before, field), field
    assert set(after.capabilities.all()) == set(before.capabilities.all())
    assert set(after.sectors.all()) == set(before.sectors.all())
    assert after.fair_work_first and after.pays_real_living_wage


HOSTILE = '<img src=x onerror="alert(1)">'


def test_member_text_is_escaped_in_snippets_the_admin_and_the_csv(
    member_client: Client, member_company: Company, staff_user: User
) -> None:
    description = f"We audit quixotic ticketing back offices {HOSTILE} for councils."
    response = member_client.post(
        url(member_company),
        profile_data(member_company, name=f"=HYPERLINK(1) {HOSTILE}", description=description),
    )
    assert response.status_code == 302
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"

    results = member_client.get("/companies/?q=quixotic").text
    assert "<img src=x" not in results
    snippet = results.split('class="company-card__snippet"', 1)[1].split("</p>", 1)[0]
    assert "<mark>quixotic</mark>" in snippet.lower()
    # The only tags are the highlight's own (PostgreSQL's parser drops the tag's text; the
    # plain-text engine keeps it, escaped).
    assert set(re.findall(r"</?(\w+)", snippet)) <= {"mark", "span"}
    assert escaped in results.split("company-card__snippet")[0]  # the name, on the card

    admin = Client()
    admin.force_login(staff_user)
    pass_second_step(admin, staff_user)  # staff need the second factor for the admin
    for page in (
        reverse("admin:members_company_changelist"),
        reverse("admin:members_company_change", args=[member_company.pk]),
        reverse("admin:members_company_history", args=[member_company.pk]),
    ):
        html = admin.get(page).text
        assert "<img src=x" not in html, page
        assert escaped in html, page

    export = member_client.get("/companies/export.csv")
    csv = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    assert "\n=HYPERLINK" not in csv and ",=HYPERLINK" not in csv
    assert "'=HYPERLINK(1)" in csv  # shown as text by a spreadsheet, never run


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png(size: int = 900) -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (size, size // 2), "teal").save(output, "PNG")
    return SimpleUploadedFile("our logo.png", output.getvalue(), content_type="image/png")


def test_a_member_uploads_a_logo_re_encoded_and_buyers_see_it(
    member_client: Client, member_company: Company, media_root: Any
) -> None:
    data = profile_data(member_company) | {"logo": png()}
    assert member_client.post(url(member_company), data).status_code == 302
    member_company.refresh_from_db()
    assert member_company.logo.name.startswith("logos/")
    assert "our logo" not in member_company.logo.name  # a random name, not the upload's
    with Image.open(member_company.logo.path) as stored:
        assert stored.size == (512, 256)  # fitted for display
    assert member_company.logo.url in member_client.get(member_company.get_absolute_url()).text


def test_an_svg_logo_is_refused_with_a_message_and_the_old_logo_stays(
    member_client: Client, member_company: Company, media_root: Any
) -> None:
    member_client.post(url(member_company), profile_data(member_company) | {"logo": png()})
    member_company.refresh_from_db()
    before = member_company.logo.name
    svg = SimpleUploadedFile(
        "logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    data = profile_data(member_company, summary="A change that must not be lost.")
    response = member_client.post(url(member_company), data | {"logo": svg})
    assert response.status_code == 200
    assert "SVG" in response.text
    assert "A change that must not be lost." in response.text  # the rest of the input is kept
    member_company.refresh_from_db()
    assert member_company.logo.name == before
    assert (media_root / before).exists()


def test_a_member_removes_the_logo(
    member_client: Client, member_company: Company, media_root: Any
) -> None:
    member_client.post(url(member_company), profile_data(member_company) | {"logo": png()})
    page = member_client.get(url(member_company)).text
    assert 'alt="The current image"' in page
    assert '<label for="logo-clear_id">Remove the current image</label>' in page
    response = member_client.post(
        url(member_company), profile_data(member_company) | {"logo-clear": "on"}
    )
    assert response.status_code == 302
    member_company.refresh_from_db()
    assert not member_company.logo
