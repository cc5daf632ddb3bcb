"""Parsing and validating the buyer's search parameters (the URL contract of /companies/).

Bad input never fails the page: a value that is not known is dropped and reported back, so the
page can say "we ignored X" while still showing results for the rest. The choices come from the
facet index (members.facets), so validating them costs no query.

``CompanyFilter.qs`` is the plain SQL version of the same filters; the search page counts and
orders with the facet index instead, and the tests hold the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from members.facets import BAND_SLUGS, FACETS, LETTERS, OTHER_LETTER, SME, FacetIndex
from members.models import COMMITMENT_FIELDS, Company, CompanyCertification, CompanyFramework

MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_PARAMETER = 50
SORTS = {"relevance": "Relevance", "name": "Name (A to Z)", "updated": "Recently updated"}


def clean_text(value: object) -> str:
    """Remove characters that no database accepts (NUL) and collapse white space."""
    return " ".join(str(value).replace("\x00", " ").split())


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Keep the known values among those given; remember the unknown ones."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.unknown_values: list[str] = []

    def clean(self, value: object) -> list[str]:
        self.unknown_values = []
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)
        wanted = [clean_text(v) for v in values[:MAX_VALUES_PER_PARAMETER]]
        known = {str(key) for key, _label in self.choices}
        kept = []
        for item in dict.fromkeys(w for w in wanted if w):
            (kept if item in known else self.unknown_values).append(item)
        return kept


class LenientChoiceField(forms.ChoiceField):
    """One value from a fixed list; anything else falls back to the default."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.unknown_values: list[str] = []

    def clean(self, value: object) -> str:
        self.unknown_values = []
        text = clean_text(value or "")
        if text and text not in {str(key) for key, _label in self.choices}:
            self.unknown_values = [text]
            return ""
        return text


