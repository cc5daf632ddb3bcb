"""The facet registry: every way a buyer narrows the results, declared once.

A facet is its URL parameter, its label (filter heading, selected tags, notices and the export's
criteria), its CSV column, its options, and which companies hold each option. The index counts
from the memberships (members.search.index), the form validates against the options
(members.search.forms) and the export prints the memberships by label (members.search.export):
nothing else knows a facet's parameter, slugs or wording.

Options are the active taxonomy entries in the order staff set (``position``): a deactivated
one is no option, so its memberships are dropped, and a URL naming it is ignored as unknown.

Ticks within a facet mean "any of"; a facet that ``allows_all`` (capabilities, certifications)
also takes ``<param>_mode=all``: "must have every one". An option may include others
(``includes``: Cyber Essentials Plus includes Cyber Essentials, as staff declare on the
certification): a company holding it holds those too, in the index and so in every count.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from django.db import models
from django.db.models import CharField, Q, StringAgg, Value
from django.db.models.functions import Cast

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from members.models import (
    COMMITMENT_FIELDS,
    Company,
    CompanyCertification,
    CompanyFramework,
    EmployeeBand,
    field_label,
)

# URL values of the size facet: "sme", or an employee band ("+" has no place in a URL).
BAND_SLUGS: dict[str, str] = {
    EmployeeBand.MICRO: "1-9",
    EmployeeBand.SMALL: "10-49",
    EmployeeBand.MEDIUM: "50-249",
    EmployeeBand.LARGE: "250-plus",
}
SME = "sme"

# Per option key, the ids of the companies holding it; ``company_ids`` None means every company.
# The ids come aggregated in SQL, one row per option: a hundred thousand companies' memberships
# load in a fraction of the time that a row per membership takes.
Memberships = Iterator[tuple[str, np.ndarray]]
MembershipLoader = Callable[[datetime.date, Sequence[int] | None], Memberships]
# Export text per company, where a facet prints more than its option labels (dates, lots); given
# each option's note on what it includes.
DetailLoader = Callable[[datetime.date, Sequence[int], Mapping[str, str]], dict[int, list[str]]]
# Per option key, the keys of the options that holding it includes (every one, transitively).
Includes = dict[str, tuple[str, ...]]
ANY, ALL = "any", "all"


@dataclass(frozen=True)
class Option:
    key: str  # the value in the URL
    label: str
    group: str = ""  # capabilities are grouped by cluster


@dataclass(frozen=True)
class Facet:
    """One way to narrow the results."""

    param: str
    label: str
    column: str
    load_options: Callable[[], list[Option]]
    memberships: MembershipLoader
    help_text: str = ""
    detail: DetailLoader | None = None
    allows_all: bool = False  # "must have all selected" (``mode_param``=all) is offered
    load_includes: Callable[[], Includes] | None = None

    @property
    def mode_param(self) -> str:
        """The URL parameter that chooses "any of" (default) or "all of" the ticked options."""
        return f"{self.param}_mode" if self.allows_all else ""

    def describe(self, keys: Iterable[str], options: Sequence[Option], mode: str = ANY) -> str:
        """'Region: Fife or Tayside', for notices and the export's criteria."""
        labels = {option.key: option.label for option in options}
        joiner = " and " if mode == ALL else " or "
        return f"{self.label}: " + joiner.join(labels.get(key, key) for key in keys)


def _included_labels(options: Sequence[Option], includes: Includes) -> dict[str, list[str]]:
    """Per option that includes others among these, their labels (in the options' order)."""
    labels = {option.key: option.label for option in options}
    found = {}
    for option in options:
        included = [labels[key] for key in includes.get(option.key, ()) if key in labels]
        if included:
            found[option.key] = included
    return found


def includes_notes(options: Sequence[Option], includes: Includes) -> dict[str, str]:
    """Per option that includes others, 'includes Cyber Essentials'."""
    return {
        key: "includes " + " and ".join(labels)
        for key, labels in _included_labels(options, includes).items()
    }


