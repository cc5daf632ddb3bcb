"""Free-text search: understanding the buyer's words, and two backends behind one interface.

``PostgresText`` is the real thing: per published company a ``SearchDocument`` with three
weighted ``tsvector`` columns and GIN indexes, ``websearch_to_tsquery`` with English stemming
(``"phrases"``, ``-exclusion``, ``OR``), synonyms (reference data that staff may edit), the last
word also matched as a prefix, and ``pg_trgm`` spelling suggestions. Relevance comes in tiers
read straight from the indexes, so no per-match ranking function runs however many companies
match: every word in the name first; then every word in the name or what the company holds and
offers (summary, clusters, capabilities, current certifications, frameworks, sectors, region and
town, commitments); then anywhere (description, case studies); within a tier, name order.

``PlainText`` serves SQLite, the zero-setup demo database: every word must start a word somewhere
in the company's text, case-insensitively (so "pen" finds "penetration"; a word under three
letters must be a whole word), with the same synonyms and the same three tiers; spelling is
corrected with difflib; there is no stemming.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Exists, OuterRef, Prefetch, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone

from clusters.models import Capability, Cluster, Sector
from members.models import (
    COMMITMENT_FIELDS,
    Company,
    CompanyCertification,
    CompanyFramework,
    SearchDocument,
    SearchSynonym,
    SearchTerm,
    field_label,
)
from members.search.facets import ids_array
from members.search.highlight import MARK_START, MARK_STOP, marked_excerpt

SEARCH_CONFIG = "english"
SNIPPET_WORDS = 28
SUGGESTION_MIN_SIMILARITY = 0.3
# A correction this similar (pg_trgm similarity; difflib ratio on SQLite) is applied at once
# ("Showing results for ..."); a weaker one is only offered ("Did you mean ...?"). "penetraton"
# to "penetration" is 0.64 (difflib 0.95); "ransomwear" to "ransomware" 0.47 (difflib 0.9).
CONFIDENT_SIMILARITY = 0.5
CONFIDENT_RATIO = 0.92
MAX_QUERY_WORDS = 12
WORDS_PER_STATEMENT = 500  # words per statement, well within SQLite's limit on parameters
WORD_RE = re.compile(r"[\w'-]+", re.UNICODE)
OPERATOR_WORDS = {"or", "and", "not"}
# Relevance tiers (see the module docstring).
IN_NAME, IN_SUMMARY, ELSEWHERE = 2.0, 1.0, 0.0
# The last word typed also matches as the start of a longer word ("scaur" finds "Scaurline"),
# from this many characters: a shorter prefix would match a large part of the vocabulary.
PREFIX_MIN_LENGTH = 3
# A prefix is letters and digits only, so it can never carry tsquery syntax (& | ! : * ( ) ').
_PREFIXABLE = re.compile(r"[^\W_]+")
# PostgreSQL's English stop words of three letters or more: a search ignores them as words, and
# as prefixes they would match half the directory ("the" -> "theatre", "there", ...).
STOP_WORDS = frozenset(
    """
    about above after again against all and any are because been before being below between
    both but can did does doing don down during each few for from further had has have having
    her here hers herself him himself his how into its itself just more most myself nor not now
    off once only other our ours ourselves out over own same she should some such than that the
    their theirs them themselves then there these they this those through too under until very
    was were what when where which while who whom why will with you your yours yourself
    yourselves
    """.split()
)
# How a synonym's term is found in a query: as whole words ("ce" is not in "service"), and "+"
# counts as part of a word, so "CE+" is Cyber Essentials Plus, not Cyber Essentials.
_BEFORE, _AFTER = r"(?<![\w+])", r"(?![\w+])"


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


def normalised(text: str) -> str:
    """The text as both backends index it: "/" separates words ("ISO/IEC 27001" is three words,
    where PostgreSQL's parser would read one file path)."""
    return text.replace("/", " ")


def split_prefix(text: str) -> tuple[str, str]:
    """The text without its last word, and that word (lower case) when it may match as a prefix.

    It may not when it is short, a stop word, an operator, excluded (``-word``), inside or at the
    end of a quoted phrase, or when the text has an ``OR``: the prefix would then change what the
    operators mean. Otherwise the whole text comes back, with no prefix.
    """
    head, _, last = text.rstrip().rpartition(" ")
    word = last.lower()
    if (
        len(word) < PREFIX_MIN_LENGTH
        or not _PREFIXABLE.fullmatch(word)
        or word in STOP_WORDS
        or word in OPERATOR_WORDS
        or head.count('"') % 2
        or any(token.lower() == "or" for token in head.split())
    ):
        return text, ""
    return head.strip(), word


def synonym_pairs() -> list[tuple[str, str]]:
    return list(SearchSynonym.objects.values_list("term", "expansion"))


def expand_synonyms(text: str, synonyms: Sequence[tuple[str, str]]) -> list[str]:
    """The query as typed, plus one variant per synonym found in it, both ways.

    The other side goes in as plain words, not a quoted phrase: a phrase makes PostgreSQL
    re-read the stored vector of every company holding all its words ("it health check" would
    read thousands), where words alone are answered by the index. Only a side that websearch
    would read as operators (an "or", a leading "-") is quoted.
    """
    if not text:
        return []
    variants = [text]
    lowered = text.lower()
    for term, expansion in synonyms:
        for source, target in ((term, expansion), (expansion.lower(), term)):
            pattern = re.compile(_BEFORE + re.escape(source) + _AFTER, re.IGNORECASE)
            if pattern.search(lowered):
                replacement = f'"{target}"' if _has_operators(target) else target
                # A function, so a backslash in the replacement is never read as an escape.
                variants.append(pattern.sub(_literally(replacement), text))
    return list(dict.fromkeys(variants))


def _has_operators(words: str) -> bool:
    return any(w.lower() == "or" or w.startswith("-") or '"' in w for w in words.split())


def _literally(replacement: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: replacement


@dataclass(frozen=True)
class Correction:
    """A spelling correction, and whether it is sure enough to apply without asking."""

    text: str
    confident: bool


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

    def closest_term(self, word: str) -> Correction | None:
        """The real term most like this word, if one is like it at all."""
        ...

    def write_documents(
        self, company_ids: Sequence[int] | None, leaving: Collection[str] = ()
    ) -> None:
        """Rewrite these companies' documents (None: every company's) and keep the vocabulary
        to the words published documents hold: add theirs, drop those only they held.
        ``leaving``: words of documents already deleted with their companies."""
        ...

    def forget_unheld_terms(self, words: Collection[str]) -> None:
        """Drop those of these words that no document holds and that are not reference words."""
        ...


# PostgreSQL ------------------------------------------------------------------------------------

# Everything a document is made of, per company, for the companies in {where}: the name (A);
# the summary, clusters, capabilities, and what a buyer asks for by name: current certifications,
# current framework places (framework, lot, owner), sectors served, region and town, commitments
# (B); the description and case studies (C). A company that holds Cyber Essentials is then in a
# higher tier for "cyber essentials" than one whose description mentions essential services.
# Deactivated taxonomy entries and expired certificates or framework places are left out, as
# everywhere buyers look (PlainText writes the same text).
_COMMITMENTS = " ".join(
    f"CASE WHEN c.{Company._meta.get_field(name).column} THEN %(commitment{n})s END,"  # type: ignore[union-attr]
    for n, name in enumerate(COMMITMENT_FIELDS.values())
)
_SOURCE = f"""
    SELECT c.id, c.status, c.name, c.summary,
        concat_ws(' ', c.summary, (
            SELECT string_agg(k.name, ', ') FROM members_company_clusters mc
            JOIN clusters_cluster k ON k.id = mc.cluster_id
            WHERE mc.company_id = c.id AND k.is_active
        ), (
            SELECT string_agg(cap.name, ', ') FROM members_company_capabilities cc
            JOIN clusters_capability cap ON cap.id = cc.capability_id
            JOIN clusters_cluster ck ON ck.id = cap.cluster_id
            WHERE cc.company_id = c.id AND cap.is_active AND ck.is_active
        ), (
            SELECT string_agg(cert.name, ', ') FROM members_companycertification held
            JOIN clusters_certification cert ON cert.id = held.certification_id
            WHERE held.company_id = c.id AND cert.is_active
                AND (held.valid_until IS NULL OR held.valid_until >= %(today)s)
        ), (
            SELECT string_agg(concat_ws(' ', f.name, place.lot, f.owner), ', ')
            FROM members_companyframework place
            JOIN clusters_framework f ON f.id = place.framework_id
            WHERE place.company_id = c.id AND f.is_active
                AND (place.valid_until IS NULL OR place.valid_until >= %(today)s)
        ), (
            SELECT string_agg(sec.name, ', ') FROM members_company_sectors ms
            JOIN clusters_sector sec ON sec.id = ms.sector_id
            WHERE ms.company_id = c.id AND sec.is_active
        ), (
            SELECT r.name FROM clusters_region r WHERE r.id = c.region_id AND r.is_active
        ), {_COMMITMENTS} c.town) AS middle,
        c.description || ' ' || coalesce((
            SELECT string_agg(cs.title || '. ' || cs.client || '. ' || cs.summary, ' ')
            FROM members_casestudy cs WHERE cs.company_id = c.id
        ), '') AS rest,
        coalesce((
            SELECT string_agg(cs.title, ' ') FROM members_casestudy cs WHERE cs.company_id = c.id
        ), '') AS titles
    FROM members_company c WHERE {{where}}
"""

# Does any document hold this word (t.term)? Answered from the terms index (migration 0011).
_HELD = """
    SELECT 1 FROM members_searchdocument d
    WHERE string_to_array(d.terms, ' ') @> ARRAY[t.term::text]"""

# One statement: drop the documents of companies no longer published, write the others' (their
# text as written, one line per weight, for the plain backend and highlighting; the three vectors;
# their vocabulary words: name, summary, case-study titles), add those words to the spelling
# vocabulary, and drop the words that may have left ({candidates}) that no document holds now.
# Every part of one statement sees the tables as they were before it: ``old`` still reads the
# words the documents held, and the final DELETE cannot see what the statement writes, so it is
# told the new words (``fresh``) and asks only the documents outside {gone} for the rest.
# (Built from the constant fragments above only; values always travel as parameters.)
_WRITE = f"""
WITH source AS ({_SOURCE}),
old AS (
    SELECT d.terms FROM members_searchdocument d WHERE {{gone}}
),
gone AS (
    DELETE FROM members_searchdocument d WHERE {{gone}} AND NOT EXISTS (
        SELECT 1 FROM source s WHERE s.id = d.company_id AND s.status = 'published'
    )
),
lines AS (
    SELECT s.id, translate(s.name, E'\\n\\r', '  ') AS name,
        translate(s.middle, E'\\n\\r', '  ') AS middle, s.rest,
        coalesce((
            SELECT string_agg(DISTINCT word, ' ' ORDER BY word) FROM (
                SELECT left(btrim(piece, '''-'), 80) AS word FROM regexp_split_to_table(
                    lower(s.name || ' ' || s.summary || ' ' || s.titles), '[^[:alnum:]_''-]+'
                ) AS piece
            ) words
            WHERE length(word) >= 3 AND word !~ '^[0-9]+$'
        ), '') AS terms
    FROM source s WHERE s.status = 'published'
),
vectors AS (
    SELECT l.id, l.terms, l.name || E'\\n' || l.middle || E'\\n' || l.rest AS text,
        setweight(to_tsvector('english', translate(l.name, '/', ' ')), 'A') AS a,
        setweight(to_tsvector('english', translate(l.middle, '/', ' ')), 'B') AS b,
        setweight(to_tsvector('english', translate(l.rest, '/', ' ')), 'C') AS c
    FROM lines l
),
saved AS (
    INSERT INTO members_searchdocument (company_id, text, name_vector, ranking, document, terms)
    SELECT id, text, a, a || b, a || b || c, terms FROM vectors
    ON CONFLICT (company_id) DO UPDATE SET text = EXCLUDED.text,
        name_vector = EXCLUDED.name_vector, ranking = EXCLUDED.ranking,
        document = EXCLUDED.document, terms = EXCLUDED.terms
),
fresh AS (
    SELECT DISTINCT unnest(string_to_array(l.terms, ' ')) AS term FROM lines l
),
added AS (
    INSERT INTO members_searchterm (term, reference) SELECT term, FALSE FROM fresh
    ON CONFLICT (term) DO NOTHING
),
leaving AS MATERIALIZED (
    SELECT unnest(string_to_array(o.terms, ' ')) AS term FROM old o
    UNION SELECT unnest(%(leaving)s::text[])
    EXCEPT SELECT term FROM fresh
)
DELETE FROM members_searchterm t
WHERE {{candidates}} AND NOT t.reference AND NOT EXISTS ({_HELD} AND NOT ({{gone}}))
"""
# The words that may have left when some documents are rewritten: those they held, and those of
# documents already deleted with their companies (%(leaving)s), but not their new words. Worked
# out first, so that an edit that keeps its words asks nothing more. When every document is
# rewritten: every word that is not one of their new words.
_SOME_LEFT = "t.term IN (SELECT term FROM leaving)"
_ANY_LEFT = "NOT EXISTS (SELECT 1 FROM fresh f WHERE f.term = t.term)"

# Two writers at once can leave the vocabulary one word off, and nothing here can stop that
# short of serialising every write: each statement's prune sees only what was committed when it
# began. One archives the last company saying "kelpie" while another publishes a new one saying
# it: the first prunes "kelpie" without seeing the second's document (and the second inserted
# nothing, the word being there), so a published word is missing until the next write of a
# company holding it. Or the two companies holding "kelpie" drop it at once: each sees the
# other's old document, neither prunes, and the orphan stays. ``manage.py rebuild_search_index``
# makes the vocabulary exact again; suggestions stay safe meanwhile (one must find companies).


def _write_params() -> dict[str, str | datetime.date]:
    labels = [field_label(Company, name) for name in COMMITMENT_FIELDS.values()]
    return {
        "today": timezone.localdate(),
        **{f"commitment{n}": label for n, label in enumerate(labels)},
    }


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


# The documents' GIN indexes (members/migrations/0005 and 0011) keep no pending list, so every
# search reads exact, compact posting lists. Writing thousands of documents that way costs about
# 1 ms each per index, so large writes switch the pending list on while they write, then fold it
# in.
GIN_INDEXES = (
    "members_searchdocument_document_gin",
    "members_searchdocument_ranking_gin",
    "members_searchdocument_name_gin",
    "members_searchdocument_terms_gin",
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
    """The query, each variant (the text as typed, its synonyms) OR-ed, as named parameters.

    A variant whose last word may be a prefix (``split_prefix``) is its other words AND that
    word either stemmed or as the start of any word: ``to_tsquery('simple', 'bothy:*')``, not
    stemmed, since the English stem of "bothy" ("bothi") starts no word of "Bothysight".
    """
    params: dict[str, str] = {}
    parts = []
    for n, variant in enumerate(variants):
        head, prefix = split_prefix(normalised(variant))
        if not prefix:
            params[f"text{n}"] = head
            parts.append(f"websearch_to_tsquery('{SEARCH_CONFIG}', %(text{n})s)")
            continue
        params[f"word{n}"], params[f"prefix{n}"] = prefix, f"{prefix}:*"
        last = (
            f"(websearch_to_tsquery('{SEARCH_CONFIG}', %(word{n})s)"
            f" || to_tsquery('simple', %(prefix{n})s))"
        )
        if head:
            params[f"text{n}"] = head
            last = f"(websearch_to_tsquery('{SEARCH_CONFIG}', %(text{n})s) && {last})"
        parts.append(last)
    return " || ".join(parts), params


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

    def closest_term(self, word: str) -> Correction | None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term, similarity(term, %s) FROM members_searchterm"
                " WHERE term %% %s AND similarity(term, %s) >= %s"
                " ORDER BY similarity(term, %s) DESC, term LIMIT 1",
                [word, word, word, SUGGESTION_MIN_SIMILARITY, word],
            )
            row = cursor.fetchone()
        return Correction(row[0], row[1] >= CONFIDENT_SIMILARITY) if row else None

    def write_documents(
        self, company_ids: Sequence[int] | None, leaving: Collection[str] = ()
    ) -> None:
        many = company_ids is None or len(company_ids) > MANY_DOCUMENTS
        with connection.cursor() as cursor, _gin_batched(cursor, many):
            if company_ids is None:
                write = _WRITE.format(where="TRUE", gone="TRUE", candidates=_ANY_LEFT)
                cursor.execute(write, {**_write_params(), "leaving": []})
            elif company_ids:
                write = _WRITE.format(
                    where="c.id = ANY(%(ids)s)",
                    gone="d.company_id = ANY(%(ids)s)",
                    candidates=_SOME_LEFT,
                )
                params = {**_write_params(), "ids": list(company_ids), "leaving": sorted(leaving)}
                cursor.execute(write, params)

    def forget_unheld_terms(self, words: Collection[str]) -> None:
        if not words:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM members_searchterm t WHERE t.term = ANY(%s) AND NOT t.reference"
                f" AND NOT EXISTS ({_HELD})",
                [sorted(words)],
            )


# SQLite and anything else ------------------------------------------------------------------------


class PlainText:
    def matches(
        self,
        text: str,
        synonyms: Sequence[tuple[str, str]],
        among: Sequence[int] | None = None,
    ) -> TextMatches:
        variants = [_word_patterns(variant) for variant in expand_synonyms(text, synonyms)]
        variants = [patterns for patterns in variants if patterns]
        if not variants:
            return TextMatches.none()
        scores: dict[int, float] = {}
        for patterns in variants:
            queryset = SearchDocument.objects.all()
            if among is not None:
                queryset = queryset.filter(company_id__in=list(among))
            for pattern in patterns:
                queryset = queryset.filter(text__iregex=pattern.pattern)
            for pk, document in queryset.values_list("company_id", "text"):
                scores[pk] = max(scores.get(pk, ELSEWHERE), _plain_tier(document, patterns))
        ids = np.array(sorted(scores), dtype=np.int64)
        return TextMatches(ids, np.array([scores[pk] for pk in ids.tolist()], dtype=np.float64))

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

    def closest_term(self, word: str) -> Correction | None:
        terms = SearchTerm.objects.filter(term__startswith=word[:1]).values_list("term", flat=True)
        matches = difflib.get_close_matches(word, list(terms[:20_000]), n=1, cutoff=0.8)
        if not matches:
            return None
        ratio = difflib.SequenceMatcher(None, word, matches[0]).ratio()
        return Correction(matches[0], ratio >= CONFIDENT_RATIO)

    def write_documents(
        self, company_ids: Sequence[int] | None, leaving: Collection[str] = ()
    ) -> None:
        companies = Company.objects.all()
        if company_ids is not None:
            companies = companies.filter(pk__in=list(company_ids))
        today = timezone.localdate()
        # The old document comes along, for the words it held.
        companies = companies.select_related("region", "search_document").prefetch_related(
            Prefetch("clusters", queryset=Cluster.objects.active()),
            Prefetch("capabilities", queryset=Capability.objects.active()),
            Prefetch("sectors", queryset=Sector.objects.active()),
            Prefetch(
                "certifications",
                queryset=CompanyCertification.objects.current(today)
                .filter(certification__is_active=True)
                .select_related("certification"),
            ),
            Prefetch(
                "frameworks",
                queryset=CompanyFramework.objects.current(today)
                .filter(framework__is_active=True)
                .select_related("framework"),
            ),
            "case_studies",
        )
        documents, published = [], []
        before, fresh = set(leaving), set()
        for company in companies:
            before.update(_old_terms(company))
            if not company.is_published:
                continue
            published.append(company.pk)
            studies = list(company.case_studies.all())
            rest = [company.description, *(f"{s.title}. {s.client}. {s.summary}" for s in studies)]
            lines = [company.name, " ".join(_held_words(company)), " ".join(rest)]
            text = "\n".join([*(" ".join(line.split()) for line in lines[:2]), lines[2]])
            terms = words_of([company.name, company.summary, *(s.title for s in studies)])
            terms_line = " ".join(sorted(terms))
            documents.append(SearchDocument(company=company, text=text, terms=terms_line))
            fresh |= terms
        stale = SearchDocument.objects.exclude(company_id__in=published)
        if company_ids is not None:
            stale = stale.filter(company_id__in=list(company_ids))
        stale.delete()
        SearchDocument.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["company"],
            update_fields=["text", "terms"],
        )
        if company_ids is None:  # every document rewritten: its words are all the company words
            SearchTerm.objects.filter(reference=False).delete()
        add_terms(fresh)
        if company_ids is not None:
            self.forget_unheld_terms(before - fresh)

    def forget_unheld_terms(self, words: Collection[str]) -> None:
        padded = Concat(Value(" "), "terms", Value(" "), output_field=TextField())
        word = Concat(Value(" "), OuterRef("term"), Value(" "), output_field=TextField())
        held = Exists(SearchDocument.objects.annotate(padded=padded).filter(padded__contains=word))
        ordered = sorted(words)
        for start in range(0, len(ordered), WORDS_PER_STATEMENT):
            batch = ordered[start : start + WORDS_PER_STATEMENT]
            SearchTerm.objects.filter(term__in=batch, reference=False).exclude(held).delete()