class TextQueryField(forms.CharField):
    """Free text, cleaned and cut to a sensible length instead of being refused."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.was_truncated = False

    def to_python(self, value: object) -> str:
        text = clean_text(value or "")
        self.was_truncated = len(text) > MAX_QUERY_LENGTH
        return text[:MAX_QUERY_LENGTH]


def _current_company_ids(model: type, target: str, values: list[str]) -> QuerySet:
    return model.objects.current().filter(**{f"{target}__slug__in": values}).values("company_id")


def facet_condition(param: str, values: list[str]) -> Q:
    """The SQL condition of one facet: any of its selected values (OR within a facet)."""
    if param == "cluster":
        return Q(
            pk__in=Company.clusters.through.objects.filter(cluster__slug__in=values).values(
                "company_id"
            )
        )
    if param == "capability":
        return Q(
            pk__in=Company.capabilities.through.objects.filter(capability__slug__in=values).values(
                "company_id"
            )
        )
    if param == "sector":
        return Q(
            pk__in=Company.sectors.through.objects.filter(sector__slug__in=values).values(
                "company_id"
            )
        )
    if param == "region":
        return Q(region__slug__in=values)
    if param == "certification":
        return Q(pk__in=_current_company_ids(CompanyCertification, "certification", values))
    if param == "framework":
        return Q(pk__in=_current_company_ids(CompanyFramework, "framework", values))
    if param == "size":
        bands = {slug: band for band, slug in BAND_SLUGS.items()}
        wanted = {bands[v] for v in values if v in bands}
        if SME in values:
            wanted.update(Company.SME_BANDS)
        return Q(employee_band__in=sorted(wanted))
    if param == "commitment":
        condition = Q(pk__in=[])
        for value in values:
            condition |= Q(**{COMMITMENT_FIELDS[value]: True})
        return condition
    raise ValueError(f"unknown facet {param!r}")


class FacetFilter(django_filters.MultipleChoiceFilter):
    field_class = LenientMultipleChoiceField

    def filter(self, qs: QuerySet, value: Iterable[str]) -> QuerySet:
        values = list(value or [])
        return qs.filter(facet_condition(self.field_name, values)) if values else qs


class TextFilter(django_filters.CharFilter):
    field_class = TextQueryField

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        from members.search import TextSearch

        return TextSearch.parse(value).filter(qs) if value else qs


class LetterFilter(django_filters.ChoiceFilter):
    field_class = LenientChoiceField

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        if value == OTHER_LETTER:
            return qs.exclude(
                Q.create([("name__istartswith", letter) for letter in LETTERS], connector=Q.OR)
            )
        return qs.filter(name__istartswith=value)


class SortFilter(django_filters.ChoiceFilter):
    field_class = LenientChoiceField

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if value == "updated":
            return qs.order_by("-updated_at", "pk")
        return qs.order_by("name", "pk") if value == "name" else qs


class CompanyFilter(django_filters.FilterSet):
    q = TextFilter(label="Search")
    cluster = FacetFilter(field_name="cluster", label="Cluster")
    capability = FacetFilter(field_name="capability", label="Capability")
    region = FacetFilter(field_name="region", label="Region")
    size = FacetFilter(field_name="size", label="Size")
    certification = FacetFilter(field_name="certification", label="Certification")
    framework = FacetFilter(field_name="framework", label="Framework")
    sector = FacetFilter(field_name="sector", label="Sector")
    commitment = FacetFilter(field_name="commitment", label="Commitment")
    letter = LetterFilter(
        label="Name starts with", choices=[(x, x) for x in [*LETTERS, OTHER_LETTER]]
    )
    sort = SortFilter(label="Sort by", choices=list(SORTS.items()))

    class Meta:
        model = Company
        fields: list[str] = []

    def __init__(
        self, data: object = None, *args: object, index: FacetIndex | None = None, **kwargs: object
    ) -> None:
        super().__init__(data, *args, **kwargs)
        self.index = index
        if index is not None:
            for facet in FACETS:
                options = index.facets[facet.param].options
                self.filters[facet.param].extra["choices"] = [(o.key, o.label) for o in options]

    def selected(self) -> dict[str, list[str]]:
        """The valid selected values of each facet."""
        self.form.is_valid()
        return {
            facet.param: list(self.form.cleaned_data.get(facet.param) or []) for facet in FACETS
        }

    def notices(self) -> list[str]:
        """What the buyer should know about the parameters we could not use."""
        self.form.is_valid()
        messages = []
        q_field = self.form.fields["q"]
        if isinstance(q_field, TextQueryField) and q_field.was_truncated:
            messages.append(
                f"Your search text was longer than {MAX_QUERY_LENGTH} characters, "
                "so only the start of it was used."
            )
        for name, field in self.form.fields.items():
            label = str(field.label or name).lower()
            for value in getattr(field, "unknown_values", []):
                messages.append(
                    f"We ignored the {label} \u201c{value[:60]}\u201d: it is not one we know."
                )
        return messages

    def _pairs(self, skip_param: str = "", skip_key: str = "") -> list[tuple[str, str]]:
        """The current valid search as (parameter, value) pairs, without the page."""
        self.form.is_valid()
        data = self.form.cleaned_data
        pairs = [("q", data["q"])] if data.get("q") and skip_param != "q" else []
        for facet in FACETS:
            for key in data.get(facet.param) or []:
                if facet.param != skip_param or (skip_key and key != skip_key):
                    pairs.append((facet.param, key))
        for name in ("letter", "sort"):
            if data.get(name) and skip_param != name:
                pairs.append((name, data[name]))
        return pairs

    def query_without(self, skip_param: str = "", skip_key: str = "") -> str:
        return urlencode(self._pairs(skip_param, skip_key))

    @cached_property
    def query_string(self) -> str:
        """The current search (no page), for links that keep it: pagination, sort, export."""
        return self.query_without()

    @cached_property
    def query_without_letter(self) -> str:
        return self.query_without("letter")

    @cached_property
    def query_without_q(self) -> str:
        return self.query_without("q")

    @cached_property
    def selected_tags(self) -> list[dict[str, str]]:
        """Each selected option, its facet, and the query string that removes it."""
        tags = []
        for facet in FACETS:
            keys = self.selected().get(facet.param) or []
            labels = {}
            if keys and self.index is not None:
                labels = {o.key: o.label for o in self.index.facets[facet.param].options}
            for key in keys:
                tags.append(
                    {
                        "facet": facet.label,
                        "label": labels.get(key, key),
                        "query": self.query_without(facet.param, key),
                    }
                )
        return tags
