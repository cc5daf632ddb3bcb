"""Running a buyer search: ``run_search`` is the one engine behind the page, the htmx partial, the
CSV export and the tests.

Text matching is the text backend's (members.search.text); everything else happens on the facet
index's bitsets (members.search.index): the letter, the facets (OR within one, or AND where the
buyer asks for all of them; AND across them), the counts and the order, and when nothing is
found, which one filter to drop.

Counts tell what ticking an option would give. In a facet matching any of its ticks, an option's
count applies every other facet's selection but not its own (disjunctive). In a facet matching
all of its ticks (``<param>_mode=all``), an option's count applies its own facet's ticks too: how
many companies hold it as well as every ticked one. So a ticked option there shows the current
number of results, and an unticked one what adding it would leave.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from django.conf import settings

from members.cards import CompanyCard, company_cards
from members.search.facets import ALL, FACETS, FACETS_BY_PARAM, includes_sentences
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
    in_use: bool = False  # its facet has a ticked option

    @property
    def shown(self) -> bool:
        """An option that would find nothing is hidden, unless the buyer ticked it or another
        option of its facet: a facet in use shows every option, so a zero can be seen."""
        return bool(self.count or self.selected or self.in_use)


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
    mode_param: str = ""  # offers "must have all selected" under this URL parameter
    match_all: bool = False

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


@dataclass(frozen=True)
class Relaxation:
    """One filter dropped (or loosened) from a search that found nothing, and what it finds."""

    label: str  # "Remove Framework: G-Cloud 14"
    count: int
    query: str  # the search without it, for a link


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
    relaxations: list[Relaxation] = field(default_factory=list)  # when nothing was found
    # Per letter (members.search.index.LETTER_CODES), what the search finds when it starts with
    # it: the A to Z links only those that find something (every other constraint applies).
    letter_counts: dict[str, int] = field(default_factory=dict)

    def page_ids(self, offset: int, limit: int) -> list[int]:
        return [int(pk) for pk in self.ordered_ids[offset : offset + limit]]

    def matched_out_of_sight(self, company_id: int) -> bool:
        """Whether the text matched this company only where its card does not show it."""
        if self.matches is None:
            return False
        found = self.matches.scores[self.matches.ids == company_id]
        return bool(len(found)) and float(found[0]) <= ELSEWHERE

    @property
    def selected_count(self) -> int:
        """Options ticked across every facet: "Filter (3 selected)" on a small screen."""
        return sum(facet.selected_count for facet in self.facets)

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
    # Each constraint as one mask: the text's matches, the letter, each facet's selection.
    parts: dict[str, Bits] = {}
    matches = None
    if text:
        matches = text_matches(text, snapshot, synonyms)
        parts["q"] = snapshot.mask_of_ids(matches.ids)
    if params.letter:
        parts["letter"] = snapshot.letter_mask(params.letter)
    base = snapshot.alive
    for part in parts.values():
        base = base & part
    masks = {
        param: mask
        for param, keys in params.selected.items()
        if (mask := snapshot.mask_for(param, keys, params.mode(param) == ALL)) is not None
    }
    final = base
    for mask in masks.values():
        final = final & mask
    sort = effective_sort(params, text)
    total = popcount(final)
    unlettered = final
    if params.letter:
        unlettered = snapshot.alive
        for name, mask in [*parts.items(), *masks.items()]:
            if name != "letter":
                unlettered = unlettered & mask
    return SearchResult(
        params=params,
        ordered_ids=_order(snapshot, final, sort, matches),
        total=total,
        sort=sort,
        facets=_facet_views(params, snapshot, base, masks),
        text=text,
        synonyms=synonyms,
        matches=matches,
        relaxations=[] if total else relaxations(params, snapshot, {**parts, **masks}),
        letter_counts=snapshot.letter_counts(unlettered),
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
        match_all = params.mode(facet.param) == ALL
        own = masks.get(facet.param)
        if match_all and own is not None:
            within = within & own  # see the module docstring: what adding an option leaves
        counts = snapshot.counts(facet.param, within)
        options = snapshot.options(facet.param)
        keys = {o.key for o in options}
        chosen = {key for key in params.selected.get(facet.param, []) if key in keys}
        option_views = [
            FacetOptionView(o.key, o.label, o.group, counts[o.key], o.key in chosen, bool(chosen))
            for o in options
        ]
        help_text = " ".join(
            text
            for text in (
                facet.help_text,
                includes_sentences(options, snapshot.includes(facet.param)),
            )
            if text
        )
        views.append(
            FacetView(
                facet.param, facet.label, help_text, option_views, facet.mode_param, match_all
            )
        )
    return views


# When nothing is found ---------------------------------------------------------------------------


def _all_but_each(masks: Sequence[Bits], start: Bits) -> list[Bits]:
    """For each mask, ``start`` ANDed with every other one: prefix and suffix ANDs, so n masks
    cost about 3n ANDs rather than n squared."""
    prefix = [start]
    for mask in masks[:-1]:
        prefix.append(prefix[-1] & mask)
    result: list[Bits] = [start] * len(masks)
    suffix: Bits | None = None
    for position in range(len(masks) - 1, -1, -1):
        result[position] = prefix[position] if suffix is None else prefix[position] & suffix
        suffix = masks[position] if suffix is None else suffix & masks[position]
    return result


def relaxations(
    params: SearchParams, snapshot: Snapshot, parts: dict[str, Bits]
) -> list[Relaxation]:
    """Each single filter whose removal finds companies, with how many, most first.

    ``parts`` is every constraint of the search as a mask (``q``, ``letter``, each facet's
    selection). The work is bitset ANDs over the index, no query: about three per constraint,
    plus, in a facet matching all of its ticks, about three per tick (at most the form's
    MAX_VALUES_PER_PARAMETER). In a facet matching any of its ticks, unticking one of several
    can only find fewer, so the whole facet is the filter offered; in one matching all of them,
    each tick is, and so is matching any instead.
    """
    names = list(parts)
    found: list[Relaxation] = []
    for name, rest in zip(
        names, _all_but_each([parts[n] for n in names], snapshot.alive), strict=True
    ):
        if name == "q":
            found.append(
                Relaxation(
                    f"Remove keywords \u201c{params.text}\u201d",
                    popcount(rest),
                    params.query_without("q"),
                )
            )
        elif name == "letter":
            found.append(
                Relaxation(
                    f"Remove Name starts with: {params.letter}",
                    popcount(rest),
                    params.query_without("letter"),
                )
            )
        else:
            found.extend(_facet_relaxations(params, snapshot, name, rest))
    found = [relaxation for relaxation in found if relaxation.count]
    found.sort(key=lambda relaxation: -relaxation.count)
    return found


def _facet_relaxations(
    params: SearchParams, snapshot: Snapshot, param: str, rest: Bits
) -> list[Relaxation]:
    facet = FACETS_BY_PARAM[param]
    options = snapshot.options(param)
    labels = {option.key: option.label for option in options}
    keys = [key for key in params.selected.get(param, []) if key in labels]
    if params.mode(param) != ALL or len(keys) < 2:
        return [
            Relaxation(
                f"Remove {facet.describe(keys, options)}",
                popcount(rest),
                params.query_without(param),
            )
        ]
    singles = [cast(Bits, snapshot.mask_for(param, [key])) for key in keys]
    found = [
        Relaxation(
            f"Remove {facet.label}: {labels[key]}",
            popcount(others),
            params.query_without(param, key),
        )
        for key, others in zip(keys, _all_but_each(singles, rest), strict=True)
    ]
    any_of = cast(Bits, snapshot.mask_for(param, keys))
    found.append(
        Relaxation(
            f"Accept any ticked {facet.label.lower()}, not all of them",
            popcount(rest & any_of),
            params.query_without(facet.mode_param),
        )
    )
    return found


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
            parts.append(
                facet.describe(keys, snapshot.options(facet.param), params.mode(facet.param))
            )
    if params.letter:
        parts.append(f"Name starts with {params.letter}")
    if sort:
        parts.append(f"Sorted by {sort}")
    return "; ".join(parts) or "All published companies"
