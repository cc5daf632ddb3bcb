"""Parsing and validating the buyer's search parameters (the URL contract of /companies/).

Bad input never fails the page: a value that is not known is dropped and reported back, so the
page can say "we ignored X" while still showing results for the rest.
"""

from __future__ import annotations

from collections.abc import Iterable

import django_filters
from django import forms
from django.db.models import QuerySet

from clusters.models import Cluster
from members.models import Company

MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_PARAMETER = 50


def clean_text(value: str) -> str:
    """Remove characters that no database accepts (NUL) and collapse white space."""
    return " ".join(value.replace("\x00", " ").split())


class LenientSlugChoiceField(forms.ModelMultipleChoiceField):
    """Accept the known slugs among the given values; remember the unknown ones."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.unknown_values: list[str] = []

    def clean(self, value: object) -> QuerySet:
        self.unknown_values = []
        if not value:
            return self.queryset.none()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)):
            return self.queryset.none()
        wanted = [clean_text(str(v)) for v in value][:MAX_VALUES_PER_PARAMETER]
        wanted = [v for v in dict.fromkeys(wanted) if v]
        if not wanted:
            return self.queryset.none()
        found = self.queryset.filter(slug__in=wanted)
        known = set(found.values_list("slug", flat=True))
        self.unknown_values = [v for v in wanted if v not in known]
        return found


class LenientSlugFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = LenientSlugChoiceField

    def filter(self, qs: QuerySet, value: Iterable) -> QuerySet:
        value = list(value)
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value}).distinct()


class TextQueryField(forms.CharField):
    """Free text, cleaned and cut to a sensible length instead of being refused."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.was_truncated = False

    def to_python(self, value: object) -> str:
        text = clean_text(str(value or ""))
        self.was_truncated = len(text) > MAX_QUERY_LENGTH
        return text[:MAX_QUERY_LENGTH]


class TextFilter(django_filters.CharFilter):
    field_class = TextQueryField

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        return qs.matching_text(value)


class CompanyFilter(django_filters.FilterSet):
    q = TextFilter(label="Search by name or summary")
    cluster = LenientSlugFilter(
        field_name="clusters",
        queryset=Cluster.objects.active(),
        label="Cluster",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Company
        fields: list[str] = []

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
            for value in getattr(field, "unknown_values", []):
                label = str(field.label or name).lower()
                messages.append(
                    f"We ignored the {label} \u201c{value[:60]}\u201d: it is not one we know."
                )
        return messages


def published_companies_filter(data: object) -> CompanyFilter:
    return CompanyFilter(data, queryset=Company.objects.published())
