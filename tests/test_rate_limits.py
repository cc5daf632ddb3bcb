"""Bounded abuse: CSV exports, permanent links and applications are rate limited per client
address, answered with a 429 page that says when to try again; search exports take turns on a
host, so that a burst of them cannot slow everybody's searches.

The limits here are tightened per test (settings.RATE_LIMITS) so that a few requests reach them;
tests/test_deploy_checks.py checks the defaults and how the environment sets them. Each test
counts from zero in this process's memory (tests/conftest.py); test_shared_rate_limits.py counts
in Redis.
"""

from __future__ import annotations

import math
import threading
import time

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client
from pytest_django import Settings

from directory import limits
from members.models import Company, SharedShortlist
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies(db: None) -> list[Company]:
    return [CompanyFactory(name=f"Limited {n} Example") for n in range(3)]


@pytest.fixture
def tight(settings: Settings) -> Settings:
    settings.RATE_LIMITS = {"export": "3/m", "share": "2/m", "apply": "5/h"}
    return settings


def body(response: object) -> str:
    """The page, or the whole file of a streamed download (which closes the response)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return response.content.decode()  # type: ignore[attr-defined]


def abandon(response: object) -> None:
    """Close a streamed response unread, as the server does when the client goes away (without
    the request_finished handler that would close this test's database connection, as Django's
    test client does for a response it closes)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()  # type: ignore[attr-defined]
    finally:
        request_finished.connect(close_old_connections)


def assert_says_when(response: object, doing: str, window_seconds: int) -> None:
    assert response.status_code == 429  # type: ignore[attr-defined]
    wait = int(response["Retry-After"])  # type: ignore[index]
    assert 0 < wait <= window_seconds
    page = body(response)
    assert f"Too many {doing} from your connection" in page
    minutes = math.ceil(wait / 60)
    assert f"Try again in {minutes} minute{'s' if minutes > 1 else ''}, from " in page


@pytest.mark.parametrize("path", ["/companies/export.csv", "/companies/export.csv?q=limited"])
def test_search_exports_past_the_limit_get_a_429_that_says_when(
    tight: Settings, companies: list[Company], path: str
) -> None:
    buyer = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(3):
        response = buyer.get(path)
        assert response.status_code == 200
        assert "Limited 0 Example" in body(response)
    assert_says_when(buyer.get(path), "downloads", 60)
    # Another address is not held back by the first one's burst.
    assert Client(REMOTE_ADDR="198.51.100.8").get(path).status_code == 200


def test_shortlist_and_search_exports_count_together(
    tight: Settings, companies: list[Company]
) -> None:
    buyer = Client(REMOTE_ADDR="198.51.100.9")
    buyer.post(f"/shortlist/add/{companies[0].slug}/")
    shared = SharedShortlist.objects.create(key="limited-list", company_ids=[companies[1].pk])
    shared_export = f"{shared.get_absolute_url()}export.csv"
    for path in ("/companies/export.csv", "/shortlist/export.csv", shared_export):
        assert buyer.get(path).status_code == 200
    for path in ("/companies/export.csv", "/shortlist/export.csv", shared_export):
        assert_says_when(buyer.get(path), "downloads", 60)


def test_the_shortlist_page_itself_is_not_limited(
    tight: Settings, companies: list[Company]
) -> None:
    buyer = Client(REMOTE_ADDR="198.51.100.10")
    for _ in range(6):
        assert buyer.get("/shortlist/").status_code == 200
        assert buyer.get("/companies/").status_code == 200


def test_permanent_links_past_the_limit_get_a_429_and_make_nothing(
    tight: Settings, companies: list[Company]
) -> None:
    buyer = Client(REMOTE_ADDR="198.51.100.11")
    buyer.post(f"/shortlist/add/{companies[0].slug}/")
    for title in ("First", "Second"):
        assert buyer.post("/shortlist/share/", {"title": title}).status_code == 302
    assert_says_when(buyer.post("/shortlist/share/", {"title": "Third"}), "permanent links", 60)
    assert sorted(SharedShortlist.objects.values_list("title", flat=True)) == ["First", "Second"]


def test_an_own_list_export_that_would_make_a_link_past_the_limit_makes_nothing(
    tight: Settings, companies: list[Company]
) -> None:
    buyer = Client(REMOTE_ADDR="198.51.100.12")
    for company in companies[:2]:
        buyer.post(f"/shortlist/add/{company.slug}/")
        buyer.post("/shortlist/share/")  # one link per list: two links
    buyer.post(f"/shortlist/add/{companies[2].slug}/")  # a third list, not yet shared
    assert_says_when(buyer.get("/shortlist/export.csv"), "permanent links", 60)
    assert SharedShortlist.objects.count() == 2


