"""Every write that spans models: the one way the site changes a company or the taxonomy.

Each function is keyword-only and atomic, and keeps search current by saying what it touched
(``search_batch``, members.search.documents): the search documents are rewritten inside the
transaction, and after commit the directory's search version advances once per logical change.
Callers that make several writes one change (the admin saving a company with its inlines, an
import, the demo loader) open an outer ``search_batch`` around them.

No signal receivers do this work behind the caller's back. The exception is simple-history's own
receivers, which record parts (case studies, certifications, frameworks) and deletions; for a
company's own saves ``company_save`` writes the one history record itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from django.db import models, transaction
from django.db.models import Value
from django.utils import timezone

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from clusters.taxonomy import load_taxonomy
from members.logos import delete_after_commit
from members.models import (
    COMPANY_HISTORY,
    CaseStudy,
    Company,
    CompanyCertification,
    CompanyFramework,
    LinkRows,
    SearchSynonym,
)
from members.search.documents import SearchBatch, rebuild_everything, search_batch

LINK_FIELDS = ("clusters", "capabilities", "sectors")
CompanyPart = CaseStudy | CompanyCertification | CompanyFramework
TaxonomyItem = Cluster | Capability | Region | Certification | Framework | Sector


# Companies ----------------------------------------------------------------------------------


def company_save(
    *,
    company: Company,
    clusters: Iterable[Cluster] | None = None,
    capabilities: Iterable[Capability] | None = None,
    sectors: Iterable[Sector] | None = None,
) -> Company:
    """Save a new or changed company with these clusters, capabilities and sectors.

    ``None`` leaves that field as it is. Raises ValidationError when a capability lies outside
    the company's clusters. Writes one history record holding the fields and the links. A logo
    replaced by a new file (``members.logos.prepare_logo``) or cleared is deleted from storage
    once the change has committed.
    """
    clusters = None if clusters is None else list(clusters)
    capabilities = None if capabilities is None else list(capabilities)
    wanted = {
        "clusters": _unique(clusters),
        "capabilities": _unique(capabilities),
        "sectors": _unique(sectors),
    }
    with transaction.atomic(), search_batch() as batch:
        created = company._state.adding
        current = {} if created else _read_links(company.pk)
        _check_capabilities(clusters, capabilities, current)
        replaced_logo = "" if created else _logo_replaced_by(company)
        company.skip_history_when_saving = True  # type: ignore[attr-defined]
        try:
            company.save()  # writes a new logo's file to storage
        finally:
            del company.skip_history_when_saving  # type: ignore[attr-defined]
        if replaced_logo and replaced_logo != company.logo.name:
            delete_after_commit(company.logo.storage, replaced_logo)
        links = _write_links(company, wanted, current)
        COMPANY_HISTORY.record(company, "+" if created else "~", links)
        batch.add(company.pk)
    return company


def _logo_replaced_by(company: Company) -> str:
    """The stored logo this save stops using: a new file replaces it, or it was cleared.

    A logo left alone (or set back to a stored name, as a history revert does) replaces nothing,
    and costs no query. The row stays locked until commit, so two members replacing the same
    logo at once cannot both delete the one file and leave the other's new file unreferenced.
    """
    if company.logo and company.logo._committed:  # type: ignore[attr-defined]
        return ""
    stored = (
        Company.objects.select_for_update()
        .filter(pk=company.pk)
        .values_list("logo", flat=True)
        .first()
    )
    return stored or ""


def company_delete(*, company: Company) -> None:
    with transaction.atomic(), search_batch() as batch:
        batch.add(company.pk)
        logo, storage = company.logo.name, company.logo.storage
        company.delete()
        delete_after_commit(storage, logo)


def company_part_save(*, part: CompanyPart) -> None:
    """Save a case study, certification or framework place of a company."""
    with transaction.atomic(), search_batch() as batch:
        part.save()
        _touch(batch, part.company_id)


def company_part_delete(*, part: CompanyPart) -> None:
    with transaction.atomic(), search_batch() as batch:
        company_id = part.company_id
        part.delete()
        _touch(batch, company_id)


def _touch(batch: SearchBatch, company_id: int) -> None:
    """A part changed: the company counts as updated (unless it was saved in this change)."""
    if company_id not in batch.company_ids:
        Company.objects.filter(pk=company_id).update(updated_at=timezone.now())
        batch.add(company_id)


def _unique(objects: Iterable[models.Model] | None) -> list[int] | None:
    return None if objects is None else list(dict.fromkeys(obj.pk for obj in objects))


def _through(name: str) -> tuple[type[models.Model], str]:
    field = Company._meta.get_field(name)
    return field.remote_field.through, f"{field.m2m_reverse_field_name()}_id"  # type: ignore[union-attr]


def _read_links(company_id: int) -> LinkRows:
    """The company's link rows of every many-to-many field, in one query."""
    queries = []
    for name in LINK_FIELDS:
        through, target = _through(name)
        queries.append(
            through._default_manager.filter(company_id=company_id)
            .annotate(field_name=Value(name))
            .values_list("field_name", "pk", target)
        )
    links: LinkRows = {name: [] for name in LINK_FIELDS}
    for name, link_id, target_id in queries[0].union(*queries[1:], all=True):
        links[name].append((link_id, target_id))
    return links


