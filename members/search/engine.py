"""Running a buyer search: ``run_search`` is the one engine behind the page, the htmx partial, the
CSV export and the tests.

Text matching is the text backend's (members.search.text); everything else happens on the facet
index's bitsets (members.search.index): the letter, the facets (OR within one, AND across them),
the disjunctive counts (each facet counted with every other facet's selection applied but not
its own) and the order.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings

from members.cards import CompanyCard, company_cards
from members.search.facets import FACETS
from members.search.forms import SearchParams
from members.search.highlight import highlighted
from members.search.index import Bits, Snapshot, current_snapshot, popcount
from members.search.text import (
    ELSEWHERE,
    Correction,
    TextMatches,
    backend,
    suggest_spelling,
    synonym_pairs,
)


@dataclass
class FacetOptionView:
    key: str
    label: str
    group: str
    count: int
    selected: bool

    @property
    def shown(self) -> bool:
        """An option that would find nothing is hidden, unless the buyer ticked it."""
        return bool(self.count or self.selected)


@dataclass
class FacetGroupView:
    name: str
    options: list[FacetOptionView]

    @property
    def shown(self) -> bool:
        return any(option.shown for option in self.options)


@dataclass
class FacetView:
    """A facet with every option: the page hides those not ``shown``, so that an update can
    show them again without sending the form (members/_search_update.html)."""

    param: str
    label: str
    help_text: str
    options: list[FacetOptionView]

    @property
    def selected_count(self) -> int:
        return sum(option.selected for option in self.options)

    @property
    def shown(self) -> bool:
        return any(option.shown for option in self.options)

    @property
    def shown_options(self) -> list[FacetOptionView]:
        return [option for option in self.options if option.shown]

    @property
    def groups(self) -> list[FacetGroupView]:
        grouped: dict[str, list[FacetOptionView]] = {}
        for option in self.options:
            grouped.setdefault(option.group, []).append(option)
        return [FacetGroupView(name, options) for name, options in grouped.items()]

    @property
    def counts(self) -> dict[str, int]:
        """The options that find something, and how much: what an update sends the page."""
        return {option.key: option.count for option in self.options if option.count}


@dataclass
class SearchResult:
    """Everything a results page, an export or a test needs to know about one search."""

    params: SearchParams
    ordered_ids: np.ndarray
    total: int
    sort: str
    facets: list[FacetView]
    text: str  # the text searched for: the buyer's, or its spelling correction
    corrected_from: str = ""  # the buyer's text, when a confident correction was applied
    suggestion: str = ""  # a correction offered ("Did you mean ...?"), which finds companies
    suggestion_total: int = 0  # how many it finds, with the same filters
    synonyms: list[tuple[str, str]] = field(default_factory=list)
    matches: TextMatches | None = None

    def page_ids(self, offset: int, limit: int) -> list[int]:
        return [int(pk) for pk in self.ordered_ids[offset : offset + limit]]

    def matched_out_of_sight(self, company_id: int) -> bool:
        """Whether the text matched this company only where its card does not show it."""
        if self.matches is None:
            return False
        found = self.matches.scores[self.matches.ids == company_id]
        return bool(len(found)) and float(found[0]) <= ELSEWHERE

    @property
    def facet_counts(self) -> dict[str, dict[str, int]]:
        return {facet.param: facet.counts for facet in self.facets}


def run_search(params: SearchParams, snapshot: Snapshot | None = None) -> SearchResult:
    """The companies this search finds, in order, with the facet counts; typos corrected.

    When the text finds nothing, a spelling correction that finds something is applied at once
    if it is confident and the buyer did not ask for their words exactly (``params.exact``);
    otherwise it is only offered, with how many companies it finds. A correction that finds
    nothing is never mentioned.
    """
    snapshot = snapshot or current_snapshot()
    synonyms = synonym_pairs() if params.text else []
    result = _run(params, params.text, snapshot, synonyms)
    if result.total == 0 and params.text:
        correction = remembered_suggestion(params.text, snapshot)
        if correction:
            corrected = _run(params, correction.text, snapshot, synonyms)
            if corrected.total and correction.confident and not params.exact:
                corrected.corrected_from = params.text
                return corrected
            if corrected.total:
                result.suggestion, result.suggestion_total = correction.text, corrected.total
    return result


def effective_sort(params: SearchParams, text: str) -> str:
    if params.sort in {"name", "updated"}:
        return params.sort
    return "relevance" if text else "name"


def _run(
    params: SearchParams, text: str, snapshot: Snapshot, synonyms: list[tuple[str, str]]
) -> SearchResult:
    base = snapshot.alive
    matches = None
    if text:
        matches = text_matches(text, snapshot, synonyms)
        base = snapshot.mask_of_ids(matches.ids)
    if params.letter:
        base = base & snapshot.letter_mask(params.letter)
    masks = {
        param: mask
        for param, keys in params.selected.items()
        if (mask := snapshot.mask_for(param, keys)) is not None
    }
    final = base
    for mask in masks.values():
        final = final & mask
    sort = effective_sort(params, text)
    return SearchResult(
        params=params,
        ordered_ids=_order(snapshot, final, sort, matches),
        total=popcount(final),
        sort=sort,
        facets=_facet_views(params, snapshot, base, masks),
        text=text,
        synonyms=synonyms,
        matches=matches,
    )


def _order(snapshot: Snapshot, final: Bits, sort: str, matches: TextMatches | None) -> np.ndarray:
    if sort == "updated":
        return snapshot.in_updated_order(final)
    if sort == "relevance" and matches is not None:
        return snapshot.by_score(final, matches.ids, matches.scores)
    return snapshot.in_name_order(final)


def _facet_views(
    params: SearchParams, snapshot: Snapshot, base: Bits, masks: dict[str, Bits]
) -> list[FacetView]:
    views = []
    for facet in FACETS:
        within = base
        for param, mask in masks.items():
            if param != facet.param:
                within = within & mask
        counts = snapshot.counts(facet.param, within)
        chosen = set(params.selected.get(facet.param, []))
        options = [
            FacetOptionView(o.key, o.label, o.group, counts[o.key], o.key in chosen)
            for o in snapshot.options(facet.param)
        ]
        views.append(FacetView(facet.param, facet.label, facet.help_text, options))
    return views


# Remembered text matches -------------------------------------------------------------------------


@dataclass(frozen=True)
class Remembered:
    """Text matches, and the change version (members.search.index) they are true for."""

    matches: TextMatches
    version: int
    token: str


class TextMatchCache:
    """Remembered text matches per query, least recently used out, capped in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, Remembered] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Remembered | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, remembered: Remembered) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.matches.nbytes
            if remembered.matches.nbytes > self.max_bytes:
                return
            self._entries[key] = remembered
            self._bytes += remembered.matches.nbytes
            while self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.matches.nbytes

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)


