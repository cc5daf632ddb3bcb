"""manage.py seed_demo: the reference taxonomy and about sixty fictional companies, idempotently.

A reload of the taxonomy creates what is missing and never undoes what staff did since."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from members.demo import words as bank
from members.demo.composer import ANCHOR, capability_phrase, expires_after, fit_chance
from members.models import (
    COMPANIES_HOUSE_PATTERN,
    VERIFICATION_FRESH_FOR,
    CaseStudy,
    Company,
    CompanyCertification,
    CompanyFramework,
    User,
)
from members.services import taxonomy_item_delete, taxonomy_item_save

RESERVED_DOMAINS = (".example", ".test")
# Ofcom's ranges for drama: 0113/0114/0115/0116/0117/0118/0121/0131/0141/0151/0161/0191 496 0xxx,
# 020 7946 0xxx, 01632 960xxx and 07700 900xxx.
DRAMA_PHONE = re.compile(
    r"^(01(1[3-8]|21|31|41|51|61) 496 0\d{3}|0191 498 0\d{3}|020 7946 0\d{3}"
    r"|01632 960\d{3}|07700 900\d{3})$"
)
SNAPSHOT_MODELS = (
    Cluster,
    Capability,
    Region,
    Certification,
    Framework,
    Sector,
    Company,
    CaseStudy,
    CompanyCertification,
    CompanyFramework,
    Company.history.model,
    CaseStudy.history.model,
    CompanyCertification.history.model,
    CompanyFramework.history.model,
    Company.clusters.through,
    Company.capabilities.through,
    Company.sectors.through,
)


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """Seed once for the read-only tests of a class, and roll it all back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def snapshot() -> dict[str, list[dict[str, object]]]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values()) for model in SNAPSHOT_MODELS
    }


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("demo")
class TestDemoContent:
    """What one load of the demo data contains (seeded once for the class: it is slow-ish)."""

    def test_five_clusters_each_with_six_to_twelve_capabilities(self) -> None:
        counts = {c.slug: c.capabilities.count() for c in Cluster.objects.all()}
        assert set(counts) == {
            "smart-ticketing-and-transport",
            "cyber-security",
            "data",
            "traveltech",
            "fintech",
        }
        assert all(6 <= n <= 12 for n in counts.values()), counts

    def test_reference_lists_are_loaded(self) -> None:
        assert Region.objects.filter(is_scottish=False).count() == 2
        assert Region.objects.filter(is_scottish=True).count() >= 12
        assert Certification.objects.filter(slug="cyber-essentials-plus").exists()
        assert Framework.objects.exclude(owner="").count() == Framework.objects.count() > 0
        assert Sector.objects.filter(slug="health-and-social-care").exists()

    def test_about_sixty_companies_across_every_cluster_region_and_band(self) -> None:
        assert 55 <= Company.objects.count() <= 65
        used = Company.objects.values_list
        assert set(used("clusters", flat=True)) == set(Cluster.objects.values_list("pk", flat=True))
        assert set(used("region", flat=True)) == set(Region.objects.values_list("pk", flat=True))
        assert set(used("employee_band", flat=True)) == set(Company.EmployeeBand.values)
        assert sum(c.is_sme for c in Company.objects.all()) > Company.objects.count() * 0.75

    def test_some_companies_work_in_two_clusters(self) -> None:
        assert any(c.clusters.count() == 2 for c in Company.objects.all())

    def test_every_capability_lies_in_one_of_the_companys_clusters(self) -> None:
        for company in Company.objects.prefetch_related("clusters", "capabilities"):
            capabilities = list(company.capabilities.all())
            assert 3 <= len(capabilities) <= 8, company
            assert not Company.capabilities_outside(company.clusters.all(), capabilities), company

    def test_websites_and_emails_use_reserved_domains(self) -> None:
        for website, email in Company.objects.values_list("website", "contact_email"):
            assert host_of(website).endswith(RESERVED_DOMAINS), website
            assert email.rsplit("@", 1)[1].endswith(RESERVED_DOMAINS), email

    def test_phone_numbers_are_in_ofcom_drama_ranges(self) -> None:
        for phone in Company.objects.values_list("contact_phone", flat=True):
            assert DRAMA_PHONE.match(phone), phone

    def test_companies_house_numbers_are_valid_and_unique(self) -> None:
        numbers = [n for n in Company.objects.values_list("companies_house_number", flat=True) if n]
        assert numbers
        assert all(re.match(COMPANIES_HOUSE_PATTERN, n) for n in numbers)
        assert len(numbers) == len(set(numbers))

    def test_some_certifications_are_expired_some_current_some_open_ended(self) -> None:
        today = timezone.localdate()
        certifications = CompanyCertification.objects.all()
        assert certifications.filter(valid_until__lt=today).exists()
        assert certifications.filter(valid_until__gte=today).exists()
        assert certifications.filter(valid_until__isnull=True).exists()

    def test_towns_lie_in_their_region(self) -> None:
        for company in Company.objects.select_related("region"):
            towns = {place.town for place in bank.REGION_PLACES[company.region.slug]}
            assert company.town in towns, (company, company.region)

    def test_summaries_name_the_companys_own_services(self) -> None:
        for company in Company.objects.prefetch_related("capabilities"):
            phrases = [capability_phrase(c).lower() for c in company.capabilities.all()]
            assert any(p in company.summary.lower() for p in phrases), company

    def test_companies_in_two_clusters_pair_neighbouring_ones(self) -> None:
        for company in Company.objects.prefetch_related("clusters"):
            slugs = [c.slug for c in company.clusters.all()]
            if len(slugs) == 2:
                assert slugs[1] in bank.CLUSTER_NEIGHBOURS[slugs[0]], company

    def test_a_name_that_names_a_service_belongs_to_a_company_offering_it(self) -> None:
        givers: dict[str, set[str]] = {}  # "Geodata" -> {"geospatial-and-gis"}
        for slug, words in bank.CAPABILITY_NAME_WORDS.items():
            for word in words:
                givers.setdefault(word, set()).add(slug)
        for company in Company.objects.prefetch_related("capabilities"):
            offered = {c.slug for c in company.capabilities.all()}
            for word in company.name.split():
                assert offered & givers.get(word, offered), company

    def test_certificates_fit_what_the_company_does(self) -> None:
        held = CompanyCertification.objects.select_related("certification", "company")
        for certificate in held.prefetch_related("company__clusters", "company__capabilities"):
            company = certificate.company
            fits = bank.CERTIFICATION_FITS[certificate.certification.slug]
            clusters = {c.slug for c in company.clusters.all()}
            capabilities = {c.slug for c in company.capabilities.all()}
            assert fit_chance(fits, clusters, capabilities) > 0, certificate
        assert all(
            c.company.capabilities.filter(
                slug__in=bank.CARD_PAYMENTS + bank.TAKES_BOOKINGS
            ).exists()
            for c in held.filter(certification__slug="pci-dss")
        )

    def test_cyber_essentials_lasts_at_most_a_year_from_issue(self) -> None:
        latest = expires_after(ANCHOR.date(), 12)  # issued on the demo's date at the latest
        yearly = CompanyCertification.objects.filter(
            certification__slug__in=["cyber-essentials", "cyber-essentials-plus"]
        )
        assert yearly.exists()
        assert not yearly.filter(valid_until__isnull=True).exists()
        assert not yearly.filter(valid_until__gt=latest).exists()

    def test_some_certificates_have_lapsed_and_some_expire_within_sixty_days(self) -> None:
        anchor = ANCHOR.date()
        certificates = CompanyCertification.objects.filter(
            certification__slug__in=["cyber-essentials", "cyber-essentials-plus"]
        )
        assert certificates.filter(valid_until__lt=anchor).exists()
        soon = (anchor, anchor + datetime.timedelta(days=60))
        assert certificates.filter(valid_until__range=soon).exists()

    def test_framework_lots_buy_what_the_company_offers(self) -> None:
        lots = {(lot.framework, lot.name): lot for lot in bank.FRAMEWORK_LOTS}
        places = CompanyFramework.objects.select_related("framework")
        for place in places.prefetch_related("company__capabilities", "company__sectors"):
            lot = lots[(place.framework.slug, place.lot)]
            offered = {c.slug for c in place.company.capabilities.all()}
            served = {s.slug for s in place.company.sectors.all()}
            assert offered & set(lot.capabilities), place
            assert not lot.sectors or served & set(lot.sectors), place

    def test_frameworks_have_lots(self) -> None:
        assert CompanyFramework.objects.exists()
        assert not CompanyFramework.objects.filter(lot="").exists()

    def test_case_studies_mix_public_and_private_clients(self) -> None:
        flags = set(CaseStudy.objects.values_list("is_public_sector", flat=True))
        assert flags == {True, False}
        assert Company.objects.filter(case_studies__isnull=True).exists()

    def test_verification_dates_vary(self) -> None:
        companies = list(Company.objects.all())
        stale = timezone.now() - VERIFICATION_FRESH_FOR
        assert any(c.last_verified_at is None for c in companies)
        assert any(c.last_verified_at and c.last_verified_at < stale for c in companies)
        assert any(c.last_verified_at and c.last_verified_at > stale for c in companies)

    def test_most_companies_are_published_and_some_are_not(self) -> None:
        statuses = list(Company.objects.values_list("status", flat=True))
        assert statuses.count(Company.Status.PUBLISHED) > len(statuses) * 0.8
        assert {"draft", "pending", "archived"} <= set(statuses)

    def test_summaries_and_descriptions_are_all_different(self) -> None:
        summaries = list(Company.objects.values_list("summary", flat=True))
        descriptions = list(Company.objects.values_list("description", flat=True))
        assert len(set(summaries)) == len(summaries)
        assert len(set(descriptions)) == len(descriptions)
        assert all(0 < len(s) <= 300 for s in summaries)

    def test_no_users_are_created(self) -> None:
        assert not User.objects.exists()

    def test_running_again_changes_nothing(self) -> None:
        before = snapshot()
        call_command("seed_demo", stdout=StringIO())
        assert snapshot() == before

    def test_running_again_prints_one_line_saying_nothing_changed(self) -> None:
        out = StringIO()
        call_command("seed_demo", stdout=out)
        assert out.getvalue().count("\n") == 1
        assert "Demo companies: 0 created, 0 updated, 60 unchanged." in out.getvalue()