def includes_sentences(options: Sequence[Option], includes: Includes) -> str:
    """'Cyber Essentials Plus includes Cyber Essentials, so its holders are counted under both.'"""
    labels = {option.key: option.label for option in options}
    return " ".join(
        f"{labels[key]} includes {' and '.join(included)}, so its holders are counted under "
        f"{'both' if len(included) == 1 else 'each'}."
        for key, included in _included_labels(options, includes).items()
    )


def held_labels(held: Sequence[Option], includes: Includes) -> list[str]:
    """What a company holds, each included option said once, inside the one that includes it:
    'Cyber Essentials Plus (includes Cyber Essentials)', not that and 'Cyber Essentials'.

    ``held`` comes from the index, so it has every option that a held one includes.
    """
    inside = {
        key
        for option in held
        for key in includes.get(option.key, ())
        # Two that include each other (staff declared them equivalent) are both said.
        if option.key not in includes.get(key, ())
    }
    notes = includes_notes(held, includes)
    return [
        f"{option.label} ({notes[option.key]})" if option.key in notes else option.label
        for option in held
        if option.key not in inside
    ]


def _rows(
    queryset: models.QuerySet, company_ids: Sequence[int] | None, field: str
) -> models.QuerySet:
    if company_ids is not None:
        queryset = queryset.filter(**{f"{field}__any": list(company_ids)})
    return queryset


def _id_list(field: str, condition: Q | None = None) -> StringAgg:
    """The ids in ``field`` of the grouped rows, as one comma-separated string."""
    return StringAgg(Cast(field, CharField()), delimiter=Value(","), filter=condition)


def ids_array(joined: str | None) -> np.ndarray:
    if not joined:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(joined, dtype=np.int64, sep=",")


def _grouped(queryset: models.QuerySet, key: str, company_field: str) -> Memberships:
    rows = queryset.order_by().values(key).annotate(ids=_id_list(company_field))
    for row in rows:
        yield row[key], ids_array(row["ids"])


def _model_options(
    queryset: models.QuerySet, group: Callable[[models.Model], str] | None = None
) -> Callable[[], list[Option]]:
    def load() -> list[Option]:
        return [Option(o.slug, o.name, group(o) if group else "") for o in queryset.all()]

    return load


def _cluster_name(capability: models.Model) -> str:
    return cast(Capability, capability).cluster.name


def _linked(field_name: str) -> MembershipLoader:
    """Memberships through one of Company's many-to-many fields."""
    field = Company._meta.get_field(field_name)
    through = field.remote_field.through  # type: ignore[union-attr]
    target = field.m2m_reverse_field_name()  # type: ignore[union-attr]

    def load(today: datetime.date, company_ids: Sequence[int] | None) -> Memberships:
        rows = _rows(through.objects.all(), company_ids, "company_id")
        return _grouped(rows, f"{target}__slug", "company_id")

    return load


def _current(model: type[CompanyCertification | CompanyFramework], target: str) -> MembershipLoader:
    """Memberships of certificates or framework places that have not expired."""

    def load(today: datetime.date, company_ids: Sequence[int] | None) -> Memberships:
        rows = _rows(model.objects.current(today), company_ids, "company_id")
        return _grouped(rows, f"{target}__slug", "company_id")

    return load


def _dated(name: str, date: datetime.date | None) -> str:
    return f"{name} ({date.isoformat()})" if date else f"{name} (no expiry)"


def _certification_detail(
    today: datetime.date, company_ids: Sequence[int], notes: Mapping[str, str]
) -> dict[int, list[str]]:
    rows = (
        CompanyCertification.objects.current(today)
        .filter(company_id__any=list(company_ids), certification__is_active=True)
        .order_by("certification__position", "certification__name")
        .values_list("company_id", "certification__name", "certification__slug", "valid_until")
    )
    detail: dict[int, list[str]] = {}
    for company_id, name, slug, until in rows:
        text = _dated(name, until)
        if slug in notes:
            text = f"{text[:-1]}, {notes[slug]})"  # "CE Plus (2027-01-31, includes CE)"
        detail.setdefault(company_id, []).append(text)
    return detail


