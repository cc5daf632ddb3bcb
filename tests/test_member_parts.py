"""Certifications, frameworks and case studies: added, changed, removed and ordered by members."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clusters.models import Certification, Framework
from members.models import CaseStudy, Company, CompanyCertification, CompanyFramework, add_months
from members.services import company_save, company_version
from tests.factories import CaseStudyFactory, CertificationFactory, FrameworkFactory
from tests.forms_as_sent import form_as_sent
from tests.search_data import search

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int, initial: int) -> dict[str, Any]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.fixture
def cyber_essentials(db: None) -> Certification:
    return CertificationFactory(
        name="Cyber Essentials", slug="cyber-essentials", valid_for_months=12
    )


def post_certificate(
    client: Client, company: Company, certification: Certification, valid_until: str
) -> Any:
    company.refresh_from_db()
    data = {
        "version": company_version(company),
        **management("certifications", 1, 0),
        "certifications-0-certification": certification.pk,
        "certifications-0-certificate_number": "CE-123456",
        "certifications-0-issuer": "A fictional certification body",
        "certifications-0-valid_until": valid_until,
    }
    return client.post(reverse("area:certifications", args=[company.slug]), data)


def test_a_certificate_is_added_and_buyers_can_filter_by_it(
    member_client: Client, member_company: Company, cyber_essentials: Certification
) -> None:
    expiry = timezone.localdate() + datetime.timedelta(days=200)
    response = post_certificate(member_client, member_company, cyber_essentials, expiry.isoformat())
    assert response.status_code == 302
    held = CompanyCertification.objects.get(company=member_company)
    assert (held.certificate_number, held.valid_until) == ("CE-123456", expiry)
    assert search(certification=["cyber-essentials"]).total == 1


@pytest.mark.parametrize("valid_until", ["", "later"])
def test_cyber_essentials_needs_an_expiry_within_twelve_months(
    member_client: Client,
    member_company: Company,
    cyber_essentials: Certification,
    valid_until: str,
) -> None:
    if valid_until == "later":
        too_late = add_months(timezone.localdate(), 12) + datetime.timedelta(days=1)
        valid_until = too_late.isoformat()
    response = post_certificate(member_client, member_company, cyber_essentials, valid_until)
    assert response.status_code == 200
    assert "Cyber Essentials certificates" in response.text
    assert not CompanyCertification.objects.filter(company=member_company).exists()


def test_other_certificates_may_have_no_expiry(
    member_client: Client, member_company: Company
) -> None:
    iso = CertificationFactory(name="ISO 9001", slug="iso-9001")
    assert post_certificate(member_client, member_company, iso, "").status_code == 302
    assert CompanyCertification.objects.get(company=member_company).valid_until is None


def test_a_framework_place_is_added_with_its_lot(
    member_client: Client, member_company: Company
) -> None:
    framework: Framework = FrameworkFactory(name="Digital Services", slug="digital-services")
    data = {
        "version": company_version(member_company),
        **management("frameworks", 1, 0),
        "frameworks-0-framework": framework.pk,
        "frameworks-0-lot": "Lot 2: Cyber security",
        "frameworks-0-valid_until": "2029-03-31",
    }
    response = member_client.post(reverse("area:frameworks", args=[member_company.slug]), data)
    assert response.status_code == 302
    place = CompanyFramework.objects.get(company=member_company)
    assert place.lot == "Lot 2: Cyber security"


def case_study_form(prefix: int, study: CaseStudy | None, **values: Any) -> dict[str, Any]:
    base = {
        "id": study.pk if study else "",
        "title": study.title if study else "",
        "client": study.client if study else "",
        "summary": study.summary if study else "",
        "year": study.year if study and study.year else "",
        "ORDER": "",
    }
    base.update(values)
    return {f"case_studies-{prefix}-{key}": value for key, value in base.items()}


def test_case_studies_are_added_removed_and_reordered_in_one_save(
    member_client: Client, member_company: Company
) -> None:
    first = CaseStudyFactory(company=member_company, title="First study", position=0)
    second = CaseStudyFactory(company=member_company, title="Second study", position=1)
    gone = CaseStudyFactory(company=member_company, title="Old study", position=2)
    member_company.refresh_from_db()
    data = {
        "version": company_version(member_company),
        **management("case_studies", 4, 3),
        **case_study_form(0, first, ORDER="2"),
        **case_study_form(1, second, ORDER="1"),
        **case_study_form(2, gone, DELETE="on"),
        **case_study_form(
            3,
            None,
            title="Harbour ticketing pilot",
            client="A fictional ferry operator",
            summary="Smartcards on three routes.",
            year="2025",
            ORDER="3",
        ),
    }
    response = member_client.post(reverse("area:case_studies", args=[member_company.slug]), data)
    assert response.status_code == 302
    titles = list(member_company.case_studies.order_by("position").values_list("title", flat=True))
    assert titles == ["Second study", "First study", "Harbour ticketing pilot"]
    assert search("harbour").total == 1


def test_a_parts_save_after_someone_else_saved_is_refused(
    member_client: Client, member_company: Company, cyber_essentials: Certification
) -> None:
    stale_version = company_version(member_company)
    member_company.summary = "Changed by a colleague in the meantime."
    company_save(company=member_company)
    expiry = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    data = {
        "version": stale_version,
        **management("certifications", 1, 0),
        "certifications-0-certification": cyber_essentials.pk,
        "certifications-0-valid_until": expiry,
    }
    response = member_client.post(reverse("area:certifications", args=[member_company.slug]), data)
    assert response.status_code == 200
    assert "Someone else saved this company while you were editing" in response.text
    assert f'value="{expiry}"' in response.text
    assert not CompanyCertification.objects.filter(company=member_company).exists()


def test_a_bad_date_is_a_form_error_not_a_crash(
    member_client: Client, member_company: Company, cyber_essentials: Certification
) -> None:
    response = post_certificate(member_client, member_company, cyber_essentials, "31/02/2026")
    assert response.status_code == 200
    assert "Enter a valid date." in response.text


def test_saving_the_form_as_shown_keeps_every_date(
    member_client: Client, member_company: Company, cyber_essentials: Certification
) -> None:
    """What the page shows is what it sends back: a date field shown empty would be cleared."""
    expiry = timezone.localdate() + datetime.timedelta(days=200)
    CompanyCertification.objects.create(
        company=member_company, certification=cyber_essentials, valid_until=expiry
    )
    url = reverse("area:certifications", args=[member_company.slug])
    page = member_client.get(url).content.decode()
    assert f'value="{expiry.isoformat()}"' in page
    response = member_client.post(url, form_as_sent(page))
    assert response.status_code == 302
    assert CompanyCertification.objects.get().valid_until == expiry