def test_running_again_restores_an_edited_demo_company() -> None:
    call_command("seed_demo", stdout=StringIO())
    company = Company.objects.order_by("pk").first()
    original = company.summary
    company.summary = "Edited by hand."
    company.save()
    company.capabilities.clear()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    company.refresh_from_db()
    assert company.summary == original
    assert company.capabilities.exists()
    assert "Demo companies: 0 created, 1 updated" in out.getvalue()


def test_taxonomy_only_loads_no_companies() -> None:
    out = StringIO()
    call_command("seed_demo", "--taxonomy-only", stdout=out)
    assert Cluster.objects.count() == 5
    assert Capability.objects.exists()
    assert not Company.objects.exists()
    assert "Demo companies" not in out.getvalue()


def test_reloading_the_taxonomy_keeps_staff_edits_and_adds_only_what_is_missing() -> None:
    call_command("seed_demo", "--taxonomy-only", stdout=StringIO())
    total = sum(model.objects.count() for model in SNAPSHOT_MODELS[:6])
    data = Cluster.objects.get(slug="data")
    data.name, data.position, data.is_active = "Data and AI", 0, False
    taxonomy_item_save(item=data)
    fife = Region.objects.get(slug="fife")
    fife.name, fife.is_active = "Kingdom of Fife", False
    taxonomy_item_save(item=fife)
    capability = Capability.objects.get(slug="penetration-testing")
    capability.slug = "pen-testing"  # a new slug, the same name: not made a second time
    taxonomy_item_save(item=capability)
    taxonomy_item_delete(item=Sector.objects.get(slug="health-and-social-care"))
    out = StringIO()
    call_command("seed_demo", "--taxonomy-only", stdout=out)

    data.refresh_from_db()
    assert (data.name, data.position, data.is_active) == ("Data and AI", 0, False)
    fife.refresh_from_db()
    assert (fife.name, fife.is_active) == ("Kingdom of Fife", False)
    assert Capability.objects.filter(name__iexact="Penetration testing").count() == 1
    assert Sector.objects.filter(slug="health-and-social-care").exists()
    assert sum(model.objects.count() for model in SNAPSHOT_MODELS[:6]) == total
    assert f"Taxonomy: 1 created, 0 updated, {total - 1} unchanged." in out.getvalue()