def _certification_includes() -> Includes:
    """Among the active certifications, what each includes (staff's ``satisfies``)."""
    inclusions = Certification.objects.active().inclusions()
    return {
        holder.slug: tuple(included.slug for included in inclusions[holder])
        for holder in inclusions
    }


def _framework_detail(
    today: datetime.date, company_ids: Sequence[int], notes: Mapping[str, str]
) -> dict[int, list[str]]:
    rows = (
        CompanyFramework.objects.current(today)
        .filter(company_id__any=list(company_ids), framework__is_active=True)
        .order_by("framework__position", "framework__name", "lot")
        .values_list("company_id", "framework__name", "lot", "valid_until")
    )
    detail: dict[int, list[str]] = {}
    for company_id, name, lot, until in rows:
        detail.setdefault(company_id, []).append(_dated(name + (f", {lot}" if lot else ""), until))
    return detail


def _region_memberships(today: datetime.date, company_ids: Sequence[int] | None) -> Memberships:
    rows = _rows(Company.objects.filter(region__isnull=False), company_ids, "pk")
    return _grouped(rows, "region__slug", "pk")


def _size_options() -> list[Option]:
    return [Option(SME, "SME (fewer than 250 employees)")] + [
        Option(slug, str(EmployeeBand(band).label)) for band, slug in BAND_SLUGS.items()
    ]


def _size_memberships(today: datetime.date, company_ids: Sequence[int] | None) -> Memberships:
    rows = _rows(Company.objects.all(), company_ids, "pk")
    smes = []
    for band, ids in _grouped(rows, "employee_band", "pk"):
        yield BAND_SLUGS.get(band, band), ids
        if band in Company.SME_BANDS:
            smes.append(ids)
    if smes:
        yield SME, np.concatenate(smes)


def _commitment_options() -> list[Option]:
    return [Option(slug, field_label(Company, name)) for slug, name in COMMITMENT_FIELDS.items()]


def _commitment_memberships(today: datetime.date, company_ids: Sequence[int] | None) -> Memberships:
    rows = _rows(Company.objects.all(), company_ids, "pk")
    joined = rows.aggregate(
        **{slug: _id_list("pk", Q(**{name: True})) for slug, name in COMMITMENT_FIELDS.items()}
    )
    for slug in COMMITMENT_FIELDS:
        yield slug, ids_array(joined[slug])


FACETS: tuple[Facet, ...] = (
    Facet(
        "cluster",
        "Cluster",
        "Clusters",
        _model_options(Cluster.objects.active()),
        _linked("clusters"),
    ),
    Facet(
        "capability",
        "Capability",
        "Capabilities",
        _model_options(Capability.objects.active().select_related("cluster"), _cluster_name),
        _linked("capabilities"),
        allows_all=True,
    ),
    Facet(
        "region", "Region", "Region", _model_options(Region.objects.active()), _region_memberships
    ),
    Facet("size", "Size", "Size", _size_options, _size_memberships),
    Facet(
        "certification",
        "Certification",
        "Current certifications (valid until)",
        _model_options(Certification.objects.active()),
        _current(CompanyCertification, "certification"),
        help_text="Current certifications only.",
        detail=_certification_detail,
        allows_all=True,
        load_includes=_certification_includes,
    ),
    Facet(
        "framework",
        "Framework",
        "Frameworks (lot, expires)",
        _model_options(Framework.objects.active()),
        _current(CompanyFramework, "framework"),
        detail=_framework_detail,
    ),
    Facet(
        "sector",
        "Sector served",
        "Sectors",
        _model_options(Sector.objects.active()),
        _linked("sectors"),
    ),
    Facet(
        "commitment",
        "Commitment",
        "Commitments",
        _commitment_options,
        _commitment_memberships,
    ),
)
FACETS_BY_PARAM = {facet.param: facet for facet in FACETS}
