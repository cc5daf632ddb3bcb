"""Buyers can check a certificate on the certifier's public register, from a profile or the
shortlist; staff keep each certification's register address (https only)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from clusters import reference_data
from clusters.models import Certification
from clusters.taxonomy import load_taxonomy
from members.models import Company
from tests.factories import CertificationFactory, CompanyCertificationFactory, CompanyFactory
from tests.forms_as_sent import form_as_sent

pytestmark = pytest.mark.django_db

REGISTER = "https://register.example/search/"


@pytest.fixture
def holder(db: None) -> Company:
    company = CompanyFactory(name="Kestrel Cyber Example Ltd", slug="kestrel")
    CompanyCertificationFactory(
        company=company,
        certification=CertificationFactory(name="Cyber Essentials", register_url=REGISTER),
        certificate_number="CE-0042",
    )
    CompanyCertificationFactory(
        company=company, certification=CertificationFactory(name="In-house Badge")
    )
    return company


def register_links(html: str) -> list[str]:
    return re.findall(r'<a class="register-link[^"]*" href="([^"]+)">(.*?)</a>', html)


def test_profile_links_to_the_register_naming_certificate_and_company(
    client: Client, holder: Company
) -> None:
    html = client.get(holder.get_absolute_url()).content.decode()
    ((href, name),) = register_links(html)  # none for the certification without a register
    assert href == REGISTER
    assert name == (
        'Check this certificate<span class="visually-hidden"> (Cyber Essentials held by '
        "Kestrel Cyber Example Ltd) on the public register</span>"
    )
    assert "search for certificate number CE-0042" in html


def test_the_register_opens_in_the_same_tab(client: Client, holder: Company) -> None:
    html = client.get(holder.get_absolute_url()).content.decode()
    link = re.search(r'<a class="register-link[^>]*>', html)
    assert link is not None
    assert "target=" not in link.group(0)


def test_the_shortlist_links_to_the_register(client: Client, holder: Company) -> None:
    client.post(f"/shortlist/add/{holder.slug}/")
    html = client.get("/shortlist/").content.decode()
    assert [href for href, _ in register_links(html)] == [REGISTER]


def test_staff_set_the_register_in_the_admin(staff_client: Client) -> None:
    certification = CertificationFactory(name="ISO 9001", slug="iso-9001-test")
    url = reverse("admin:clusters_certification_change", args=[certification.pk])
    data = form_as_sent(staff_client.get(url).content.decode())
    data["register_url"] = ["https://certcheck.ukas.com/"]
    assert staff_client.post(url, data).status_code == 302
    certification.refresh_from_db()
    assert certification.register_url == "https://certcheck.ukas.com/"


def test_a_register_address_must_be_https(staff_client: Client) -> None:
    certification = CertificationFactory(name="ISO 14001", slug="iso-14001-test")
    url = reverse("admin:clusters_certification_change", args=[certification.pk])
    data = form_as_sent(staff_client.get(url).content.decode())
    data["register_url"] = ["http://register.example/"]
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    certification.refresh_from_db()
    assert certification.register_url == ""


def test_loading_the_taxonomy_sets_the_well_known_registers() -> None:
    load_taxonomy()
    registers = dict(Certification.objects.values_list("slug", "register_url"))
    assert registers["cyber-essentials"] == reference_data.IASME_CERTIFICATE_SEARCH
    assert registers["crest"] == reference_data.CREST_MEMBERS
    assert registers["iso-27001"] == reference_data.UKAS_CERTCHECK
    assert registers["soc-2-type-ii"] == ""  # no public register we are sure of


def test_loading_the_taxonomy_again_keeps_what_staff_typed() -> None:
    load_taxonomy()
    Certification.objects.filter(slug="crest").update(register_url="https://staff.example/")
    load_taxonomy()
    assert Certification.objects.get(slug="crest").register_url == "https://staff.example/"


def test_every_shipped_register_is_https() -> None:
    for cert in reference_data.CERTIFICATIONS:
        assert cert.register_url == "" or cert.register_url.startswith("https://"), cert.slug
