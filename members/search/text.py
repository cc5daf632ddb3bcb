"""Free-text search: understanding the buyer's words, and two backends behind one interface.

``PostgresText`` is the real thing: per published company a ``SearchDocument`` with three
weighted ``tsvector`` columns and GIN indexes, ``websearch_to_tsquery`` with English stemming
(``"phrases"``, ``-exclusion``, ``OR``), staff-curated synonyms, and ``pg_trgm`` spelling
suggestions. Relevance comes in tiers read straight from the indexes, so no per-match ranking
function runs however many companies match: every word in the name first, then every word in the
name, summary, clusters and capabilities, then anywhere (description, case studies); within a
tier, name order.

``PlainText`` serves SQLite, the zero-setup demo database: every word must appear somewhere in the
company's text, case-insensitively; spelling is corrected with difflib; there is no ranking.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Prefetch

from clusters.models import Capability, Cluster
from members.models import Company, SearchDocument, SearchSynonym, SearchTerm
from members.search.facets import ids_array
from members.search.highlight import MARK_START, MARK_STOP, marked_excerpt

SEARCH_CONFIG = "english"
SNIPPET_WORDS = 28
SUGGESTION_MIN_SIMILARITY = 0.3
MAX_QUERY_WORDS = 12
WORD_RE = re.compile(r"[\w'-]+", re.UNICODE)
OPERATOR_WORDS = {"or", "and", "not"}
# Relevance tiers (see the module docstring).
IN_NAME, IN_SUMMARY, ELSEWHERE = 2.0, 1.0, 0.0


# Understanding the buyer's words ----------------------------------------------------------------


def plain_words(text: str) -> list[str]:
    """The words of a query, without websearch operators (quotes, -exclusions, OR)."""
    words = []
    for token in text.split():
        if token.startswith("-") or token.lower() in OPERATOR_WORDS:
            continue
        words.extend(WORD_RE.findall(token.strip('"')))
    return words[:MAX_QUERY_WORDS]


def words_of(texts: Iterable[str]) -> set[str]:
    """Vocabulary words: lower-case, three letters or more, not numbers."""
    return {
        word.lower().strip("'-")[:80]
        for text in texts
        for word in WORD_RE.findall(text)
        if len(word.strip("'-")) >= 3 and not word.isdigit()
    }


def synonym_pairs() -> list[tuple[str, str]]:
    return list(SearchSynonym.objects.values_list("term", "expansion"))


def expand_synonyms(text: str, synonyms: Sequence[tuple[str, str]]) -> list[str]:
    """The query as typed, plus one variant per synonym found in it (as a phrase), both ways."""
    if not text:
        return []
    variants = [text]
    lowered = text.lower()
    for term, expansion in synonyms:
        for source, target in ((term, expansion), (expansion.lower(), term)):
            pattern = re.compile(rf"(?<![\w]){re.escape(source)}(?![\w])", re.IGNORECASE)
            if pattern.search(lowered):
                replacement = f'"{target}"' if " " in target else target
                # A function, so a backslash in the replacement is never read as an escape.
                variants.append(pattern.sub(_literally(replacement), text))
    return list(dict.fromkeys(variants))


def _literally(replacement: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: replacement


@dataclass(frozen=True)
class TextMatches:
    """The published companies a text matches, with a relevance score each (higher first)."""

    ids: np.ndarray  # int64
    scores: np.ndarray  # float64, same length

    @property
    def nbytes(self) -> int:
        return int(self.ids.nbytes + self.scores.nbytes)

    @classmethod
    def none(cls) -> TextMatches:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0))

    def replaced(self, company_ids: Sequence[int], fresh: TextMatches) -> TextMatches:
        """These matches with what they said about these companies replaced by ``fresh``."""
        keep = ~np.isin(self.ids, np.asarray(company_ids, dtype=np.int64))
        return TextMatches(
            np.concatenate([self.ids[keep], fresh.ids]),
            np.concatenate([self.scores[keep], fresh.scores]),
        )


class TextBackend(Protocol):
    """How one kind of database searches, highlights and keeps its search documents."""

    def matches(
        self,
        text: str,
        synonyms: Sequence[tuple[str, str]],
        among: Sequence[int] | None = None,
    ) -> TextMatches:
        """The published companies the text matches (only ``among`` these ids, when given)."""
        ...

    def marked_snippets(
        self, text: str, synonyms: Sequence[tuple[str, str]], company_ids: Sequence[int]
    ) -> dict[int, str]:
        """Where the text matched in what a card does not show (description, case studies),
        marked; a company whose text matched only in what the card shows gets none."""
        ...

    def closest_term(self, word: str) -> str | None: ...

    def write_documents(self, company_ids: Sequence[int] | None) -> None: ...


# PostgreSQL ------------------------------------------------------------------------------------

# Everything a document is made of, per company, for the companies in {where}: the name (A);
# the summary, clusters and capabilities (B); the description and case studies (C). Deactivated
# clusters and capabilities are left out, as everywhere buyers look (PlainText does the same).
_SOURCE = """
    SELECT c.id, c.status, c.name, c.summary,
        c.summary || ' ' || coalesce((
            SELECT string_agg(k.name, ', ') FROM members_company_clusters mc
            JOIN clusters_cluster k ON k.id = mc.cluster_id
            WHERE mc.company_id = c.id AND k.is_active
        ), '') || ' ' || coalesce((
            SELECT string_agg(cap.name, ', ') FROM members_company_capabilities cc
            JOIN clusters_capability cap ON cap.id = cc.capability_id
            JOIN clusters_cluster ck ON ck.id = cap.cluster_id
            WHERE cc.company_id = c.id AND cap.is_active AND ck.is_active
        ), '') AS middle,
        c.description || ' ' || coalesce((
            SELECT string_agg(cs.title || '. ' || cs.client || '. ' || cs.summary, ' ')
            FROM members_casestudy cs WHERE cs.company_id = c.id
        ), '') AS rest,
        coalesce((
            SELECT string_agg(cs.title, ' ') FROM members_casestudy cs WHERE cs.company_id = c.id
        ), '') AS titles
    FROM members_company c WHERE {where}
