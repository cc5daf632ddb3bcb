"""send_profile_reminders: who the owners of which profiles are emailed, and never twice a month."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import Settings

from members import reminders
from members.models import Company, CompanyMembership, SearchChange, User
from tests.factories import (
    CertificationFactory,
    CompanyCertificationFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://directory.example"
NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 6, 1)


def _owned(name: str, owner_email: str | None = None, **fields: object) -> Company:
    slug = name.lower().replace(" ", "-")
    company = CompanyFactory(name=name, slug=slug, **fields)
    CompanyMembershipFactory(
        company=company,
        user=UserFactory(email=owner_email or f"owner@{slug}.example"),
        role=CompanyMembership.Role.OWNER,
    )
    return company


def _send(*, now: datetime.datetime = NOW, dry_run: bool = False) -> list[reminders.ReminderResult]:
    return reminders.profile_reminders_send(
        older_than_days=365, site_url=SITE, now=now, dry_run=dry_run
    )


def _outcomes(results: list[reminders.ReminderResult]) -> dict[str, str]:
    return {result.reminder.company.name: result.outcome for result in results}


def _certificate(company: Company, name: str, valid_until: datetime.date) -> None:
    CompanyCertificationFactory(
        company=company,
        certification=CertificationFactory(name=name),
        certificate_number=f"{name[:3].upper()}-0001",
        valid_until=valid_until,
    )


def test_owners_of_profiles_unconfirmed_for_a_year_are_emailed() -> None:
    never = _owned("Never Confirmed")
    old = _owned("Confirmed Long Ago", last_confirmed_at=NOW - datetime.timedelta(days=400))
    CompanyMembershipFactory(company=old, user=UserFactory(email="editor@long-ago.example"))

    results = _send()

    assert _outcomes(results) == {"Confirmed Long Ago": "sent", "Never Confirmed": "sent"}
    recipients = {tuple(message.to) for message in mail.outbox}
    # Owners only: an editor keeps the profile but is not the one answerable for it.
    assert recipients == {("owner@confirmed-long-ago.example",), ("owner@never-confirmed.example",)}
    never.refresh_from_db()
    assert never.reminder_sent_at == NOW


def test_fresh_draft_pending_and_archived_profiles_are_left_alone() -> None:
    _owned("Fresh", last_confirmed_at=NOW - datetime.timedelta(days=20))
    for status in (Company.Status.DRAFT, Company.Status.PENDING, Company.Status.ARCHIVED):
        _owned(f"Not Public {status}", status=status)

    assert _send() == []
    assert mail.outbox == []


def test_a_company_without_an_owner_is_reported_and_not_claimed() -> None:
    orphan = CompanyFactory(name="Nobody Owns This")
    CompanyMembershipFactory(company=orphan, user=UserFactory(email="editor@orphan.example"))
    _owned("Owner Has Left", owner_email="left@owner.example")
    User.objects.filter(email="left@owner.example").update(is_active=False)
    out = StringIO()

    call_command("send_profile_reminders", "--site-url", SITE, stdout=out)

    assert mail.outbox == []
    assert "Skipped: Nobody Owns This has no owner to email (never confirmed)" in out.getvalue()
    assert "Skipped: Owner Has Left has no owner to email" in out.getvalue()
    assert "Sent 0 reminders; 2 without an owner" in out.getvalue()
    orphan.refresh_from_db()
    assert orphan.reminder_sent_at is None  # reminded as soon as it has an owner


def test_a_second_run_within_30_days_sends_nothing_and_after_31_days_sends_again() -> None:
    _owned("Monthly Example")

    first = _send()
    second = _send(now=NOW + datetime.timedelta(days=29))
    third = _send(now=NOW + datetime.timedelta(days=31))

    assert _outcomes(first) == {"Monthly Example": "sent"}
    assert second == []
    assert _outcomes(third) == {"Monthly Example": "sent"}
    assert len(mail.outbox) == 2


def test_a_company_claimed_by_another_host_meanwhile_is_not_emailed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two hosts read the company as due; the other host's claim commits first."""
    company = _owned("Raced Example")
    read_due = reminders.profile_reminders_due

    def read_then_other_host_claims(**kwargs: object) -> list[reminders.ProfileReminder]:
        due = read_due(**kwargs)  # type: ignore[arg-type]
        Company.objects.filter(pk=company.pk).update(reminder_sent_at=NOW)
        return due

    monkeypatch.setattr(reminders, "profile_reminders_due", read_then_other_host_claims)

    results = _send()

    assert _outcomes(results) == {"Raced Example": "claimed elsewhere"}
    assert mail.outbox == []


def test_claiming_a_company_changes_nothing_buyers_or_staff_see() -> None:
    """Not "last updated", not the history, not the search."""
    company = _owned("Quiet Claim")
    updated_before = Company.objects.values_list("updated_at", flat=True).get(pk=company.pk)
    history_before = company.history.count()
    changes_before = SearchChange.objects.count()

    _send(now=timezone.now() + datetime.timedelta(days=3))

    company.refresh_from_db()
    assert company.reminder_sent_at is not None
    assert company.updated_at == updated_before
    assert company.history.count() == history_before
    assert SearchChange.objects.count() == changes_before