def _check_capabilities(
    clusters: list[Cluster] | None, capabilities: list[Capability] | None, current: LinkRows
) -> None:
    """Capabilities must lie in the company's clusters; reads only what the caller left out."""
    if clusters is None and capabilities is None:
        return
    if clusters is None:
        clusters = [Cluster(pk=pk) for _, pk in current.get("clusters", [])]
    if capabilities is None:
        ids = [pk for _, pk in current.get("capabilities", [])]
        capabilities = list(Capability.objects.filter(pk__in=ids)) if ids else []
    Company.validate_capabilities(clusters, capabilities)


def _write_links(
    company: Company, wanted: dict[str, list[int] | None], current: LinkRows
) -> LinkRows:
    """Make each given field's links exactly the wanted ones: one delete, one insert at most."""
    links: LinkRows = {}
    for name in LINK_FIELDS:
        have = current.get(name, [])
        want = wanted[name]
        if want is None:
            links[name] = have
            continue
        want_set = set(want)
        have_targets = {pk for _, pk in have}
        kept = [(link_id, pk) for link_id, pk in have if pk in want_set]
        dropped = [link_id for link_id, pk in have if pk not in want_set]
        through, target = _through(name)
        if dropped:
            through._default_manager.filter(pk__in=dropped).delete()
        added = [pk for pk in want if pk not in have_targets]
        if added:
            rows = through._default_manager.bulk_create(
                [through(company_id=company.pk, **{target: pk}) for pk in added]
            )
            kept += [(row.pk, pk) for row, pk in zip(rows, added, strict=True)]
        links[name] = kept
    return links


# The taxonomy and the search vocabulary ---------------------------------------------------------


def taxonomy_item_save(*, item: TaxonomyItem) -> None:
    """Save a cluster, capability or reference-list entry; search follows renames."""
    with transaction.atomic(), search_batch() as batch:
        named = isinstance(item, Cluster | Capability)
        renamed = (
            named
            and not item._state.adding
            and type(item)._default_manager.filter(pk=item.pk).exclude(name=item.name).exists()
        )
        item.save()
        batch.taxonomy = True
        if renamed and isinstance(item, Cluster | Capability):
            batch.add(*_holders(item))


def taxonomy_item_delete(*, item: TaxonomyItem) -> None:
    with transaction.atomic(), search_batch() as batch:
        if isinstance(item, Cluster | Capability | Sector):
            batch.add(*_holders(item))
        item.delete()
        batch.taxonomy = True


def _holders(item: Cluster | Capability | Sector) -> Sequence[int]:
    return list(item.companies.values_list("pk", flat=True))


def taxonomy_load() -> Counter[str]:
    """Load clusters.reference_data (created, updated or unchanged per row)."""
    with transaction.atomic(), search_batch() as batch:
        outcomes = load_taxonomy()
        batch.taxonomy = bool(outcomes["created"] or outcomes["updated"])
        batch.everything = bool(outcomes["updated"])  # a renamed capability is in documents
    return outcomes


def synonym_save(*, synonym: SearchSynonym) -> None:
    with transaction.atomic(), search_batch() as batch:
        synonym.save()
        batch.synonyms = True


def synonym_delete(*, synonym: SearchSynonym) -> None:
    with transaction.atomic(), search_batch() as batch:
        synonym.delete()
        batch.synonyms = True


def search_rebuild() -> None:
    """Every search document and the vocabulary from scratch (after bulk loads or repairs)."""
    rebuild_everything()
