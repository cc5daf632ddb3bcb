"""What a company card shows in any list (search results, home page, cluster pages).

A card is plain values: the company's own columns from one query, and what it holds (clusters,
capabilities, current certifications and frameworks) read from the facet index, which already
knows it. No model instances and no prefetching: a page of cards costs one query however many
cards and parts, and lists say exactly what the facet counts beside them say.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils.safestring import SafeString

from members.models import Company, verification_is_stale
from members.search.facets import held_labels
from members.search.index import Snapshot, current_snapshot

SHOWN_CAPABILITIES = 4
# Card field -> the facet whose options it lists.
HELD = {
    "clusters": "cluster",
    "capabilities": "capability",
    "certifications": "certification",
    "frameworks": "framework",
}


@dataclass
class CompanyCard:
    pk: int
    name: str
    slug: str
    summary: str
    logo: str
    region: str
    is_sme: bool
    last_verified_at: datetime.datetime | None
    clusters: list[str] = field(default_factory=list)
    capabilities: list[str] = field(default_factory=list)
    certifications: list[str] = field(default_factory=list)
    frameworks: list[str] = field(default_factory=list)
    snippet: SafeString | str = ""  # where a text search matched (safe HTML)

    def get_absolute_url(self) -> str:
        return reverse("members:company_detail", kwargs={"slug": self.slug})

    @property
    def logo_url(self) -> str:
        # From the storage, as the profile's company.logo.url: with object storage (MEDIA_STORAGE)
        # the logo lives in a bucket, and its URL may be signed.
        return default_storage.url(self.logo) if self.logo else ""

    @property
    def verification_is_stale(self) -> bool:
        return verification_is_stale(self.last_verified_at)

    @property
    def initial(self) -> str:
        return self.name[:1].upper()

    @property
    def first_capabilities(self) -> list[str]:
        return self.capabilities[:SHOWN_CAPABILITIES]

    @property
    def more_capabilities(self) -> int:
        return max(0, len(self.capabilities) - SHOWN_CAPABILITIES)


# A deactivated region is not shown, as it is no longer a filter option either.
SHOWN_REGION = Case(When(region__is_active=True, then=F("region__name")), default=Value(""))
COLUMNS = ("pk", "name", "slug", "summary", "logo", SHOWN_REGION, "employee_band")


def company_cards(
    company_ids: Iterable[int], snapshot: Snapshot | None = None
) -> list[CompanyCard]:
    """Cards of the published companies among these ids, in the order given."""
    snapshot = snapshot or current_snapshot()
    ids = [int(pk) for pk in company_ids]
    rows = Company.objects.published().filter(pk__any=ids).values_list(*COLUMNS, "last_verified_at")
    by_id = {
        row[0]: CompanyCard(
            pk=row[0],
            name=row[1],
            slug=row[2],
            summary=row[3],
            logo=row[4] or "",
            region=row[5] or "",
            is_sme=row[6] in Company.SME_BANDS,
            last_verified_at=row[7],
        )
        for row in rows
    }
    cards = [by_id[pk] for pk in ids if pk in by_id]
    _add_held(cards, snapshot)
    return cards


def _add_held(cards: list[CompanyCard], snapshot: Snapshot) -> None:
    """Fill each card's lists from the facet index's bitsets, in the options' order."""
    ids = [card.pk for card in cards]
    for attribute, param in HELD.items():
        includes = snapshot.includes(param)
        for card, options in zip(cards, snapshot.held(param, ids), strict=True):
            setattr(card, attribute, held_labels(options, includes))
