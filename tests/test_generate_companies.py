"""manage.py generate_companies: deterministic synthetic companies, bulk-inserted."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from clusters.models import Capability, Cluster, Region
from members.demo.bulk import generate_companies
from members.models import COMPANIES_HOUSE_PATTERN, CaseStudy, Company, CompanyCertification

pytestmark = pytest.mark.django_db


def generated(seed: int) -> list[Company]:
    return list(
        Company.objects.filter(slug__startswith=f"gen-{seed}-")
        .order_by("slug")
        .prefetch_related("clusters", "capabilities", "sectors", "certifications", "case_studies")
    )


def fingerprint(companies: list[Company]) -> list[tuple[object, ...]]:
    """What two runs with the same seed must agree on, ids and timestamps aside."""
    return [
        (
            c.slug,
            c.name,
            c.summary,
            c.description,
            c.companies_house_number,
            c.region_id,
            sorted(k.slug for k in c.clusters.all()),
            sorted(k.slug for k in c.capabilities.all()),
            sorted(s.slug for s in c.sectors.all()),
            sorted((x.certification_id, x.valid_until) for x in c.certifications.all()),
            sorted(s.title for s in c.case_studies.all()),
        )
        for c in companies
    ]


def test_creates_the_requested_number_of_companies() -> None:
    out = StringIO()
    call_command("generate_companies", "--count", "120", "--seed", "3", stdout=out)
    assert Company.objects.filter(slug__startswith="gen-3-").count() == 120
    assert "Created 120 synthetic companies (seed 3)" in out.getvalue()


def test_returns_the_ids_it_created() -> None:
    ids = generate_companies(30, 4, batch_size=7)
    assert len(ids) == 30
    assert set(Company.objects.values_list("pk", flat=True)) == set(ids)


def test_same_count_and_seed_give_the_same_companies() -> None:
    generate_companies(60, 5, batch_size=25)
    first = fingerprint(generated(5))
    Company.objects.all().delete()
    generate_companies(60, 5, batch_size=25)
    assert fingerprint(generated(5)) == first


def test_different_seeds_give_different_companies() -> None:
    generate_companies(40, 1)
    generate_companies(40, 2)
    names_one = [c.name for c in generated(1)]
    names_two = [c.name for c in generated(2)]
    assert names_one != names_two


def test_running_again_with_the_same_seed_skips_what_exists() -> None:
    call_command("generate_companies", "--count", "50", "--seed", "6", stdout=StringIO())
    out = StringIO()
    call_command("generate_companies", "--count", "80", "--seed", "6", stdout=out)
    assert Company.objects.count() == 80
    assert "Created 30 synthetic companies" in out.getvalue()
    assert "skipped 50" in out.getvalue()


def test_loads_the_taxonomy_when_the_database_has_none() -> None:
    generate_companies(10, 7)
    assert Cluster.objects.count() == 5
    assert Capability.objects.count() > 30


def test_capabilities_lie_in_the_companys_clusters() -> None:
    generate_companies(150, 8)
    for company in generated(8):
        capabilities = list(company.capabilities.all())
        assert 3 <= len(capabilities) <= 8
        assert not Company.capabilities_outside(company.clusters.all(), capabilities)


def test_slugs_and_companies_house_numbers_are_unique_and_valid() -> None:
    call_command("seed_demo", stdout=StringIO())
    generate_companies(200, 9)
    numbers = [n for n in Company.objects.values_list("companies_house_number", flat=True) if n]
    assert len(numbers) == len(set(numbers))
    assert all(re.match(COMPANIES_HOUSE_PATTERN, n) for n in numbers)
    slugs = list(Company.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))


def test_has_the_variety_of_the_demo_data() -> None:
    generate_companies(200, 10)
    companies = generated(10)
    assert {c.employee_band for c in companies} == set(Company.EmployeeBand.values)
    assert len({c.region_id for c in companies}) >= Region.objects.count() - 4
    assert {k.slug for c in companies for k in c.clusters.all()} == set(
        Cluster.objects.values_list("slug", flat=True)
    )
    published = sum(c.status == Company.Status.PUBLISHED for c in companies)
    assert 0.85 * len(companies) < published < len(companies)
    assert CompanyCertification.objects.filter(valid_until__year__lt=2026).exists()
    assert CompanyCertification.objects.filter(valid_until__year__gt=2027).exists()
    assert CaseStudy.objects.values("company").annotate(n=Count("id")).exists()


def test_websites_and_emails_use_reserved_domains() -> None:
    generate_companies(50, 11)
    for company in generated(11):
        assert company.website.endswith(".test")
        assert company.contact_email.endswith(".test")


def test_rejects_a_negative_count() -> None:
    with pytest.raises(CommandError):
        call_command("generate_companies", "--count", "-1", stdout=StringIO())
