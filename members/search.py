"""Buyer search: one query builder for the results page, the CSV export and the tests.

PostgreSQL gets the real thing: a stored, weighted ``tsvector`` per company (name A; clusters,
capabilities and summary B; description and case studies C), ``websearch_to_tsquery`` with English
stemming, relevance ranking, staff-curated synonyms and ``pg_trgm`` spelling suggestions.
SQLite, the zero-setup demo database, gets the same interface with plain matching: every word
must appear somewhere in the company's text, case-insensitively.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from members.facets import FACETS, FacetIndex, get_index

if TYPE_CHECKING:
    from members.filters import CompanyFilter
from members.models import CaseStudy, Company, SearchSynonym, SearchTerm

SEARCH_CONFIG = "english"
TEXT_CACHE_SIZE = 64
_text_cache: OrderedDict[tuple[object, ...], tuple[np.ndarray, np.ndarray]] = OrderedDict()
_text_cache_lock = threading.Lock()
# Private-use characters mark highlights inside ts_headline output; the text is escaped first,
# then they become <mark> tags, so a company's own text can never inject markup.
MARK_START, MARK_STOP = "\ue000", "\ue001"
SNIPPET_WORDS = 28
SUGGESTION_MIN_SIMILARITY = 0.3
MAX_QUERY_WORDS = 12
WORD_RE = re.compile(r"[\w'-]+", re.UNICODE)
OPERATOR_WORDS = {"or", "and", "not"}


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# Keeping the search document current ----------------------------------------------------------

_DOCUMENT_SQL = """
UPDATE members_company AS c SET search_vector =
    setweight(to_tsvector('english', coalesce(c.name, '')), 'A')
    || setweight(to_tsvector('english', coalesce(c.summary, '') || ' ' || coalesce((
        SELECT string_agg(k.name, ' ') FROM members_company_clusters AS mc
        JOIN clusters_cluster AS k ON k.id = mc.cluster_id WHERE mc.company_id = c.id
    ), '') || ' ' || coalesce((
        SELECT string_agg(cap.name, ' ') FROM members_company_capabilities AS cc
        JOIN clusters_capability AS cap ON cap.id = cc.capability_id WHERE cc.company_id = c.id
    ), '')), 'B')
    || setweight(to_tsvector('english', coalesce(c.description, '') || ' ' || coalesce((
        SELECT string_agg(cs.title || ' ' || cs.client || ' ' || cs.summary, ' ')
        FROM members_casestudy AS cs WHERE cs.company_id = c.id
    ), '')), 'C')
"""


def update_search_documents(company_ids: Iterable[int] | None = None) -> None:
    """Recompute the stored search document of these companies (all when ``None``)."""
    if not is_postgres():
        return
    with connection.cursor() as cursor:
        if company_ids is None:
            cursor.execute(_DOCUMENT_SQL)
        else:
            ids = list(company_ids)
            if ids:
                cursor.execute(_DOCUMENT_SQL + " WHERE c.id = ANY(%s)", [ids])


def words_of(texts: Iterable[str]) -> set[str]:
    return {
        word.lower().strip("'-")
        for text in texts
        for word in WORD_RE.findall(text)
        if len(word) >= 3 and not word.isdigit()
    }


def add_search_terms(texts: Iterable[str]) -> None:
    """Remember the words of these texts as real terms for spelling suggestions."""
    terms = [SearchTerm(term=word[:80]) for word in sorted(words_of(texts))]
    SearchTerm.objects.bulk_create(terms, ignore_conflicts=True, batch_size=2000)


def rebuild_search_terms() -> None:
    from clusters.models import Capability, Certification, Cluster, Sector

    texts: list[str] = []
    for model in (Cluster, Capability, Certification, Sector):
        texts.extend(model.objects.values_list("name", flat=True))
    for name, summary in Company.objects.published().values_list("name", "summary").iterator():
        texts.extend((name, summary))
    texts.extend(CaseStudy.objects.values_list("title", flat=True).iterator())
    texts.extend(SearchSynonym.objects.values_list("term", flat=True))
    texts.extend(SearchSynonym.objects.values_list("expansion", flat=True))
    SearchTerm.objects.all().delete()
    add_search_terms(texts)


def rebuild_search_index() -> None:
    """Recompute every company's search document and the suggestion vocabulary."""
    update_search_documents(None)
    rebuild_search_terms()


# Understanding the buyer's words --------------------------------------------------------------


