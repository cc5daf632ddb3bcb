"""factory_boy factories for every model the tests need. Fictional data only (.example domains)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from members import services
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


class TaxonomyFactory(DjangoModelFactory):
    """Taxonomy rows are saved as staff save them: through the services, so search knows."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> object:
        item = model_class(*args, **kwargs)
        services.taxonomy_item_save(item=item)
        return item


class CompanyPartFactory(DjangoModelFactory):
    """Case studies, certifications and framework places, saved through the services."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> object:
        part = model_class(*args, **kwargs)
        services.company_part_save(part=part)
        return part


class ClusterFactory(TaxonomyFactory):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"Test Cluster {n}")
    slug = factory.Sequence(lambda n: f"test-cluster-{n}")
    summary = factory.LazyAttribute(lambda o: f"What {o.name} companies do, in one sentence.")
    description = "A longer description of the cluster."
    position = factory.Sequence(lambda n: n)
    is_active = True


class CapabilityFactory(TaxonomyFactory):
    class Meta:
        model = Capability

    cluster = factory.SubFactory(ClusterFactory)
    name = factory.Sequence(lambda n: f"Capability {n}")
    slug = factory.Sequence(lambda n: f"capability-{n}")
    description = "What this capability means to a buyer."
    position = factory.Sequence(lambda n: n)


class RegionFactory(TaxonomyFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")
    is_scottish = True


class CertificationFactory(TaxonomyFactory):
    class Meta:
        model = Certification

    name = factory.Sequence(lambda n: f"Certification {n}")
    slug = factory.Sequence(lambda n: f"certification-{n}")


class FrameworkFactory(TaxonomyFactory):
    class Meta:
        model = Framework

    name = factory.Sequence(lambda n: f"Framework {n}")
    slug = factory.Sequence(lambda n: f"framework-{n}")
    owner = "Fictional Procurement Agency"
    url = factory.Sequence(lambda n: f"https://frameworks.example/{n}")


class SectorFactory(TaxonomyFactory):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")


class CompanyFactory(DjangoModelFactory):
    """A published company. Pass ``clusters=[...]``, ``capabilities=[...]``, ``sectors=[...]``.

    Saved through ``services.company_save`` like any real edit. Capabilities whose cluster is not
    among the clusters bring their cluster along, so a factory company always keeps the rule that
    its capabilities lie inside its clusters.
    """

    class Meta:
        model = Company

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
    clusters: list[Cluster] | None = None
    capabilities: list[Capability] | None = None
    sectors: list[Sector] | None = None

    @classmethod
    def _build(cls, model_class: type, *args: object, **kwargs: object) -> Company:
        for name in LINKS:
            kwargs.pop(name, None)
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> Company:
        links = {name: list(kwargs.pop(name, None) or []) for name in LINKS}
        for capability in links["capabilities"]:
            if capability.cluster not in links["clusters"]:
                links["clusters"].append(capability.cluster)
        return services.company_save(company=model_class(*args, **kwargs), **links)


LINKS = ("clusters", "capabilities", "sectors")


class CompanyCertificationFactory(CompanyPartFactory):
    class Meta:
        model = CompanyCertification

    company = factory.SubFactory(CompanyFactory)
    certification = factory.SubFactory(CertificationFactory)
    certificate_number = factory.Sequence(lambda n: f"CERT-{n:06d}")
    issuer = "Fictional Certification Body"
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=180))


class CompanyFrameworkFactory(CompanyPartFactory):
    class Meta:
        model = CompanyFramework

    company = factory.SubFactory(CompanyFactory)
    framework = factory.SubFactory(FrameworkFactory)
    lot = factory.Sequence(lambda n: f"Lot {n}")
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class CaseStudyFactory(CompanyPartFactory):
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