_text_cache = TextMatchCache(settings.SEARCH_TEXT_CACHE_BYTES)


def text_matches(text: str, snapshot: Snapshot, synonyms: Sequence[tuple[str, str]]) -> TextMatches:
    """The text backend's matches, remembered across requests and brought up to date.

    Ranking a common word's matches is the costly part of a search, and buyers repeat their text
    as they tick facets. When the directory has changed since, only the companies changed since
    are checked again (one small query), so an edit a second does not make every word cold.
    """
    key = (text, tuple(synonyms))
    found = _text_cache.get(key)
    matches = None
    if found is not None:
        touched = snapshot.touched_since(found.version, found.token)
        if touched == set():
            return found.matches
        if touched is not None:
            ids = sorted(touched)
            matches = found.matches.replaced(ids, backend().matches(text, synonyms, among=ids))
    if matches is None:
        matches = backend().matches(text, synonyms)
    _text_cache.put(key, Remembered(matches, snapshot.version, snapshot.token))
    return matches


_suggestions: OrderedDict[tuple[str, int, str], Correction | None] = OrderedDict()
SUGGESTIONS_KEPT = 1000
_suggestions_lock = threading.Lock()


def remembered_suggestion(text: str, snapshot: Snapshot) -> Correction | None:
    """suggest_spelling(text), remembered while the directory is unchanged (a few queries)."""
    key = (text, snapshot.version, snapshot.token)
    with _suggestions_lock:
        if key in _suggestions:
            return _suggestions[key]
    suggestion = suggest_spelling(text)
    with _suggestions_lock:
        _suggestions[key] = suggestion
        while len(_suggestions) > SUGGESTIONS_KEPT:
            _suggestions.popitem(last=False)
    return suggestion


# The page's companies ----------------------------------------------------------------------------


def page_cards(
    result: SearchResult, company_ids: Iterable[int], snapshot: Snapshot
) -> list[CompanyCard]:
    """One page of results as cards; a card whose match the card itself does not show (it is in
    the description or a case study) gets ``snippet``, where the text matched."""
    cards = company_cards(company_ids, snapshot)
    hidden = [card.pk for card in cards if result.matched_out_of_sight(card.pk)]
    if hidden:
        marked = backend().marked_snippets(result.text, result.synonyms, hidden)
        for card in cards:
            card.snippet = highlighted(marked.get(card.pk, ""))
    return cards


def describe(params: SearchParams, snapshot: Snapshot, sort: str = "") -> str:
    """The search criteria in words, for the export file and its name."""
    parts = []
    if params.text:
        parts.append(f"Search \u201c{params.text}\u201d")
    for facet in FACETS:
        keys = params.selected.get(facet.param) or []
        if keys:
            parts.append(facet.describe(keys, snapshot.options(facet.param)))
    if params.letter:
        parts.append(f"Name starts with {params.letter}")
    if sort:
        parts.append(f"Sorted by {sort}")
    return "; ".join(parts) or "All published companies"