def _old_terms(company: Company) -> list[str]:
    """The words the company's document held before this write (none without a document)."""
    try:
        return company.search_document.terms.split()
    except SearchDocument.DoesNotExist:
        return []


def _held_words(company: Company) -> Iterator[str]:
    """The second line of a plain document: what PostgreSQL's _SOURCE puts in weight B."""
    yield company.summary
    yield ", ".join(k.name for k in company.clusters.all())
    yield ", ".join(cap.name for cap in company.capabilities.all())
    yield ", ".join(held.certification.name for held in company.certifications.all())
    yield ", ".join(
        " ".join(filter(None, [place.framework.name, place.lot, place.framework.owner]))
        for place in company.frameworks.all()
    )
    yield ", ".join(sector.name for sector in company.sectors.all())
    if company.region is not None and company.region.is_active:
        yield company.region.name
    for name in COMMITMENT_FIELDS.values():
        if getattr(company, name):
            yield field_label(Company, name)
    yield company.town


def _word_patterns(variant: str) -> list[re.Pattern[str]]:
    """Each word of the variant where it starts a word; under three letters, as a whole word."""
    patterns = []
    for word in dict.fromkeys(w.lower() for w in plain_words(variant)):
        end = "" if len(word) >= PREFIX_MIN_LENGTH else r"(?!\w)"
        patterns.append(re.compile(rf"(?<!\w){re.escape(word)}{end}", re.IGNORECASE))
    return patterns


def _plain_tier(document: str, patterns: Sequence[re.Pattern[str]]) -> float:
    """The tier of a document (written one line per weight) that every pattern matches."""
    name, _, rest = document.partition("\n")
    middle = rest.partition("\n")[0]
    if all(pattern.search(name) for pattern in patterns):
        return IN_NAME
    if all(pattern.search(name) or pattern.search(middle) for pattern in patterns):
        return IN_SUMMARY
    return ELSEWHERE


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


def suggest_spelling(text: str) -> Correction | None:
    """The query with each unknown word replaced by the most similar real term, if any; confident
    when every replacement was."""
    if not text:
        return None
    text_backend = backend()
    suggestion, confident = text, True
    for word in dict.fromkeys(plain_words(text)):
        lowered = word.lower()
        if len(word) < 4 or known_term(lowered):
            continue
        found = text_backend.closest_term(lowered)
        if found and found.text != lowered:
            pattern = rf"(?<![\w]){re.escape(word)}(?![\w])"
            suggestion = re.sub(pattern, _literally(found.text), suggestion)
            confident = confident and found.confident
    return Correction(suggestion, confident) if suggestion != text else None