"""

# One statement: drop the documents of companies no longer published, write the others' (their
# text as written, for highlighting, and the three vectors), and add their words (name, summary,
# case-study titles) to the spelling vocabulary. (Built from the constant fragments above only;
# values always travel as parameters.)
_WRITE = f"""
WITH source AS ({_SOURCE}),
gone AS (
    DELETE FROM members_searchdocument d WHERE {{gone}} AND NOT EXISTS (
        SELECT 1 FROM source s WHERE s.id = d.company_id AND s.status = 'published'
    )
),
vectors AS (
    SELECT s.id, s.name || '. ' || s.middle || '. ' || s.rest AS text,
        setweight(to_tsvector('english', s.name), 'A') AS a,
        setweight(to_tsvector('english', s.middle), 'B') AS b,
        setweight(to_tsvector('english', s.rest), 'C') AS c
    FROM source s WHERE s.status = 'published'
),
saved AS (
    INSERT INTO members_searchdocument (company_id, text, name_vector, ranking, document)
    SELECT id, text, a, a || b, a || b || c FROM vectors
    ON CONFLICT (company_id) DO UPDATE SET text = EXCLUDED.text,
        name_vector = EXCLUDED.name_vector, ranking = EXCLUDED.ranking,
        document = EXCLUDED.document
)
INSERT INTO members_searchterm (term)
SELECT DISTINCT left(word, 80) FROM (
    SELECT btrim(piece, '''-') AS word FROM source s,
        regexp_split_to_table(lower(s.name || ' ' || s.summary || ' ' || s.titles),
                              '[^[:alnum:]_''-]+') AS piece
    WHERE s.status = 'published'
) words
WHERE length(word) >= 3 AND word !~ '^[0-9]+$'
ON CONFLICT (term) DO NOTHING
"""

# The query is computed once and handed to each index scan as a parameter: the planner then
# always uses the GIN indexes, even for a word most companies contain (a sequential scan would
# read every document). The ids come back as one string per tier, not as a row per match.
_MATCHES = """
WITH query AS MATERIALIZED (SELECT {tsquery} AS q)
SELECT
    (SELECT string_agg(company_id::text, ',') FROM members_searchdocument
     WHERE document @@ (SELECT q FROM query) {among}),
    (SELECT string_agg(company_id::text, ',') FROM members_searchdocument
     WHERE ranking @@ (SELECT q FROM query) {among}),
    (SELECT string_agg(company_id::text, ',') FROM members_searchdocument
     WHERE name_vector @@ (SELECT q FROM query) {among})
"""


# The documents' GIN indexes (members/migrations/0005) keep no pending list, so every search
# reads exact, compact posting lists. Writing thousands of documents that way costs about 1 ms
# each per index, so large writes switch the pending list on while they write, then fold it in.
GIN_INDEXES = (
    "members_searchdocument_document_gin",
    "members_searchdocument_ranking_gin",
    "members_searchdocument_name_gin",
)
MANY_DOCUMENTS = 200


@contextmanager
def _gin_batched(cursor: CursorWrapper, many: bool) -> Iterator[None]:
    if not many:
        yield
        return
    for name in GIN_INDEXES:
        cursor.execute(f"ALTER INDEX {name} SET (fastupdate = on)")
    yield
    for name in GIN_INDEXES:
        cursor.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])


def _tsquery_sql(variants: Sequence[str]) -> tuple[str, dict[str, str]]:
    """The query, each variant (the text as typed, its synonyms) OR-ed, as named parameters."""
    params = {f"variant{n}": variant for n, variant in enumerate(variants)}
    sql = " || ".join(f"websearch_to_tsquery('{SEARCH_CONFIG}', %({name})s)" for name in params)
    return sql, params


class PostgresText:
    def matches(
        self,
        text: str,
        synonyms: Sequence[tuple[str, str]],
        among: Sequence[int] | None = None,
    ) -> TextMatches:
        variants = expand_synonyms(text, synonyms)
        if not variants:
            return TextMatches.none()
        tsquery, params = _tsquery_sql(variants)
        among_sql = "" if among is None else "AND company_id = ANY(%(among)s)"
        with connection.cursor() as cursor:
            cursor.execute(
                _MATCHES.format(tsquery=tsquery, among=among_sql),
                {**params, "among": list(among or [])},
            )
            everywhere, in_summary, in_name = cursor.fetchone()
        ids = ids_array(everywhere)
        scores = np.full(len(ids), ELSEWHERE)
        scores[np.isin(ids, ids_array(in_summary))] = IN_SUMMARY
        scores[np.isin(ids, ids_array(in_name))] = IN_NAME
        return TextMatches(ids, scores)

    def marked_snippets(
        self, text: str, synonyms: Sequence[tuple[str, str]], company_ids: Sequence[int]
    ) -> dict[int, str]:
        variants = expand_synonyms(text, synonyms)
        ids = list(company_ids)
        if not variants or not ids:
            return {}
        tsquery, params = _tsquery_sql(variants)
        options = (
            f"StartSel={MARK_START}, StopSel={MARK_STOP}, MaxWords={SNIPPET_WORDS}, MinWords=12,"
            ' MaxFragments=2, FragmentDelimiter=" … "'
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT c.id, ts_headline('{SEARCH_CONFIG}', c.description || ' ' || coalesce(("
                "    SELECT string_agg(cs.title || '. ' || cs.client || '. ' || cs.summary, ' ')"
                "    FROM members_casestudy cs WHERE cs.company_id = c.id), ''),"
                f" {tsquery}, %(options)s) FROM members_company c WHERE c.id = ANY(%(ids)s)",
                {**params, "options": options, "ids": ids},
            )
            return {pk: marked for pk, marked in cursor.fetchall() if MARK_START in marked}

    def closest_term(self, word: str) -> str | None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM members_searchterm"
                " WHERE term %% %s AND similarity(term, %s) >= %s"
                " ORDER BY similarity(term, %s) DESC, term LIMIT 1",
                [word, word, SUGGESTION_MIN_SIMILARITY, word],
            )
            row = cursor.fetchone()
        return row[0] if row else None

    def write_documents(self, company_ids: Sequence[int] | None) -> None:
        many = company_ids is None or len(company_ids) > MANY_DOCUMENTS
        with connection.cursor() as cursor, _gin_batched(cursor, many):
            if company_ids is None:
                cursor.execute(_WRITE.format(where="TRUE", gone="TRUE"))
            elif company_ids:
                cursor.execute(
                    _WRITE.format(where="c.id = ANY(%(ids)s)", gone="d.company_id = ANY(%(ids)s)"),
                    {"ids": list(company_ids)},
                )


# SQLite and anything else ------------------------------------------------------------------------


class PlainText:
    def matches(
        self,
        text: str,
        synonyms: Sequence[tuple[str, str]],
        among: Sequence[int] | None = None,
    ) -> TextMatches:
        variants = [plain_words(variant) for variant in expand_synonyms(text, synonyms)]
        variants = [words for words in variants if words]
        if not variants:
            return TextMatches.none()
        found: set[int] = set()
        for words in variants:
            queryset = SearchDocument.objects.all()
            if among is not None:
                queryset = queryset.filter(company_id__in=list(among))
            for word in words:
                queryset = queryset.filter(text__icontains=word)
            found.update(queryset.values_list("company_id", flat=True))
        ids = np.array(sorted(found), dtype=np.int64)
        return TextMatches(ids, np.zeros(len(ids)))

    def marked_snippets(
        self, text: str, synonyms: Sequence[tuple[str, str]], company_ids: Sequence[int]
    ) -> dict[int, str]:
        words = [w for variant in expand_synonyms(text, synonyms) for w in plain_words(variant)]
        companies = Company.objects.filter(pk__any=list(company_ids)).prefetch_related(
            "case_studies"
        )
        snippets = {}
        for company in companies:
            studies = [f"{s.title}. {s.client}. {s.summary}" for s in company.case_studies.all()]
            marked = marked_excerpt(" ".join([company.description, *studies]), words)
            if marked:
                snippets[company.pk] = marked
        return snippets

    def closest_term(self, word: str) -> str | None:
        terms = SearchTerm.objects.filter(term__startswith=word[:1]).values_list("term", flat=True)
        matches = difflib.get_close_matches(word, list(terms[:20_000]), n=1, cutoff=0.8)
        return matches[0] if matches else None

    def write_documents(self, company_ids: Sequence[int] | None) -> None:
        companies = Company.objects.all()
        if company_ids is not None:
            companies = companies.filter(pk__in=list(company_ids))
        companies = companies.prefetch_related(
            Prefetch("clusters", queryset=Cluster.objects.active()),
            Prefetch("capabilities", queryset=Capability.objects.active()),
            "case_studies",
        )
        documents, vocabulary, published = [], set(), []
        for company in companies:
            if not company.is_published:
                continue
            published.append(company.pk)
            studies = list(company.case_studies.all())
            middle = [company.summary, ", ".join(k.name for k in company.clusters.all())]
            middle.append(", ".join(cap.name for cap in company.capabilities.all()))
            rest = [company.description, *(f"{s.title}. {s.client}. {s.summary}" for s in studies)]
            text = ". ".join([company.name, " ".join(middle), " ".join(rest)])
            documents.append(SearchDocument(company=company, text=text))
            vocabulary |= words_of([company.name, company.summary, *(s.title for s in studies)])
        stale = SearchDocument.objects.exclude(company_id__in=published)
        if company_ids is not None:
            stale = stale.filter(company_id__in=list(company_ids))
        stale.delete()
        SearchDocument.objects.bulk_create(
            documents, update_conflicts=True, unique_fields=["company"], update_fields=["text"]
        )
        add_terms(vocabulary)


def add_terms(words: Iterable[str]) -> None:
    terms = [SearchTerm(term=word) for word in sorted(set(words))]
    SearchTerm.objects.bulk_create(terms, ignore_conflicts=True, batch_size=2000)


def backend() -> TextBackend:
    """The text backend of the database this request uses."""
    return _POSTGRES if connection.vendor == "postgresql" else _PLAIN


_POSTGRES = PostgresText()
_PLAIN = PlainText()


def known_term(word: str) -> bool:
    return SearchTerm.objects.filter(term=word).exists()


def suggest_spelling(text: str) -> str | None:
    """The query with each unknown word replaced by the most similar real term, if any."""
    if not text:
        return None
    text_backend = backend()
    suggestion = text
    for word in dict.fromkeys(plain_words(text)):
        lowered = word.lower()
        if len(word) < 4 or known_term(lowered):
            continue
        term = text_backend.closest_term(lowered)
        if term and term != lowered:
            suggestion = re.sub(rf"(?<![\w]){re.escape(word)}(?![\w])", term, suggestion)
    return suggestion if suggestion != text else None
