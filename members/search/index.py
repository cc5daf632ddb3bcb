"""The facet index: which published companies hold each facet option, as bitsets in memory.

Counting facet options with GROUP BY queries costs a scan of every matching company per facet.
Instead each process keeps, per option, a bitset over company ids (bit ``pk`` is company ``pk``):
narrowing is an AND of bitsets and a count is a popcount, microseconds at 100,000 companies.

Keeping it current without stalls:

- Every committed write that matters to search appends a ``SearchChange`` (a version, a random
  token and the company ids it touched; members.search.documents writes it after commit).
- Each request reads the changes after its snapshot's version (one indexed query, usually empty)
  and applies them: only the touched companies' rows are reloaded and patched into a copy of the
  snapshot, which then replaces the old one. Readers never wait for a writer's lock.
- A full build happens only for a process's very first request (gunicorn's ``post_worker_init``
  does it before the worker takes requests), and in a background thread when the day turns
  (certificates expire), a change is too large to patch, or the history cannot be followed (the
  token differs: a restored database). Meanwhile the previous snapshot keeps serving. That thread
  first lets the search documents drop what expired (``follow_expiries_safely``; a no-op after
  the first process of the day).

Snapshots are never changed once published, so threads may share one without locks.
"""

from __future__ import annotations

import bisect
import datetime
import logging
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from members.models import Company, SearchChange, SearchState
from members.search.facets import FACETS, Facet, Includes, Option

logger = logging.getLogger(__name__)

LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
OTHER_LETTER = "0-9"
LETTER_CODES = {letter: code for code, letter in enumerate([*LETTERS, OTHER_LETTER], start=1)}
# Room for companies created after a build, so most new ones need no resize (in 64-id words).
SPARE_WORDS = 16
# A change touching more companies than this is cheaper to rebuild (in the background).
MAX_PATCH_COMPANIES = 2000
# Changes read per request; more pending than this means the process fell far behind.
MAX_PENDING_CHANGES = 1000
# Changes an index remembers, so that text matches remembered at an older version can be brought
# up to date by re-checking only the companies changed since (members.search.engine).
KEEP_RECENT_CHANGES = 256
# SearchChange rows older than this are pruned; a process further behind rebuilds.
KEEP_CHANGES_FOR = datetime.timedelta(days=2)

Bits = np.ndarray  # uint64 words; bit i of the set is company pk i


def words_for(max_pk: int) -> int:
    return max_pk // 64 + 1 + SPARE_WORDS


def bitset_of(ids: np.ndarray | Sequence[int], words: int) -> Bits:
    flags = np.zeros(words * 64, dtype=bool)
    flags[np.asarray(ids, dtype=np.int64)] = True
    return np.packbits(flags, bitorder="little").view(np.uint64)


def flags_of(bits: Bits) -> np.ndarray:
    """One bool per company pk."""
    return np.unpackbits(bits.view(np.uint8), bitorder="little").view(bool)


def popcount(bits: Bits) -> int:
    return int(np.bitwise_count(bits).sum())


def resized(bits: Bits, words: int) -> Bits:
    """A copy with ``words`` words along the last axis (never shorter than now)."""
    shape = (*bits.shape[:-1], words)
    grown = np.zeros(shape, dtype=np.uint64)
    grown[..., : bits.shape[-1]] = bits
    return grown


def name_key(name: str, pk: int) -> tuple[str, int]:
    """Name order, the same in every process and database: case-insensitive, then by id."""
    return name.casefold(), pk


def letter_of(name: str) -> str:
    initial = name[:1].upper()
    return initial if initial in LETTER_CODES and initial != OTHER_LETTER else OTHER_LETTER


@dataclass(frozen=True)
class Change:
    version: int
    token: str
    company_ids: list[int]
    taxonomy: bool
    rebuild: bool


@dataclass(frozen=True)
class FacetRows:
    """One facet's options and, per option, the bitset of the companies holding it."""

    facet: Facet
    options: tuple[Option, ...]
    bits: Bits  # (len(options), words)
    rows: dict[str, int] = field(default_factory=dict)  # option key -> row of ``bits``
    # Option key -> the keys it includes: a company holding it gets their bits too, so an
    # included option's row is the union of its own holders and those of every one including it.
    includes: Includes = field(default_factory=dict)

    @classmethod
    def empty(cls, facet: Facet, words: int) -> FacetRows:
        """The facet's current options (and inclusions), no company holding any yet."""
        options = facet.load_options()
        rows = {option.key: row for row, option in enumerate(options)}
        bits = np.zeros((len(options), words), dtype=np.uint64)
        includes = facet.load_includes() if facet.load_includes else {}
        return cls(facet, tuple(options), bits, rows, includes)