def test_certificates_expired_or_expiring_within_60_days_are_listed_with_their_dates(
    settings: Settings,
) -> None:
    settings.SITE_NAME = "Example Directory"
    company = _owned("Certified Example", last_confirmed_at=NOW - datetime.timedelta(days=10))
    _certificate(company, "Cyber Essentials", TODAY + datetime.timedelta(days=20))
    _certificate(company, "ISO 27001", TODAY - datetime.timedelta(days=10))
    _certificate(company, "ISO 9001", TODAY + datetime.timedelta(days=200))

    results = _send(now=NOW)

    assert _outcomes(results) == {"Certified Example": "sent"}
    [message] = mail.outbox
    assert (
        message.subject
        == "Certified Example: please renew your certificates in the Example Directory"
    )
    assert "- Cyber Essentials (CYB-0001): expires on 21 June 2026" in message.body
    assert "- ISO 27001 (ISO-0001): expired on 22 May 2026" in message.body
    assert "ISO 9001" not in message.body
    assert f"{SITE}/members/certified-example/certifications/" in message.body
    assert "CONFIRM YOUR PROFILE" not in message.body


def test_an_unconfirmed_profile_with_an_expiring_certificate_gets_one_email_with_both() -> None:
    company = _owned("Both Reasons", last_confirmed_at=NOW - datetime.timedelta(days=500))
    _certificate(company, "Cyber Essentials Plus", TODAY + datetime.timedelta(days=5))

    _send()

    [message] = mail.outbox
    assert "CONFIRM YOUR PROFILE" in message.body
    assert "last confirmed as correct on 17 January 2025" in message.body
    assert f"{SITE}/members/#company-{company.pk}" in message.body
    assert "RENEW YOUR CERTIFICATES" in message.body
    assert "Cyber Essentials Plus" in message.body
    assert "confirm your profile and renew your certificates" in message.subject


def test_the_command_prints_each_company_sent_with_recipients_and_reasons() -> None:
    company = _owned("Printed Example", owner_email="first@printed.example")
    CompanyMembershipFactory(
        company=company,
        user=UserFactory(email="second@printed.example"),
        role=CompanyMembership.Role.OWNER,
    )
    _certificate(company, "PCI DSS", timezone.localdate() + datetime.timedelta(days=30))
    expires = timezone.localdate() + datetime.timedelta(days=30)
    out = StringIO()

    call_command(
        "send_profile_reminders", "--older-than-days", "365", "--site-url", SITE, stdout=out
    )

    assert out.getvalue().splitlines()[0] == (
        "Sent: Printed Example to first@printed.example, second@printed.example "
        f"(never confirmed; PCI DSS expires {expires:%-d %B %Y})"
    )
    assert "Sent 1 reminder; 0 without an owner." in out.getvalue()
    [message] = mail.outbox
    assert message.to == ["first@printed.example", "second@printed.example"]


def test_dry_run_lists_without_sending_or_claiming() -> None:
    company = _owned("Dry Example")
    out = StringIO()

    call_command("send_profile_reminders", "--dry-run", "--site-url", SITE, stdout=out)

    assert (
        "Would send: Dry Example to owner@dry-example.example (never confirmed)" in out.getvalue()
    )
    assert "Dry run, nothing sent: would send 1 reminder" in out.getvalue()
    assert mail.outbox == []
    company.refresh_from_db()
    assert company.reminder_sent_at is None


def test_site_address_comes_from_the_setting_and_is_required(settings: Settings) -> None:
    _owned("Linked Example")
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="--site-url"):
        call_command("send_profile_reminders", stdout=StringIO())
    assert mail.outbox == []

    settings.SITE_URL = "https://from-settings.example"
    call_command("send_profile_reminders", stdout=StringIO())

    assert "https://from-settings.example/members/#company-" in mail.outbox[0].body


def test_a_failed_email_releases_the_company_for_the_next_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    company = _owned("Unlucky Example")
    _owned("Lucky Example")

    def refuse_one(reminder: reminders.ProfileReminder, *, site_url: str) -> None:
        if reminder.company.pk == company.pk:
            raise ConnectionRefusedError("mail server refused")
        mail.send_mail("sent", "body", None, reminder.recipients)

    monkeypatch.setattr(reminders.emails, "send_profile_reminder", refuse_one)
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="1 reminder could not be sent"):
        call_command("send_profile_reminders", "--site-url", SITE, stdout=out, stderr=err)

    assert "Failed: Unlucky Example to owner@unlucky-example.example: mail server refused" in (
        err.getvalue()
    )
    assert [message.to for message in mail.outbox] == [["owner@lucky-example.example"]]
    company.refresh_from_db()
    assert company.reminder_sent_at is None


def _due_companies(count: int) -> None:
    for number in range(count):
        company = _owned(f"Counted {number:02d}")
        _certificate(company, f"Standard {number:02d}", TODAY + datetime.timedelta(days=10))


@pytest.mark.parametrize("count", [2, 20])
def test_queries_do_not_grow_with_companies_beyond_one_claim_each(count: int) -> None:
    _due_companies(count)

    with CaptureQueriesContext(connection) as dry:
        dry_results = _send(dry_run=True)
    with CaptureQueriesContext(connection) as sent:
        results = _send()

    assert len(dry_results) == len(results) == count
    assert len(dry.captured_queries) == 3  # companies, their owners, their certificates
    assert len(sent.captured_queries) == 3 + count  # and one claim per company sent
    assert len(mail.outbox) == count
