"""factory_boy factories for every model the tests need. Fictional data only (.example domains)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from members.models import (
    CaseStudy,
    Company,
    CompanyCertification,
    CompanyFramework,
    CompanyMembership,
    User,
)

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@member.example")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    password = factory.django.Password(TEST_PASSWORD)


class ClusterFactory(DjangoModelFactory):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"Test Cluster {n}")
    slug = factory.Sequence(lambda n: f"test-cluster-{n}")
    summary = factory.LazyAttribute(lambda o: f"What {o.name} companies do, in one sentence.")
    description = "A longer description of the cluster."
    position = factory.Sequence(lambda n: n)
    is_active = True


class CapabilityFactory(DjangoModelFactory):
    class Meta:
        model = Capability

    cluster = factory.SubFactory(ClusterFactory)
    name = factory.Sequence(lambda n: f"Capability {n}")
    slug = factory.Sequence(lambda n: f"capability-{n}")
    description = "What this capability means to a buyer."
    position = factory.Sequence(lambda n: n)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")
    is_scottish = True


class CertificationFactory(DjangoModelFactory):
    class Meta:
        model = Certification

    name = factory.Sequence(lambda n: f"Certification {n}")
    slug = factory.Sequence(lambda n: f"certification-{n}")


class FrameworkFactory(DjangoModelFactory):
    class Meta:
        model = Framework

    name = factory.Sequence(lambda n: f"Framework {n}")
    slug = factory.Sequence(lambda n: f"framework-{n}")
    owner = "Fictional Procurement Agency"
    url = factory.Sequence(lambda n: f"https://frameworks.example/{n}")


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")


class CompanyFactory(DjangoModelFactory):
    """A published company. Pass ``clusters=[...]`` and ``capabilities=[...]``.

    Capabilities whose cluster is not among the clusters bring their cluster along, so a factory
    company always keeps the rule that its capabilities lie inside its clusters.
    """

    class Meta:
        model = Company
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Example Company {n:04d} Ltd")
    slug = factory.Sequence(lambda n: f"example-company-{n:04d}")
    status = Company.Status.PUBLISHED
    summary = factory.Sequence(lambda n: f"Fictional firm number {n} that helps public bodies.")
    description = "A longer, fictional description of what the company does."
    website = factory.LazyAttribute(lambda o: f"https://{o.slug}.example")
    contact_name = "Alex Example"
    contact_email = factory.LazyAttribute(lambda o: f"hello@{o.slug}.example")
    contact_phone = "0131 496 0000"
    town = "Edinburgh"
    postcode = "EH1 1AA"
    region = factory.SubFactory(RegionFactory)
    founded_year = 2015
    employee_band = Company.EmployeeBand.SMALL
    companies_house_number = ""
    last_verified_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))

    @factory.post_generation
    def clusters(self, create: bool, extracted: list[Cluster] | None, **kwargs: object) -> None:
        if create and extracted:
            self.clusters.add(*extracted)

    @factory.post_generation
    def capabilities(
        self, create: bool, extracted: list[Capability] | None, **kwargs: object
    ) -> None:
        if not (create and extracted):
            return
        self.clusters.add(*{capability.cluster for capability in extracted})
        self.capabilities.add(*extracted)

    @factory.post_generation
    def sectors(self, create: bool, extracted: list[Sector] | None, **kwargs: object) -> None:
        if create and extracted:
            self.sectors.add(*extracted)


class CompanyCertificationFactory(DjangoModelFactory):
    class Meta:
        model = CompanyCertification

    company = factory.SubFactory(CompanyFactory)
    certification = factory.SubFactory(CertificationFactory)
    certificate_number = factory.Sequence(lambda n: f"CERT-{n:06d}")
    issuer = "Fictional Certification Body"
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=180))


class CompanyFrameworkFactory(DjangoModelFactory):
    class Meta:
        model = CompanyFramework

    company = factory.SubFactory(CompanyFactory)
    framework = factory.SubFactory(FrameworkFactory)
    lot = factory.Sequence(lambda n: f"Lot {n}")
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class CaseStudyFactory(DjangoModelFactory):
    class Meta:
        model = CaseStudy

    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Case study {n}")
    client = "A fictional Scottish council"
    summary = "What was done, for whom, and what changed."
    year = 2024
    is_public_sector = True
    position = factory.Sequence(lambda n: n)


class CompanyMembershipFactory(DjangoModelFactory):
    class Meta:
        model = CompanyMembership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = CompanyMembership.Role.EDITOR
