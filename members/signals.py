"""Keep search current: the stored text document, the facet index token, the vocabulary.

Every path that changes what a buyer can find goes through here: a company saved or deleted,
its clusters/capabilities/sectors changed, its case studies, certifications or frameworks
changed, or the taxonomy renamed. Bulk loaders that bypass signals call ``directory_changed``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from members.facets import mark_directory_changed
from members.models import (
    CaseStudy,
    Company,
    CompanyCertification,
    CompanyFramework,
    SearchSynonym,
)
from members.search import add_search_terms, update_search_documents


def directory_changed(company_ids: Iterable[int] | None = None, *, text: bool = True) -> None:
    """Refresh the search document of these companies and invalidate the facet indexes."""
    if text:
        update_search_documents(company_ids)
    mark_directory_changed()


def _touch(company_ids: Iterable[int]) -> None:
    Company.objects.filter(pk__in=list(company_ids)).update(updated_at=timezone.now())


@receiver(post_save, sender=Company)
def company_saved(sender: type, instance: Company, raw: bool = False, **kwargs: object) -> None:
    if raw:
        return
    directory_changed([instance.pk])
    if instance.is_published:
        add_search_terms([instance.name, instance.summary])


@receiver(post_delete, sender=Company)
def company_deleted(sender: type, instance: Company, **kwargs: object) -> None:
    mark_directory_changed()


def _m2m_company_ids(instance: object, reverse: bool, pk_set: set[int] | None) -> list[int]:
    if not reverse:
        return [instance.pk]
    return list(pk_set or [])


@receiver(m2m_changed, sender=Company.clusters.through)
@receiver(m2m_changed, sender=Company.capabilities.through)
@receiver(m2m_changed, sender=Company.sectors.through)
def company_tags_changed(
    sender: type,
    instance: object,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: object,
) -> None:
    if action == "pre_clear" and reverse:
        # The reverse clear does not say which companies it touches: note them first.
        # (Cluster, Capability and Sector all name their companies "companies".)
        instance._search_cleared_ids = list(instance.companies.values_list("pk", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action != "post_clear" and not pk_set:
        return
    if action == "post_clear" and reverse:
        ids = getattr(instance, "_search_cleared_ids", [])
    else:
        ids = _m2m_company_ids(instance, reverse, pk_set)
    _touch(ids)
    directory_changed(ids, text=sender is not Company.sectors.through)


@receiver(post_save, sender=CaseStudy)
@receiver(post_delete, sender=CaseStudy)
def case_study_changed(sender: type, instance: CaseStudy, **kwargs: object) -> None:
    if kwargs.get("raw"):
        return
    _touch([instance.company_id])
    directory_changed([instance.company_id])
    add_search_terms([instance.title])


@receiver(post_save, sender=CompanyCertification)
@receiver(post_delete, sender=CompanyCertification)
@receiver(post_save, sender=CompanyFramework)
@receiver(post_delete, sender=CompanyFramework)
def listing_changed(sender: type, instance: object, **kwargs: object) -> None:
    if kwargs.get("raw"):
        return
    _touch([instance.company_id])
    mark_directory_changed()


@receiver(post_save, sender=Cluster)
@receiver(post_save, sender=Capability)
def taxonomy_term_saved(sender: type, instance: Cluster | Capability, **kwargs: object) -> None:
    if kwargs.get("raw"):
        return
    add_search_terms([instance.name])
    directory_changed(instance.companies.values_list("pk", flat=True))


@receiver(post_save, sender=Region)
@receiver(post_save, sender=Certification)
@receiver(post_save, sender=Framework)
@receiver(post_save, sender=Sector)
@receiver(post_delete, sender=Cluster)
@receiver(post_delete, sender=Capability)
@receiver(post_delete, sender=Region)
@receiver(post_delete, sender=Certification)
@receiver(post_delete, sender=Framework)
@receiver(post_delete, sender=Sector)
def reference_list_changed(sender: type, **kwargs: object) -> None:
    if kwargs.get("raw"):
        return
    mark_directory_changed()


@receiver(post_save, sender=SearchSynonym)
@receiver(post_delete, sender=SearchSynonym)
def synonym_changed(sender: type, instance: SearchSynonym, **kwargs: object) -> None:
    if kwargs.get("signal") is post_save:
        add_search_terms([instance.term, instance.expansion])
    mark_directory_changed()  # remembered text matches used the old synonyms
