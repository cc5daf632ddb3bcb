"""A staff session ends after 8 idle hours; each request starts the 8 hours again. Members and
buyers keep the site-wide session length."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

EIGHT_HOURS = 8 * 60 * 60


def _expires_in(client: Client) -> float:
    session = Session.objects.get(session_key=client.session.session_key)
    return (session.expire_date - timezone.now()).total_seconds()


def test_a_staff_session_lasts_eight_idle_hours(staff_client: Client) -> None:
    assert staff_client.get("/admin/").status_code == 200
    assert EIGHT_HOURS - 60 < _expires_in(staff_client) <= EIGHT_HOURS


def test_each_staff_request_starts_the_eight_hours_again(staff_client: Client) -> None:
    staff_client.get("/admin/")
    Session.objects.filter(session_key=staff_client.session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(hours=1)
    )
    staff_client.get("/admin/")
    assert _expires_in(staff_client) > EIGHT_HOURS - 60


def test_after_eight_idle_hours_the_admin_asks_to_sign_in_again(staff_client: Client) -> None:
    staff_client.get("/admin/")
    Session.objects.filter(session_key=staff_client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = staff_client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(("/admin/login/", "/accounts/login/"))


def test_a_member_keeps_the_site_wide_session_length(member_client: Client) -> None:
    member_client.get("/members/")
    assert _expires_in(member_client) > EIGHT_HOURS * 2
    assert _expires_in(member_client) <= settings.SESSION_COOKIE_AGE
