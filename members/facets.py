"""Facets of the buyer search and the in-memory index that counts them.

Counting facet options with GROUP BY queries costs a scan of every matching company per facet
(0.2-2 s at 100,000 companies). Instead each process keeps, for every facet option, a boolean
array over the published companies (in name order). Filtering is then an AND of arrays and a
count is a popcount: microseconds. The arrays are rebuilt when the directory changes: every write
that matters to search stores a new random token in ``SearchState`` (see members.signals), and
each search reads that one row to know whether its arrays are still current.
"""

from __future__ import annotations

import datetime
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.utils import timezone

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from members.models import (
    COMMITMENT_FIELDS,
    Company,
    CompanyCertification,
    CompanyFramework,
    EmployeeBand,
    SearchState,
)

# URL values of the size facet: "sme", or an employee band ("+" has no place in a URL).
BAND_SLUGS = {
    EmployeeBand.MICRO: "1-9",
    EmployeeBand.SMALL: "10-49",
    EmployeeBand.MEDIUM: "50-249",
    EmployeeBand.LARGE: "250-plus",
}
SME = "sme"
COMMITMENT_LABELS = {
    "real-living-wage": "Real Living Wage employer",
    "fair-work-first": "Fair Work First",
    "scottish-business-pledge": "Scottish Business Pledge",
    "supported-business": "Supported business",
}
LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
OTHER_LETTER = "0-9"

Membership = Iterable[tuple[int, str]]


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    group: str = ""


@dataclass(frozen=True)
class Facet:
    """One way to narrow the results: a URL parameter, its options, who has each option."""

    param: str
    label: str
    load_options: Callable[[], list[Option]]
    load_memberships: Callable[[datetime.date], Membership]
    help_text: str = ""


def _model_options(model: type, *, group: Callable[[object], str] | None = None) -> list[Option]:
    queryset = model.objects.all()
    if model is Capability:
        queryset = queryset.select_related("cluster")
    if model is Cluster:
        queryset = queryset.filter(is_active=True)
    return [Option(o.slug, o.name, group(o) if group else "") for o in queryset]


def _m2m_memberships(field_name: str, target: str) -> Callable[[datetime.date], Membership]:
    def load(today: datetime.date) -> Membership:
        through = Company._meta.get_field(field_name).remote_field.through
        return through.objects.values_list("company_id", f"{target}__slug").iterator(2000)

    return load


def _region_memberships(today: datetime.date) -> Membership:
    return (
        Company.objects.published()
        .filter(region__isnull=False)
        .values_list("pk", "region__slug")
        .iterator(2000)
    )


def _size_options() -> list[Option]:
    return [Option(SME, "SME (fewer than 250 employees)")] + [
        Option(slug, band.label) for band, slug in BAND_SLUGS.items()
    ]


def _size_memberships(today: datetime.date) -> Membership:
    for pk, band in Company.objects.published().values_list("pk", "employee_band").iterator(2000):
        yield pk, BAND_SLUGS.get(band, band)
        if band in Company.SME_BANDS:
            yield pk, SME


def _current_memberships(model: type, target: str) -> Callable[[datetime.date], Membership]:
    def load(today: datetime.date) -> Membership:
        return (
            model.objects.current(today).values_list("company_id", f"{target}__slug").iterator(2000)
        )

    return load


def _commitment_options() -> list[Option]:
    return [Option(slug, label) for slug, label in COMMITMENT_LABELS.items()]


def _commitment_memberships(today: datetime.date) -> Membership:
    names = list(COMMITMENT_FIELDS.values())
    slugs = list(COMMITMENT_FIELDS.keys())
    for row in Company.objects.published().values_list("pk", *names).iterator(2000):
        for slug, flag in zip(slugs, row[1:], strict=True):
            if flag:
                yield row[0], slug


FACETS: tuple[Facet, ...] = (
    Facet(
        "cluster",
        "Cluster",
        lambda: _model_options(Cluster),
        _m2m_memberships("clusters", "cluster"),
    ),
    Facet(
        "capability",
        "Capability",
        lambda: _model_options(Capability, group=lambda c: c.cluster.name),
        _m2m_memberships("capabilities", "capability"),
    ),
    Facet("region", "Region", lambda: _model_options(Region), _region_memberships),
    Facet("size", "Size", _size_options, _size_memberships),
    Facet(
        "certification",
        "Certification",
        lambda: _model_options(Certification),
        _current_memberships(CompanyCertification, "certification"),
        help_text="Current certifications only.",
    ),
    Facet(
        "framework",
        "Framework",
        lambda: _model_options(Framework),
        _current_memberships(CompanyFramework, "framework"),
    ),
    Facet(
        "sector",
        "Sector served",
        lambda: _model_options(Sector),
        _m2m_memberships("sectors", "sector"),
    ),
    Facet("commitment", "Commitment", _commitment_options, _commitment_memberships),
)
FACETS_BY_PARAM = {facet.param: facet for facet in FACETS}