def test_limits_let_requests_through_when_the_cache_is_down(
    tight: Settings, companies: list[Company], caplog: pytest.LogCaptureFixture
) -> None:
    tight.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: refused at once
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    buyer = Client(REMOTE_ADDR="198.51.100.13")
    for _ in range(4):
        response = buyer.get("/companies/export.csv")
        assert response.status_code == 200
        assert "Limited 0 Example" in body(response)
    assert "Rate limit export not counted: the cache did not answer" in caplog.text
    assert "Export slot not taken: the cache did not answer" in caplog.text


# Export slots: search exports take turns on a host. ---------------------------------------------


@pytest.fixture
def one_slot(settings: Settings) -> Settings:
    settings.EXPORT_CONCURRENCY = 1
    settings.EXPORT_QUEUE_SECONDS = 0
    return settings


def test_an_export_waits_for_a_slot_and_is_refused_with_a_503_when_none_frees(
    one_slot: Settings, companies: list[Company]
) -> None:
    first = Client(REMOTE_ADDR="198.51.100.20").get("/companies/export.csv")
    assert first.status_code == 200  # streaming: it holds the slot until it is read or closed
    second = Client(REMOTE_ADDR="198.51.100.21").get("/companies/export.csv")
    assert second.status_code == 503
    assert second["Retry-After"] == str(limits.BUSY_RETRY_SECONDS)
    assert "The directory is busy with other downloads" in body(second)
    assert "Limited 0 Example" in body(first)  # read to the end: the slot is free again
    third = Client(REMOTE_ADDR="198.51.100.22").get("/companies/export.csv")
    assert third.status_code == 200


def test_a_download_abandoned_before_its_first_row_frees_its_slot(
    one_slot: Settings, companies: list[Company]
) -> None:
    abandoned = Client(REMOTE_ADDR="198.51.100.23").get("/companies/export.csv")
    abandon(abandoned)
    assert Client(REMOTE_ADDR="198.51.100.24").get("/companies/export.csv").status_code == 200


def test_an_export_that_fails_frees_its_slot(
    one_slot: Settings, companies: list[Company], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the search broke")

    monkeypatch.setattr("members.views.export.run_search", broken)
    with pytest.raises(RuntimeError):
        Client(REMOTE_ADDR="198.51.100.25").get("/companies/export.csv")
    monkeypatch.undo()
    assert Client(REMOTE_ADDR="198.51.100.26").get("/companies/export.csv").status_code == 200


def test_a_waiting_export_gets_the_slot_when_the_one_before_finishes(
    one_slot: Settings, companies: list[Company]
) -> None:
    one_slot.EXPORT_QUEUE_SECONDS = 5
    first = Client(REMOTE_ADDR="198.51.100.27").get("/companies/export.csv")
    finish_first = threading.Timer(0.5, abandon, [first])
    finish_first.start()
    second = Client(REMOTE_ADDR="198.51.100.28").get("/companies/export.csv")
    finish_first.join()
    assert second.status_code == 200
    assert "Limited 0 Example" in body(second)


def test_only_as_many_wait_as_there_are_slots_and_the_rest_are_refused_at_once(
    one_slot: Settings,
) -> None:
    exporting = limits.ExportSlot()
    assert exporting.acquire(wait=0)
    waiting = limits.ExportSlot()
    waited: list[bool] = []
    waiter = threading.Thread(target=lambda: waited.append(waiting.acquire(wait=5)))
    waiter.start()
    time.sleep(0.3)  # the waiter has taken the one place in the queue

    started = time.monotonic()
    assert not limits.ExportSlot().acquire(wait=5)
    assert time.monotonic() - started < 1  # refused at once: it held no server thread

    exporting.release()
    waiter.join()
    assert waited == [True]
    waiting.release()


def test_a_slot_held_by_a_process_that_died_is_given_back_after_its_timeout(
    one_slot: Settings, companies: list[Company], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "SLOT_SECONDS", 1)
    dead = limits.ExportSlot()
    assert dead.acquire(wait=0)  # and never released: the process was killed
    assert not limits.ExportSlot().acquire(wait=0)
    assert limits.ExportSlot().acquire(wait=3)


def test_shortlist_exports_do_not_take_a_slot(one_slot: Settings, companies: list[Company]) -> None:
    held = limits.ExportSlot()
    assert held.acquire(wait=0)
    buyer = Client(REMOTE_ADDR="198.51.100.29")
    buyer.post(f"/shortlist/add/{companies[0].slug}/")
    response = buyer.get("/shortlist/export.csv")  # at most 50 companies: cheap
    assert response.status_code == 200
    assert "Limited 0 Example" in body(response)
    held.release()
