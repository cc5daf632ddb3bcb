"""Permanent shortlist links are kept while somebody opens them at least once a year; an unvisited
one answers 410 Gone, and `manage.py clear_expired` removes it, with expired sessions."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from members.models import Company, SharedShortlist
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

A_YEAR = SharedShortlist.KEPT_UNVISITED


@pytest.fixture
def company(db: None) -> Company:
    return CompanyFactory(name="Kept Evidence Example Ltd")


def shared_list(
    company: Company, *, visited_ago: datetime.timedelta, **fields: str
) -> SharedShortlist:
    shared = SharedShortlist.objects.create(
        key=fields.pop("key", "evidence"), company_ids=[company.pk], **fields
    )
    SharedShortlist.objects.filter(pk=shared.pk).update(
        last_visited_at=timezone.now() - visited_ago
    )
    shared.refresh_from_db()
    return shared


def test_a_list_opened_within_the_year_shows_and_says_how_long_it_is_kept(
    client: Client, company: Company
) -> None:
    shared = shared_list(company, visited_ago=A_YEAR - datetime.timedelta(days=1))
    page = client.get(shared.get_absolute_url()).content.decode()
    assert company.name in page
    kept_until = timezone.localdate() + A_YEAR
    assert f"The link is kept until at least {kept_until:%-d %B %Y}" in page


def test_opening_a_list_keeps_it_another_year(client: Client, company: Company) -> None:
    shared = shared_list(company, visited_ago=datetime.timedelta(days=300))
    client.get(shared.get_absolute_url())
    shared.refresh_from_db()
    assert timezone.now() - shared.last_visited_at < datetime.timedelta(minutes=1)


def test_downloading_a_list_counts_as_opening_it(client: Client, company: Company) -> None:
    shared = shared_list(company, visited_ago=datetime.timedelta(days=300))
    b"".join(client.get(f"{shared.get_absolute_url()}export.csv").streaming_content)
    shared.refresh_from_db()
    assert timezone.now() - shared.last_visited_at < datetime.timedelta(minutes=1)


def test_reading_a_list_twice_a_day_writes_once(client: Client, company: Company) -> None:
    shared = shared_list(company, visited_ago=datetime.timedelta(days=2))
    client.get(shared.get_absolute_url())
    shared.refresh_from_db()
    first_visit = shared.last_visited_at
    client.get(shared.get_absolute_url())
    shared.refresh_from_db()
    assert shared.last_visited_at == first_visit


@pytest.mark.parametrize("suffix", ["", "export.csv"])
def test_a_list_nobody_opened_for_a_year_is_gone(
    client: Client, company: Company, suffix: str
) -> None:
    shared = shared_list(
        company, visited_ago=A_YEAR + datetime.timedelta(days=1), title="Secret tender"
    )
    response = client.get(f"{shared.get_absolute_url()}{suffix}")
    assert response.status_code == 410
    page = response.content.decode()
    assert "This shortlist link has expired" in page
    assert company.name not in page
    assert "Secret tender" not in page
    shared.refresh_from_db()
    assert shared.is_expired()  # looking at a gone list does not bring it back


def test_sharing_the_same_list_after_it_expired_makes_a_new_link(
    client: Client, company: Company
) -> None:
    client.post(f"/shortlist/add/{company.slug}/")
    client.post("/shortlist/share/")
    old = SharedShortlist.objects.get()
    SharedShortlist.objects.update(last_visited_at=timezone.now() - A_YEAR * 2)
    response = client.post("/shortlist/share/")
    new = SharedShortlist.objects.get()
    assert new.key != old.key
    assert response["Location"] == new.get_absolute_url()
    assert client.get(old.get_absolute_url()).status_code == 404


def test_sharing_the_same_list_again_keeps_it_another_year(
    client: Client, company: Company
) -> None:
    client.post(f"/shortlist/add/{company.slug}/")
    client.post("/shortlist/share/")
    SharedShortlist.objects.update(last_visited_at=timezone.now() - datetime.timedelta(days=200))
    client.post("/shortlist/share/")
    shared = SharedShortlist.objects.get()
    assert timezone.now() - shared.last_visited_at < datetime.timedelta(minutes=1)


def expired_session() -> str:
    session = SessionStore()
    session["shortlist"] = [1, 2]
    session.set_expiry(-60)
    session.create()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(minutes=1)
    )
    return session.session_key or ""


def test_clear_expired_removes_unvisited_lists_and_expired_sessions(company: Company) -> None:
    kept = shared_list(company, key="kept", visited_ago=datetime.timedelta(days=364))
    shared_list(company, key="gone", visited_ago=A_YEAR + datetime.timedelta(days=1))
    live = SessionStore()
    live["shortlist"] = [company.pk]
    live.create()
    expired_session()
    output = StringIO()

    call_command("clear_expired", stdout=output)

    assert list(SharedShortlist.objects.values_list("key", flat=True)) == [kept.key]
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert "Removed 1 shortlist link not opened since" in output.getvalue()
    assert "Removed 1 expired session." in output.getvalue()


def test_clear_expired_dry_run_removes_nothing(company: Company) -> None:
    shared_list(company, key="gone", visited_ago=A_YEAR * 2)
    expired_session()
    output = StringIO()

    call_command("clear_expired", "--dry-run", stdout=output)

    assert SharedShortlist.objects.count() == 1
    assert Session.objects.count() == 1
    assert "Would remove 1 shortlist link" in output.getvalue()
    assert "Would remove 1 expired session." in output.getvalue()


def test_clear_expired_says_who_expires_sessions_kept_elsewhere(settings: Settings) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    output = StringIO()
    call_command("clear_expired", stdout=output)
    assert "Sessions are kept by django.contrib.sessions.backends.cache" in output.getvalue()