def expand_synonyms(text: str, synonyms: Sequence[tuple[str, str]] | None = None) -> list[str]:
    """The query as typed, plus one variant per synonym term found in it (as a phrase)."""
    if not text:
        return []
    if synonyms is None:
        synonyms = list(SearchSynonym.objects.values_list("term", "expansion"))
    variants = [text]
    lowered = text.lower()
    for term, expansion in synonyms:
        for source, target in ((term, expansion), (expansion.lower(), term)):
            pattern = re.compile(rf"(?<![\w]){re.escape(source)}(?![\w])", re.IGNORECASE)
            if pattern.search(lowered):
                replacement = f'"{target}"' if " " in target else target
                variants.append(pattern.sub(lambda _m, r=replacement: r, text))
    return list(dict.fromkeys(variants))


def plain_words(text: str) -> list[str]:
    """The words of a query, without websearch operators (quotes, -exclusions, OR)."""
    words = []
    for token in text.split():
        if token.startswith("-") or token.lower() in OPERATOR_WORDS:
            continue
        words.extend(WORD_RE.findall(token.strip('"')))
    return words[:MAX_QUERY_WORDS]


def _closest_term_postgres(word: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT term FROM members_searchterm"
            " WHERE term %% %s AND similarity(term, %s) >= %s"
            " ORDER BY similarity(term, %s) DESC, term LIMIT 1",
            [word, word, SUGGESTION_MIN_SIMILARITY, word],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _closest_term_plain(word: str) -> str | None:
    """SQLite (the demo): difflib over the vocabulary, which is small there."""
    terms = SearchTerm.objects.filter(term__startswith=word[:1]).values_list("term", flat=True)
    matches = difflib.get_close_matches(word, list(terms[:20_000]), n=1, cutoff=0.8)
    return matches[0] if matches else None


def suggest_spelling(text: str) -> str | None:
    """The query with each unknown word replaced by the most similar real term, if any."""
    if not text:
        return None
    closest = _closest_term_postgres if is_postgres() else _closest_term_plain
    suggestion = text
    for word in dict.fromkeys(plain_words(text)):
        lowered = word.lower()
        if len(word) < 4 or SearchTerm.objects.filter(term=lowered).exists():
            continue
        term = closest(lowered)
        if term and term != lowered:
            suggestion = re.sub(rf"(?<![\w]){re.escape(word)}(?![\w])", term, suggestion)
    return suggestion if suggestion != text else None


def build_tsquery(text: str) -> SearchQuery | None:
    variants = expand_synonyms(text)
    if not variants:
        return None
    query = SearchQuery(variants[0], search_type="websearch", config=SEARCH_CONFIG)
    for variant in variants[1:]:
        query |= SearchQuery(variant, search_type="websearch", config=SEARCH_CONFIG)
    return query


def _sqlite_word_filter(word: str) -> Q:
    in_case_studies = CaseStudy.objects.filter(company=OuterRef("pk")).filter(
        Q(title__icontains=word) | Q(client__icontains=word) | Q(summary__icontains=word)
    )
    in_capabilities = Company.capabilities.through.objects.filter(
        company=OuterRef("pk"), capability__name__icontains=word
    )
    in_clusters = Company.clusters.through.objects.filter(
        company=OuterRef("pk"), cluster__name__icontains=word
    )
    return (
        Q(name__icontains=word)
        | Q(summary__icontains=word)
        | Q(description__icontains=word)
        | Exists(in_capabilities)
        | Exists(in_clusters)
        | Exists(in_case_studies)
    )


def _sqlite_text_filter(text: str) -> Q:
    """Simple matching: every word of any synonym variant, in any field, any case."""
    condition = Q(pk__in=[])
    for variant in expand_synonyms(text):
        words = plain_words(variant)
        if not words:
            continue
        variant_condition = Q()
        for word in words:
            variant_condition &= _sqlite_word_filter(word)
        condition |= variant_condition
    return condition


@dataclass
class TextSearch:
    """A buyer's free text, ready to filter, rank and highlight a Company queryset."""

    text: str
    tsquery: SearchQuery | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, text: str) -> TextSearch:
        tsquery = build_tsquery(text) if (text and is_postgres()) else None
        return cls(text=text, tsquery=tsquery)

    def __bool__(self) -> bool:
        return bool((self.text and plain_words(self.text)) or self.tsquery is not None)

    def filter(self, queryset: QuerySet[Company]) -> QuerySet[Company]:
        if not self:
            return queryset
        if self.tsquery is not None:
            return queryset.filter(search_vector=self.tsquery)
        return queryset.filter(_sqlite_text_filter(self.text))

    def rank(self, queryset: QuerySet[Company]) -> QuerySet[Company]:
        """Annotate ``rank``: the name weighs most (A), then clusters, capabilities, summary (B).

        Ordering happens in the facet index (members.facets), over every match at once.
        """
        return queryset.annotate(
            rank=SearchRank(F("search_vector"), self.tsquery, normalization=Value(1))
        )

    def with_snippets(self, companies: Sequence[Company]) -> None:
        """Set ``company.snippet`` (safe HTML) to where the words matched, for one page."""
        if not self:
            return
        if self.tsquery is not None:
            self._postgres_snippets(companies)
        else:
            words = plain_words(self.text)
            for company in companies:
                company.snippet = python_snippet(f"{company.summary} {company.description}", words)

    def _postgres_snippets(self, companies: Sequence[Company]) -> None:
        ids = [company.pk for company in companies]
        if not ids:
            return
        headlines = dict(
            Company.objects.filter(pk__in=ids)
            .annotate(
                snippet=SearchHeadline(
                    Concat("summary", Value(" "), "description", output_field=TextField()),
                    self.tsquery,
                    config=SEARCH_CONFIG,
                    start_sel=MARK_START,
                    stop_sel=MARK_STOP,
                    max_words=SNIPPET_WORDS,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                )
            )
            .values_list("pk", "snippet")
        )
        for company in companies:
            company.snippet = highlighted(headlines.get(company.pk, ""))


