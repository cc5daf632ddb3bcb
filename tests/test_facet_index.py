"""The facet index follows writes by patching, never stalls a buyer, and matches a fresh build."""

from __future__ import annotations

import datetime
import threading

import numpy as np
import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django import Settings

from members.models import Company, SearchChange
from members.search import engine, index
from members.search.documents import search_batch
from members.search.engine import Remembered, TextMatchCache
from members.search.index import Snapshot, build, current_snapshot, flags_of
from members.search.text import TextMatches
from members.services import company_delete, company_save, search_rebuild
from tests.factories import (
    CapabilityFactory,
    CertificationFactory,
    CompanyCertificationFactory,
    CompanyFactory,
)
from tests.search_data import SearchWorld, build_search_world, search


@pytest.fixture
def world(db: None) -> SearchWorld:
    return build_search_world()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Snapshot]:
    """Every full build from here on."""
    made: list[Snapshot] = []
    original = index.build

    def counting_build(today: datetime.date | None = None) -> Snapshot:
        made.append(original(today))
        return made[-1]

    monkeypatch.setattr(index, "build", counting_build)
    return made


def same_content(patched: Snapshot, fresh: Snapshot) -> None:
    assert (patched.version, patched.token) == (fresh.version, fresh.token)
    alive = flags_of(patched.alive)
    assert np.array_equal(np.flatnonzero(alive), np.flatnonzero(flags_of(fresh.alive)))
    assert patched.name_order.tolist() == fresh.name_order.tolist()
    assert patched.updated_order.tolist() == fresh.updated_order.tolist()
    for param, rows in fresh.facets.items():
        mine = patched.facets[param]
        assert [o.key for o in mine.options] == [o.key for o in rows.options], param
        for key, row in rows.rows.items():
            ids = np.flatnonzero(flags_of(rows.bits[row]))
            assert np.flatnonzero(flags_of(mine.bits[mine.rows[key]])).tolist() == ids.tolist(), (
                param,
                key,
            )


@pytest.mark.django_db
def test_a_write_is_patched_into_the_index_without_a_rebuild(
    world: SearchWorld, builds: list[Snapshot]
) -> None:
    search()
    built = len(builds)
    company = world.companies["cables"]
    company.region = world.fife
    company_save(company=company)
    assert search(region=["fife"]).total == 4
    assert len(builds) == built


@pytest.mark.django_db
def test_a_patched_index_equals_a_fresh_build(world: SearchWorld) -> None:
    current_snapshot()
    companies = world.companies
    newcomer = CompanyFactory(name="Aardvark Example", capabilities=[world.ticketing])
    renamed = companies["soc"]
    renamed.name = "Zeta Watch Example"
    company_save(company=renamed)
    archived = companies["trainer"]
    archived.status = Company.Status.ARCHIVED
    company_save(company=archived)
    company_delete(company=companies["cables"])
    CompanyCertificationFactory(
        company=newcomer, certification=CertificationFactory(slug="iso-9001")
    )
    CapabilityFactory(cluster=world.cyber, slug="new-capability")
    company_save(company=companies["responder"], capabilities=[world.pen_testing])
    patched = current_snapshot()
    assert patched.version == SearchChange.objects.latest("version").version
    same_content(patched, build())


@pytest.mark.django_db
def test_a_large_change_is_rebuilt_not_patched(
    world: SearchWorld, builds: list[Snapshot], monkeypatch: pytest.MonkeyPatch
) -> None:
    search()
    monkeypatch.setattr(index, "MAX_PATCH_COMPANIES", 1)
    built = len(builds)
    for company in list(world.companies.values())[:2]:
        company.summary = "Changed."
    with transaction.atomic(), search_batch():  # one change touching two companies
        for company in list(world.companies.values())[:2]:
            company_save(company=company)
    search()
    assert len(builds) == built + 1