@dataclass
class FacetData:
    facet: Facet
    options: list[Option]
    masks: dict[str, np.ndarray]


@dataclass
class FacetIndex:
    """Boolean arrays over the published companies, in name order."""

    key: str
    token: str
    today: datetime.date
    ids: np.ndarray
    updated_order: np.ndarray
    letters: np.ndarray
    facets: dict[str, FacetData] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.ids)

    def everything(self) -> np.ndarray:
        return np.ones(self.size, dtype=bool)

    def mask_of_ids(self, company_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """The positions of these company ids (unknown or unpublished ids are dropped)."""
        mask = np.zeros(self.size, dtype=bool)
        positions = self.positions_of_ids(company_ids)
        mask[positions[positions >= 0]] = True
        return mask

    def positions_of_ids(self, company_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Position of each id, or -1 where the id is not a published company."""
        wanted = np.asarray(company_ids, dtype=np.int64)
        if not self.size or not len(wanted):
            return np.full(len(wanted), -1, dtype=np.int64)
        sorter = self._id_sorter
        found = np.searchsorted(self.ids, wanted, sorter=sorter)
        found = np.clip(found, 0, self.size - 1)
        positions = sorter[found]
        return np.where(self.ids[positions] == wanted, positions, -1)

    def mask_for(self, param: str, keys: Iterable[str]) -> np.ndarray | None:
        """OR of the selected options of one facet; None when nothing is selected."""
        data = self.facets[param]
        selected = [data.masks[key] for key in keys if key in data.masks]
        if not selected:
            return None
        return np.logical_or.reduce(selected) if len(selected) > 1 else selected[0]

    def letter_mask(self, letter: str) -> np.ndarray:
        return self.letters == letter

    def counts(self, param: str, within: np.ndarray) -> dict[str, int]:
        return {
            key: int(np.count_nonzero(mask & within))
            for key, mask in self.facets[param].masks.items()
        }

    @property
    def _id_sorter(self) -> np.ndarray:
        sorter = self.__dict__.get("_sorter")
        if sorter is None:
            sorter = np.argsort(self.ids, kind="stable")
            self.__dict__["_sorter"] = sorter
        return sorter


def first_letter(name: str) -> str:
    initial = name[:1].upper()
    return initial if initial in LETTERS else OTHER_LETTER


def build_index(key: str, token: str, today: datetime.date) -> FacetIndex:
    rows = list(
        Company.objects.published()
        .order_by("name", "pk")
        .values_list("pk", "name", "updated_at")
        .iterator(5000)
    )
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    updated = np.fromiter((row[2].timestamp() for row in rows), dtype=np.float64, count=len(rows))
    index = FacetIndex(
        key=key,
        token=token,
        today=today,
        ids=ids,
        updated_order=np.lexsort((np.arange(len(rows)), -updated)),
        letters=np.array([first_letter(row[1]) for row in rows], dtype="<U3"),
    )
    for facet in FACETS:
        options = facet.load_options()
        masks = {option.key: np.zeros(index.size, dtype=bool) for option in options}
        pairs = list(facet.load_memberships(today))
        if pairs:
            positions = index.positions_of_ids([pk for pk, _ in pairs])
            for (_, key), position in zip(pairs, positions, strict=True):
                if position >= 0 and key in masks:
                    masks[key][position] = True
        index.facets[facet.param] = FacetData(facet, options, masks)
    return index


_lock = threading.Lock()
_indexes: dict[str, FacetIndex] = {}


def current_token() -> str:
    return SearchState.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def get_index() -> FacetIndex:
    """This process's index, rebuilt when the directory changed or the day turned."""
    token = current_token()
    today = timezone.localdate()
    alias = connection.alias + ":" + str(connection.settings_dict.get("NAME"))
    with _lock:
        index = _indexes.get(alias)
        if index is None or index.token != token or index.today != today:
            index = build_index(alias, token, today)
            _indexes[alias] = index
    return index


def mark_directory_changed() -> None:
    """Tell every process that its facet index is out of date (after this transaction)."""
    token = uuid.uuid4().hex
    if not SearchState.objects.filter(pk=1).update(token=token):
        SearchState.objects.update_or_create(pk=1, defaults={"token": token})