def highlighted(headline: str) -> SafeString:
    """Escape the text, then turn the highlight markers into <mark> elements."""
    text = escape(headline)
    if text.count(MARK_START) != text.count(MARK_STOP):
        text = text.replace(MARK_START, "").replace(MARK_STOP, "")
    html = text.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - built from escaped text and our own tags only


def python_snippet(text: str, words: Sequence[str], width: int = 160) -> SafeString:
    """SQLite's snippet: the text around the first matching word, words highlighted."""
    lowered = text.lower()
    positions = [lowered.find(word.lower()) for word in words if word]
    positions = [p for p in positions if p >= 0]
    if not positions:
        return highlighted("")
    start = max(0, min(positions) - width // 3)
    end = min(len(text), start + width)
    fragment = text[start:end]
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    fragment = re.sub(
        f"({alternatives})", rf"{MARK_START}\1{MARK_STOP}", fragment, flags=re.IGNORECASE
    )
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return highlighted(prefix + fragment + suffix)


# Running a search ------------------------------------------------------------------------------


@dataclass
class FacetOptionView:
    key: str
    label: str
    group: str
    count: int
    selected: bool


@dataclass
class FacetView:
    param: str
    label: str
    help_text: str
    options: list[FacetOptionView]

    @property
    def selected_count(self) -> int:
        return sum(option.selected for option in self.options)

    @property
    def groups(self) -> list[tuple[str, list[FacetOptionView]]]:
        grouped: dict[str, list[FacetOptionView]] = {}
        for option in self.options:
            grouped.setdefault(option.group, []).append(option)
        return list(grouped.items())


@dataclass
class SearchOutcome:
    """Everything a results page, an export or a test needs to know about one search."""

    ordered_ids: np.ndarray
    total: int
    sort: str
    facets: list[FacetView]
    text: str
    corrected_from: str = ""
    suggestion: str = ""

    def page_ids(self, offset: int, limit: int) -> list[int]:
        return [int(pk) for pk in self.ordered_ids[offset : offset + limit]]


@dataclass
class CompanySearch:
    """One buyer search: free text, facet selections, a letter and a sort order."""

    text: str = ""
    selected: dict[str, list[str]] = field(default_factory=dict)
    letter: str = ""
    sort: str = ""

    def run(self, index: FacetIndex | None = None) -> SearchOutcome:
        index = index or get_index()
        outcome = self._run_text(self.text, index)
        if outcome.total == 0 and self.text:
            suggestion = suggest_spelling(self.text)
            if suggestion:
                corrected = self._run_text(suggestion, index)
                if corrected.total:
                    corrected.corrected_from = self.text
                    return corrected
                outcome.suggestion = suggestion
        return outcome

    def effective_sort(self, text: str) -> str:
        if self.sort in {"name", "updated"}:
            return self.sort
        return "relevance" if text else "name"

    def _run_text(self, text: str, index: FacetIndex) -> SearchOutcome:
        search = TextSearch.parse(text)
        base = index.everything()
        scores = None
        if search:
            ids, ranks = self._text_matches(search, index)
            positions = index.positions_of_ids(ids)
            known = positions >= 0
            base &= index.mask_of_ids(ids)
            scores = np.zeros(index.size)
            scores[positions[known]] = ranks[known]
        if self.letter:
            base &= index.letter_mask(self.letter)
        masks = {param: index.mask_for(param, keys) for param, keys in self.selected.items()}
        masks = {param: mask for param, mask in masks.items() if mask is not None}
        final = base.copy()
        for mask in masks.values():
            final &= mask
        sort = self.effective_sort(search.text if search else "")
        return SearchOutcome(
            ordered_ids=self._order(index, final, sort, scores),
            total=int(np.count_nonzero(final)),
            sort=sort,
            facets=self._facet_views(index, base, masks),
            text=text,
        )

    @staticmethod
    def _text_matches(search: TextSearch, index: FacetIndex) -> tuple[np.ndarray, np.ndarray]:
        """Matching company ids and their relevance, remembered while the directory is unchanged.

        Ranking every match is the costly part of a common word (0.1-0.3 s at 100,000
        companies); a buyer who then ticks facets repeats the same text, so it is kept.
        """
        key = (index.key, index.token, index.today, search.text)
        with _text_cache_lock:
            cached = _text_cache.get(key)
            if cached is not None:
                _text_cache.move_to_end(key)
                return cached
        queryset = search.filter(Company.objects.published()).order_by()
        if search.tsquery is None:
            ids = np.fromiter(queryset.values_list("pk", flat=True), dtype=np.int64)
            result = (ids, np.zeros(len(ids)))
        else:
            rows = list(search.rank(queryset).values_list("pk", "rank"))
            result = (
                np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows)),
                np.fromiter((row[1] for row in rows), dtype=np.float64, count=len(rows)),
            )
        with _text_cache_lock:
            _text_cache[key] = result
            while len(_text_cache) > TEXT_CACHE_SIZE:
                _text_cache.popitem(last=False)
        return result

    @staticmethod
    def _order(
        index: FacetIndex, final: np.ndarray, sort: str, scores: np.ndarray | None
    ) -> np.ndarray:
        if sort == "updated":
            order = index.updated_order[final[index.updated_order]]
            return index.ids[order]
        positions = np.flatnonzero(final)  # name order
        if sort == "relevance" and scores is not None:
            positions = positions[np.lexsort((positions, -scores[positions]))]
        return index.ids[positions]

    def _facet_views(
        self, index: FacetIndex, base: np.ndarray, masks: dict[str, np.ndarray]
    ) -> list[FacetView]:
        views = []
        for facet in FACETS:
            # Disjunctive: every other facet's selection applies, this facet's own does not.
            within = base.copy()
            for param, mask in masks.items():
                if param != facet.param:
                    within &= mask
            counts = index.counts(facet.param, within)
            chosen = set(self.selected.get(facet.param, []))
            options = [
                FacetOptionView(o.key, o.label, o.group, counts[o.key], o.key in chosen)
                for o in index.facets[facet.param].options
                if counts[o.key] or o.key in chosen
            ]
            views.append(FacetView(facet.param, facet.label, facet.help_text, options))
        return views


