"""Keeping search current after a write: search documents, spelling vocabulary, change log.

Every write goes through members.services, which wraps each logical change in ``search_batch``
and says which companies it touched. When the outermost batch closes without an error:

1. the search documents of those companies are rewritten (members.search.text), inside the
   writer's transaction, so a document never disagrees with what was committed; so is the
   spelling vocabulary, which holds the words of published documents (``SearchDocument.terms``)
   and of the taxonomy and synonyms (reference words), and nothing else;
2. after the commit, one ``SearchChange`` is recorded (members.search.index), and every process
   patches its facet index on its next request. A rolled-back write records nothing.

Batches nest: a service that calls another, or the admin saving a company with its inlines, is
one logical change, one document write per company and one version.

Time changes search too: a certificate that expires today was in documents written yesterday.
``follow_expiries`` rewrites those once a day.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from members.models import (
    CompanyCertification,
    CompanyFramework,
    SearchDocument,
    SearchState,
    SearchSynonym,
    SearchTerm,
)
from members.search.index import record_change
from members.search.text import WORDS_PER_STATEMENT, TextBackend, backend, words_of


@dataclass
class SearchBatch:
    """What one logical change touched."""

    company_ids: set[int] = field(default_factory=set)
    taxonomy: bool = False  # facet options or their names changed
    everything: bool = False  # rewrite every document and rebuild every index
    synonyms: bool = False  # remembered text matches used the old synonyms
    leaving: set[str] = field(default_factory=set)  # words of documents deleted with companies

    def add(self, *company_ids: int | None) -> None:
        self.company_ids.update(pk for pk in company_ids if pk is not None)

    def add_deleted(self, company_id: int) -> None:
        """A company about to be deleted. Its document goes with it, before the batch writes,
        so the words it gave the vocabulary are read now, for the batch to drop if unheld."""
        self.add(company_id)
        for terms in SearchDocument.objects.filter(company_id=company_id).values_list(
            "terms", flat=True
        ):
            self.leaving.update(terms.split())

    def __bool__(self) -> bool:
        return bool(self.company_ids or self.taxonomy or self.everything or self.synonyms)


_local = threading.local()


@contextmanager
def search_batch() -> Iterator[SearchBatch]:
    """Collect what a write touches; write documents at the end and record it after commit."""
    outer: SearchBatch | None = getattr(_local, "batch", None)
    if outer is not None:
        yield outer
        return
    batch = _local.batch = SearchBatch()
    try:
        yield batch
    finally:
        _local.batch = None
    if batch:  # not reached when the block raised: nothing was written, nothing to record
        write_documents(batch)
        transaction.on_commit(partial(_record, batch))


def write_documents(batch: SearchBatch) -> None:
    text = backend()
    if batch.everything:
        text.write_documents(None)
    elif batch.company_ids:
        text.write_documents(sorted(batch.company_ids), batch.leaving)
    if batch.everything or batch.taxonomy or batch.synonyms:
        follow_reference_words(text)


def _record(batch: SearchBatch) -> None:
    record_change(batch.company_ids, taxonomy=batch.taxonomy, rebuild=batch.everything)


def reference_words() -> Iterable[str]:
    """Words of the taxonomy and the synonyms, which the vocabulary knows besides companies'."""
    for model in (Cluster, Capability, Certification, Framework, Region, Sector):
        yield from model.objects.active().values_list("name", flat=True)
    for term, expansion in SearchSynonym.objects.values_list("term", "expansion"):
        yield term
        yield expansion


def follow_reference_words(text: TextBackend) -> None:
    """Flag the words of the taxonomy and the synonyms as reference words, and only those; a word
    that stops being one (a renamed capability, a deleted synonym) leaves the vocabulary unless a
    document holds it. Reads the flagged words rather than clearing every flag and setting them
    again, so that an unchanged taxonomy costs one read and writes nothing."""
    wanted = words_of(reference_words())
    flagged = set(SearchTerm.objects.filter(reference=True).values_list("term", flat=True))
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=word, reference=True) for word in sorted(wanted - flagged)],
        update_conflicts=True,
        unique_fields=["term"],
        update_fields=["reference"],
        batch_size=2000,
    )
    dropped = sorted(flagged - wanted)
    for start in range(0, len(dropped), WORDS_PER_STATEMENT):
        SearchTerm.objects.filter(term__in=dropped[start : start + WORDS_PER_STATEMENT]).update(
            reference=False
        )
    text.forget_unheld_terms(dropped)


def follow_expiries(today: datetime.date | None = None) -> int:
    """Rewrite the documents of the companies whose certificates or framework places have expired
    since the last call, so that search stops finding them by what they no longer hold; return
    how many. A document only says what was current when it was written, and nothing is written
    when a date passes. Once a day is enough: any process may call it, the first each day works
    (the state row, locked, says which day was last followed), the others read one row.
    """
    today = today or timezone.localdate()
    if SearchState.objects.filter(pk=1, expiries_followed_on__gte=today).exists():
        return 0
    with transaction.atomic():
        state, _ = SearchState.objects.select_for_update().get_or_create(pk=1)
        since = state.expiries_followed_on
        if since is not None and since >= today:
            return 0
        expired = Q(valid_until__lt=today)
        if since is not None:  # documents written since then already left out older expiries
            expired &= Q(valid_until__gte=since)
        company_ids = set(
            CompanyCertification.objects.filter(expired).values_list("company_id", flat=True)
        )
        company_ids |= set(
            CompanyFramework.objects.filter(expired).values_list("company_id", flat=True)
        )
        state.expiries_followed_on = today
        state.save(update_fields=["expiries_followed_on"])
        with search_batch() as batch:
            batch.add(*company_ids)
    return len(company_ids)


def rebuild_everything() -> None:
    """Rewrite every document and the whole vocabulary, reference flags included; every process
    rebuilds its index."""
    with transaction.atomic():
        SearchTerm.objects.all().delete()
        with search_batch() as batch:
            batch.everything = True