@dataclass(frozen=True)
class Snapshot:
    """The published companies as of one change version, ready to filter, count and order."""

    version: int
    token: str
    today: datetime.date
    words: int
    alive: Bits
    facets: dict[str, FacetRows]
    name_order: np.ndarray  # pks in name order
    name_keys: list[tuple[str, int]]  # name_key of each, same order
    name_rank: np.ndarray  # by pk: position in name order, -1 when not published
    updated: np.ndarray  # by pk: updated_at as a timestamp
    updated_order: np.ndarray  # pks, most recently updated first
    letters: np.ndarray  # by pk: LETTER_CODES of the name's first letter
    recent: tuple[Change, ...] = ()  # the last changes patched in, this version's last

    def touched_since(self, version: int, token: str) -> set[int] | None:
        """The companies changed since that version; None when this index cannot tell."""
        if (version, token) == (self.version, self.token):
            return set()
        for position, change in enumerate(self.recent):
            if (change.version, change.token) == (version, token):
                later = self.recent[position + 1 :]
                if any(c.rebuild for c in later):
                    return None
                return {pk for c in later for pk in c.company_ids}
        return None

    @property
    def size(self) -> int:
        return len(self.name_order)

    @property
    def capacity(self) -> int:
        return self.words * 64

    def options(self, param: str) -> tuple[Option, ...]:
        return self.facets[param].options

    def mask_of_ids(self, ids: np.ndarray) -> Bits:
        """The published companies among these ids."""
        ids = np.asarray(ids, dtype=np.int64)
        return bitset_of(ids[(ids >= 0) & (ids < self.capacity)], self.words) & self.alive

    def includes(self, param: str) -> Includes:
        return self.facets[param].includes

    def mask_for(self, param: str, keys: Iterable[str], match_all: bool = False) -> Bits | None:
        """Companies holding any of these options (OR within a facet), or with ``match_all``
        every one of them (AND); None when none chosen."""
        data = self.facets[param]
        rows = [data.rows[key] for key in keys if key in data.rows]
        if not rows:
            return None
        combine = np.bitwise_and if match_all else np.bitwise_or
        return combine.reduce(data.bits[rows], axis=0)

    def letter_mask(self, letter: str) -> Bits:
        code = LETTER_CODES.get(letter, 0)
        flags = self.letters == code
        return np.packbits(flags, bitorder="little").view(np.uint64) & self.alive

    def letter_counts(self, selected: Bits) -> dict[str, int]:
        """How many of the selected companies' names start with each letter (``LETTER_CODES``)."""
        codes = self.letters[flags_of(selected)[: len(self.letters)]]
        totals = np.bincount(codes, minlength=len(LETTER_CODES) + 1)
        return {letter: int(totals[code]) for letter, code in LETTER_CODES.items()}

    def counts(self, param: str, within: Bits) -> dict[str, int]:
        data = self.facets[param]
        totals = np.bitwise_count(data.bits & within).sum(axis=1)
        return {option.key: int(total) for option, total in zip(data.options, totals, strict=True)}

    def held(self, param: str, company_ids: Sequence[int]) -> list[list[Option]]:
        """For each company, the options of this facet it holds, in the options' order."""
        ids = np.asarray(company_ids, dtype=np.int64)
        inside = ids < self.capacity
        data = self.facets[param]
        held = np.zeros((len(ids), len(data.options)), dtype=np.uint64)
        shift = (ids[inside] & 63).astype(np.uint64)[:, None]
        held[inside] = (data.bits[:, ids[inside] >> 6].T >> shift) & np.uint64(1)
        companies, rows = np.nonzero(held)  # grouped by company, options in order
        starts = np.searchsorted(companies, np.arange(len(ids) + 1))
        options = data.options
        return [
            [options[row] for row in rows[start:end].tolist()]
            for start, end in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True)
        ]

    def in_name_order(self, selected: Bits) -> np.ndarray:
        flags = flags_of(selected)
        return self.name_order[flags[self.name_order]]

    def in_updated_order(self, selected: Bits) -> np.ndarray:
        flags = flags_of(selected)
        return self.updated_order[flags[self.updated_order]]

    def by_score(self, selected: Bits, ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """These ids, those selected only, best score first, then in name order."""
        inside = (ids >= 0) & (ids < self.capacity)
        ids, scores = ids[inside], scores[inside]
        keep = flags_of(selected)[ids]
        ids, scores = ids[keep], scores[keep]
        return ids[np.lexsort((self.name_rank[ids], -scores))]


# Building and patching ---------------------------------------------------------------------------


def _company_rows(company_ids: Sequence[int] | None) -> list[tuple[int, str, datetime.datetime]]:
    queryset = Company.objects.published()
    if company_ids is not None:
        queryset = queryset.filter(pk__any=list(company_ids))
    return list(queryset.values_list("pk", "name", "updated_at").iterator(5000))


def _set_memberships(
    rows: FacetRows, today: datetime.date, company_ids: Sequence[int] | None, alive: Bits
) -> None:
    """Set the bits of these companies' memberships (all companies when ``None``), in place.

    Only published companies (``alive``) get bits: the loaders do not filter by status. A
    holder of an option also gets the bits of the options it includes.
    """
    words = rows.bits.shape[1]
    for key, ids in rows.facet.memberships(today, company_ids):
        targets = [rows.rows[k] for k in (key, *rows.includes.get(key, ())) if k in rows.rows]
        if targets and len(ids):
            held = bitset_of(ids[ids < words * 64], words)
            for row in targets:
                rows.bits[row] |= held
    rows.bits[:] &= alive


def _name_rank(order: np.ndarray, words: int) -> np.ndarray:
    rank = np.full(words * 64, -1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def latest_change() -> tuple[int, str]:
    row = SearchChange.objects.order_by("-version").values_list("version", "token").first()
    return row if row else (0, "")


def build(today: datetime.date | None = None) -> Snapshot:
    """Every published company, from scratch."""
    today = today or timezone.localdate()
    version, token = latest_change()  # first: changes after this are applied on top
    rows = _company_rows(None)
    rows.sort(key=lambda row: name_key(row[1], row[0]))
    max_pk = max((row[0] for row in rows), default=0)
    words = words_for(max_pk)
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    alive = bitset_of(ids, words)
    updated = np.zeros(words * 64, dtype=np.float64)
    updated[ids] = [row[2].timestamp() for row in rows]
    letters = np.zeros(words * 64, dtype=np.uint8)
    letters[ids] = [LETTER_CODES[letter_of(row[1])] for row in rows]
    facets = {}
    for facet in FACETS:
        facet_rows = FacetRows.empty(facet, words)
        _set_memberships(facet_rows, today, None, alive)
        facets[facet.param] = facet_rows
    return Snapshot(
        version=version,
        token=token,
        today=today,
        words=words,
        alive=alive,
        facets=facets,
        name_order=ids,
        name_keys=[name_key(row[1], row[0]) for row in rows],
        name_rank=_name_rank(ids, words),
        updated=updated,
        updated_order=_updated_order(ids, updated, np.arange(len(ids))),
        letters=letters,
        recent=(Change(version, token, [], taxonomy=False, rebuild=False),),
    )


def _updated_order(ids: np.ndarray, updated: np.ndarray, tie: np.ndarray) -> np.ndarray:
    return ids[np.lexsort((tie, -updated[ids]))]


def pending_changes(snapshot: Snapshot) -> list[Change] | None:
    """The changes after this snapshot, in order; None when they cannot be followed."""
    rows = list(
        SearchChange.objects.filter(version__gte=snapshot.version)
        .order_by("version")
        .values_list("version", "token", "company_ids", "taxonomy", "rebuild")[
            : MAX_PENDING_CHANGES + 1
        ]
    )
    changes = [Change(*row) for row in rows]
    if snapshot.version:
        if not changes or (changes[0].version, changes[0].token) != (
            snapshot.version,
            snapshot.token,
        ):
            return None  # another history (a restored database, a rolled-back test)
        changes = changes[1:]
    expected = range(snapshot.version + 1, snapshot.version + 1 + len(changes))
    if [c.version for c in changes] != list(expected) or len(changes) >= MAX_PENDING_CHANGES:
        return None  # pruned, or too far behind: rebuild
    return changes


def patch(snapshot: Snapshot, changes: Sequence[Change]) -> Snapshot | None:
    """The snapshot with these changes applied; None when a rebuild is the better way."""
    if not changes:
        return snapshot
    touched = sorted({pk for change in changes for pk in change.company_ids})
    if any(c.rebuild for c in changes) or len(touched) > MAX_PATCH_COMPANIES:
        return None
    last = changes[-1]
    rows = _company_rows(touched) if touched else []
    published = [row[0] for row in rows]
    words = max(snapshot.words, words_for(max(touched, default=0)))
    touched_bits = bitset_of(touched, words)
    alive = (resized(snapshot.alive, words) & ~touched_bits) | bitset_of(published, words)
    facets = _patched_facets(snapshot, words, touched_bits, published, alive, any_taxonomy(changes))
    name_order, name_keys = _patched_name_order(snapshot, touched, rows)
    updated = _grown(snapshot.updated, words * 64)
    letters = _grown(snapshot.letters, words * 64)
    for pk, name, when in rows:
        updated[pk] = when.timestamp()
        letters[pk] = LETTER_CODES[letter_of(name)]
    name_rank = _name_rank(name_order, words)
    updated_order = _patched_updated_order(snapshot, touched, published, updated, name_rank)
    return replace(
        snapshot,
        version=last.version,
        token=last.token,
        words=words,
        alive=alive,
        facets=facets,
        name_order=name_order,
        name_keys=name_keys,
        name_rank=name_rank,
        updated=updated,
        updated_order=updated_order,
        letters=letters,
        recent=(*snapshot.recent, *changes)[-KEEP_RECENT_CHANGES:],
    )


def any_taxonomy(changes: Sequence[Change]) -> bool:
    return any(change.taxonomy for change in changes)


def _grown(array: np.ndarray, length: int) -> np.ndarray:
    grown = np.zeros(max(length, len(array)), dtype=array.dtype)
    grown[: len(array)] = array
    return grown


def _patched_facets(
    snapshot: Snapshot,
    words: int,
    touched: Bits,
    published: list[int],
    alive: Bits,
    taxonomy: bool,
) -> dict[str, FacetRows]:
    facets = {}
    for facet in FACETS:
        old = snapshot.facets[facet.param]
        if taxonomy:
            # Options may have come, gone or been renamed: carry the bits over by key. What an
            # option includes may have changed too: the companies whose memberships that
            # changes are among the touched (members.services), so they are set again below.
            rows = FacetRows.empty(facet, words)
            for key, row in rows.rows.items():
                if key in old.rows:
                    rows.bits[row, : old.bits.shape[1]] = old.bits[old.rows[key]]
        else:
            rows = replace(old, bits=resized(old.bits, words))
        rows.bits[:] &= ~touched
        if published:
            _set_memberships(rows, snapshot.today, published, alive)
        facets[facet.param] = rows
    return facets


def _patched_name_order(
    snapshot: Snapshot, touched: Sequence[int], rows: Sequence[tuple[int, str, datetime.datetime]]
) -> tuple[np.ndarray, list[tuple[str, int]]]:
    """The name order without the touched companies, then with the published ones put back.

    Array deletes and inserts (no re-sort of every name): a patch stays a few milliseconds at
    100,000 companies.
    """
    gone = np.flatnonzero(np.isin(snapshot.name_order, touched))
    keys = list(snapshot.name_keys)
    for position in gone[::-1]:
        del keys[position]
    order = np.delete(snapshot.name_order, gone)
    arriving = sorted(name_key(name, pk) for pk, name, _ in rows)
    positions = [bisect.bisect_left(keys, key) for key in arriving]
    order = np.insert(order, positions, [pk for _, pk in arriving])
    for position, key in sorted(zip(positions, arriving, strict=True), reverse=True):
        keys.insert(position, key)
    return order, keys


def _patched_updated_order(
    snapshot: Snapshot,
    touched: Sequence[int],
    published: Sequence[int],
    updated: np.ndarray,
    name_rank: np.ndarray,
) -> np.ndarray:
    """Most recently updated first, ties in name order, with the touched companies moved."""
    order = snapshot.updated_order[~np.isin(snapshot.updated_order, touched)]
    newest_first = -updated[order]
    positions = []
    for pk in published:
        low = int(np.searchsorted(newest_first, -updated[pk], side="left"))
        high = int(np.searchsorted(newest_first, -updated[pk], side="right"))
        ties = name_rank[order[low:high]]
        positions.append(low + int(np.searchsorted(ties, name_rank[pk])))
    arriving = np.asarray(published, dtype=np.int64)
    # Typed: with no company arriving (a change to the taxonomy only, or to unpublished
    # companies) an untyped empty array is float, which np.insert refuses as indices.
    at = np.asarray(positions, dtype=np.int64)
    by_position = np.lexsort((name_rank[arriving], -updated[arriving], at))
    return np.insert(order, at[by_position], arriving[by_position])


# The process's current snapshot ------------------------------------------------------------------


class IndexHolder:
    """This process's snapshot per database, kept current as described in the module docstring."""

    def __init__(self) -> None:
        self._snapshots: dict[str, Snapshot] = {}
        self._lock = threading.Lock()  # guards _snapshots and _rebuilding, held for moments
        self._first_build = threading.Lock()
        self._rebuilding: set[str] = set()

    @staticmethod
    def _key() -> str:
        return f"{connection.alias}:{connection.settings_dict.get('NAME')}"

    def current(self) -> Snapshot:
        key = self._key()
        snapshot = self._snapshots.get(key)
        if snapshot is None:
            return self._build_first(key)
        today = timezone.localdate()
        changes = pending_changes(snapshot)
        patched = patch(snapshot, changes) if changes is not None else None
        if patched is None or snapshot.today != today:
            return self._rebuild(key, snapshot, patched)
        if patched is not snapshot:
            with self._lock:
                if self._snapshots.get(key) is snapshot:  # another thread may have moved on
                    self._snapshots[key] = patched
        return patched

    def _build_first(self, key: str) -> Snapshot:
        with self._first_build:  # the only build a request ever waits for
            snapshot = self._snapshots.get(key)
            if snapshot is None:
                snapshot = build()
                with self._lock:
                    self._snapshots[key] = snapshot
            return snapshot

    def _rebuild(self, key: str, snapshot: Snapshot, patched: Snapshot | None) -> Snapshot:
        if not settings.SEARCH_INDEX_BACKGROUND_REBUILD:
            fresh = build()
            with self._lock:
                self._snapshots[key] = fresh
            return fresh
        with self._lock:
            if key not in self._rebuilding:
                self._rebuilding.add(key)
                threading.Thread(
                    target=self._build_in_background,
                    args=(key, connection.alias),
                    name="facet-index-rebuild",
                    daemon=True,
                ).start()
        return patched or snapshot

    def _build_in_background(self, key: str, alias: str) -> None:
        follow_expiries_safely()
        try:
            fresh = build()
            with self._lock:
                self._snapshots[key] = fresh  # requests patch it up to date from here
        except Exception:
            logger.exception("Rebuilding the facet index failed; the previous one keeps serving.")
        finally:
            connections[alias].close()  # this thread's own connection
            with self._lock:
                self._rebuilding.discard(key)

    def forget(self) -> None:
        """Drop every snapshot (tests that swap databases; never needed in production)."""
        with self._lock:
            self._snapshots.clear()


def follow_expiries_safely() -> None:
    """Let search documents drop certificates that expired (a new day is what brings a build
    here); a failure is logged, and never stops the index from being built."""
    from members.services import search_expiries_follow  # services write through this module

    try:
        search_expiries_follow()
    except Exception:
        logger.exception("Following expired certificates in search documents failed.")


_holder = IndexHolder()


def current_snapshot() -> Snapshot:
    """This process's facet index, brought up to date with every committed change."""
    return _holder.current()


def forget_snapshots() -> None:
    _holder.forget()


# Writing changes -------------------------------------------------------------------------------


def record_change(
    company_ids: Iterable[int], *, taxonomy: bool = False, rebuild: bool = False
) -> int:
    """Append one change and advance the version; call it after the writer's commit.

    The version row is locked only for this short statement, never for a writer's transaction,
    and versions become visible in order: the next writer waits for this one's commit.
    """
    ids = sorted({int(pk) for pk in company_ids})
    change = SearchChange(
        company_ids=ids,
        token=uuid.uuid4().hex,
        taxonomy=taxonomy,
        rebuild=rebuild,
        created_at=timezone.now(),
    )
    version = _append_postgres(change) if connection.vendor == "postgresql" else None
    if version is None:
        version = _append_portable(change)
    now = change.created_at
    if version % 100 == 0:
        SearchChange.objects.filter(created_at__lt=now - KEEP_CHANGES_FOR).delete()
    return version


def _append_postgres(change: SearchChange) -> int | None:
    """One statement, so one short transaction of its own: no wrapper needed."""
    table, state = SearchChange._meta.db_table, SearchState._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH next AS (UPDATE {state} SET version = version + 1 WHERE id = 1"  # noqa: S608
            " RETURNING version)"
            f" INSERT INTO {table} (version, token, company_ids, taxonomy, rebuild, created_at)"
            " SELECT version, %s, %s::jsonb, %s, %s, %s FROM next RETURNING version",
            [
                change.token,
                _json(change.company_ids),
                change.taxonomy,
                change.rebuild,
                change.created_at,
            ],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None  # no state row: made below


def _append_portable(change: SearchChange) -> int:
    with transaction.atomic():
        state, _ = SearchState.objects.select_for_update().get_or_create(pk=1)
        state.version += 1
        state.save(update_fields=["version"])
        change.version = state.version
        change.save(force_insert=True)
    return state.version


def _json(ids: list[int]) -> str:
    return "[" + ",".join(str(pk) for pk in ids) + "]"
