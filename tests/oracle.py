"""The plain-SQL answer to "which published companies does this search find", for the tests.

The search engine never asks the database this way (it counts on the facet index's bitsets);
this FilterSet is an independent implementation of the same URL contract, so the tests can hold
the two to the same answers.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from clusters.models import Capability, Certification, Cluster, Region, Sector
from members.models import COMMITMENT_FIELDS, Company, CompanyCertification, CompanyFramework
from members.search.facets import BAND_SLUGS, SME


def _current(model: type[CompanyCertification | CompanyFramework], target: str, values: list[str]):
    today = timezone.localdate()
    return (
        model.objects.current(today).filter(**{f"{target}__slug__in": values}).values("company_id")
    )


class OracleFilter(django_filters.FilterSet):
    cluster = django_filters.ModelMultipleChoiceFilter(
        field_name="clusters__slug",
        to_field_name="slug",
        queryset=Cluster.objects.all(),
        distinct=True,
    )
    capability = django_filters.ModelMultipleChoiceFilter(
        to_field_name="slug", queryset=Capability.objects.all(), method="filter_capability"
    )
    sector = django_filters.ModelMultipleChoiceFilter(
        field_name="sectors__slug",
        to_field_name="slug",
        queryset=Sector.objects.all(),
        distinct=True,
    )
    region = django_filters.ModelMultipleChoiceFilter(
        field_name="region__slug", to_field_name="slug", queryset=Region.objects.all()
    )
    certification = django_filters.CharFilter(method="filter_certification")
    certification_mode = django_filters.CharFilter(method="filter_nothing")
    capability_mode = django_filters.CharFilter(method="filter_nothing")
    framework = django_filters.CharFilter(method="filter_framework")
    size = django_filters.CharFilter(method="filter_size")
    commitment = django_filters.CharFilter(method="filter_commitment")

    class Meta:
        model = Company
        fields: list[str] = []

    def _values(self, name: str) -> list[str]:
        return self.data.getlist(name) if hasattr(self.data, "getlist") else list(self.data[name])

    def _all_of(self, name: str) -> bool:
        return self.data.get(f"{name}_mode") == "all"

    def filter_nothing(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs  # read by the filter it qualifies

    def filter_capability(self, qs: QuerySet, name: str, value: list[Capability]) -> QuerySet:
        if not value:
            return qs
        if not self._all_of(name):
            return qs.filter(capabilities__in=value).distinct()
        for capability in value:
            qs = qs.filter(pk__in=Company.objects.filter(capabilities=capability).values("pk"))
        return qs

    def filter_certification(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """A certificate counts for every active certification it includes (satisfies)."""
        wanted = self._values(name)
        groups = [wanted] if not self._all_of(name) else [[slug] for slug in wanted]
        for slugs in groups:
            accepted = Certification.objects.active().satisfying(
                Certification.objects.filter(slug__in=slugs)
            )
            holders = CompanyCertification.objects.current(timezone.localdate()).filter(
                certification__in=accepted
            )
            qs = qs.filter(pk__in=holders.values("company_id"))
        return qs

    def filter_framework(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(pk__in=_current(CompanyFramework, "framework", self._values(name)))

    def filter_size(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        values = self._values(name)
        bands = {slug: band for band, slug in BAND_SLUGS.items()}
        wanted = {bands[v] for v in values if v in bands}
        if SME in values:
            wanted.update(Company.SME_BANDS)
        return qs.filter(employee_band__in=sorted(wanted))

    def filter_commitment(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        condition = Q(pk__in=[])
        for slug in self._values(name):
            condition |= Q(**{COMMITMENT_FIELDS[slug]: True})
        return qs.filter(condition)


def oracle_ids(selected: dict[str, list[str]]) -> set[int]:
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for name, values in selected.items():
        data.setlist(name, values)
    filterset = OracleFilter(data, queryset=Company.objects.published())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("pk", flat=True))