def search_from_filter(filterset: CompanyFilter) -> CompanySearch:
    """The search that a validated set of URL parameters asks for."""
    filterset.form.is_valid()
    data = filterset.form.cleaned_data
    return CompanySearch(
        text=data.get("q") or "",
        selected=filterset.selected(),
        letter=data.get("letter") or "",
        sort=data.get("sort") or "",
    )


def companies_in_order(company_ids: Sequence[int]) -> list[Company]:
    """The published companies with these ids, with card data, in the order given."""
    ids = [int(pk) for pk in company_ids]
    by_id = {c.pk: c for c in Company.objects.published().filter(pk__in=ids).with_card_data()}
    return [by_id[pk] for pk in ids if pk in by_id]


def describe_search(search: CompanySearch, index: FacetIndex, sort: str = "") -> str:
    """The search criteria in words, for the export file and its name."""
    parts = []
    if search.text:
        parts.append(f"Search \u201c{search.text}\u201d")
    for facet in FACETS:
        keys = search.selected.get(facet.param) or []
        if keys:
            labels = {o.key: o.label for o in index.facets[facet.param].options}
            parts.append(f"{facet.label}: " + " or ".join(labels.get(k, k) for k in keys))
    if search.letter:
        parts.append(f"Name starts with {search.letter}")
    if sort:
        parts.append(f"Sorted by {sort}")
    return "; ".join(parts) or "All published companies"