@pytest.mark.django_db
def test_another_history_is_rebuilt_not_patched(world: SearchWorld, builds: list[Snapshot]) -> None:
    snapshot = current_snapshot()
    built = len(builds)
    # As after a restored backup: the version number exists, but it is another change.
    SearchChange.objects.filter(version=snapshot.version).update(token="f" * 32)
    current_snapshot()
    assert len(builds) == built + 1


@pytest.mark.django_db(transaction=True)
def test_a_new_day_rebuilds_in_the_background_while_the_old_index_serves(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SEARCH_INDEX_BACKGROUND_REBUILD = True
    index.forget_snapshots()  # a process that has just started
    CompanyFactory(name="Only Example")
    old = current_snapshot()
    release, started = threading.Event(), threading.Event()
    original = index.build

    def slow_build(today: datetime.date | None = None) -> Snapshot:
        started.set()
        assert release.wait(10)
        return original(today)

    monkeypatch.setattr(index, "build", slow_build)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(index.timezone, "localdate", lambda: tomorrow)
    assert current_snapshot() is old  # answered at once, from the old index
    assert started.wait(10)
    assert current_snapshot() is old  # still building: still the old one, no second build
    release.set()
    for _ in range(100):
        if current_snapshot().today == tomorrow:
            break
        threading.Event().wait(0.05)
    assert current_snapshot().today == tomorrow
    assert current_snapshot().size == 1


def matches(size: int) -> Remembered:
    return Remembered(TextMatches(np.arange(size, dtype=np.int64), np.zeros(size)), 1, "t")


def test_remembered_text_matches_are_capped_in_bytes() -> None:
    cache = TextMatchCache(max_bytes=matches(100).matches.nbytes * 3)
    for n in range(5):
        cache.put(f"word{n}", matches(100))
    assert len(cache) == 3
    assert cache.nbytes <= cache.max_bytes
    assert cache.get("word0") is None
    assert cache.get("word4") is not None


def test_a_result_too_big_to_remember_is_not_kept() -> None:
    cache = TextMatchCache(max_bytes=100)
    cache.put("everything", matches(1000))
    assert len(cache) == 0


@pytest.fixture
def text_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[int] | None]]:
    """Every text query sent to the database: the text, and the companies it was limited to."""
    calls: list[tuple[str, list[int] | None]] = []
    real = engine.backend

    class Counting:
        def __getattr__(self, name: str) -> object:
            return getattr(real(), name)

        def matches(self, text: str, synonyms: object, among: list[int] | None = None) -> object:
            calls.append((text, None if among is None else list(among)))
            return real().matches(text, synonyms, among)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "backend", Counting)
    return calls


@pytest.mark.django_db
def test_text_matches_are_remembered_while_nothing_changes(
    world: SearchWorld, text_calls: list[tuple[str, list[int] | None]]
) -> None:
    search("incident")
    search("incident", region=["fife"])
    assert text_calls == [("incident", None)]


@pytest.mark.django_db
def test_after_an_edit_only_the_edited_company_is_checked_again(
    world: SearchWorld, text_calls: list[tuple[str, list[int] | None]]
) -> None:
    before = search("incident").total
    company = world.companies["soc"]
    company.summary = "Incident handling too."
    company_save(company=company)
    assert search("incident").total == before + 1
    assert text_calls == [("incident", None), ("incident", [company.pk])]
    company.summary = "Nothing of the sort."
    company_save(company=company)
    assert search("incident").total == before
    found = {int(pk) for pk in search("incident").ordered_ids}
    assert found == {int(pk) for pk in run_search_fresh("incident")}


def run_search_fresh(text: str) -> np.ndarray:
    """What the database says now, remembering nothing."""
    return engine.backend().matches(text, engine.synonym_pairs()).ids


@pytest.mark.django_db
def test_a_rebuild_forgets_remembered_matches(
    world: SearchWorld, text_calls: list[tuple[str, list[int] | None]]
) -> None:
    search("incident")
    search_rebuild()
    search("incident")
    assert text_calls == [("incident", None), ("incident", None)]
