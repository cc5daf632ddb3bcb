"""Reminders to the owners of published profiles: confirm the details, renew certificates.

``manage.py send_profile_reminders`` runs ``profile_reminders_send`` from cron, on one host or
on several at once. A company is emailed at most once every REMINDER_INTERVAL, whoever runs it:
before sending, a run claims the company with one conditional UPDATE of ``reminder_sent_at``
(still unset, or older than the interval), which commits on its own. Of two runs that read the
same company as due, only one UPDATE matches the row; the other's matches nothing and that run
skips the company. On PostgreSQL the second UPDATE waits for the first to commit and then
re-checks the condition against the new value. No file locks, no long transaction.

The claim writes only ``reminder_sent_at`` through ``QuerySet.update``: ``updated_at`` stays as
it was (buyers see it as "last updated"), no history record is written (the field is excluded
from the history anyway) and the search documents are not touched, as nothing buyers search
changed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

from django.db.models import Prefetch, Q
from django.utils import timezone

from members import emails
from members.models import EXPIRY_WARNING_DAYS, Company, CompanyCertification, CompanyMembership

# Never more than one reminder per company in this long, however often cron runs.
REMINDER_INTERVAL = datetime.timedelta(days=30)

Outcome = Literal["sent", "would send", "no owner", "claimed elsewhere", "failed"]


@dataclass(frozen=True)
class CertificateWarning:
    name: str
    number: str
    valid_until: datetime.date
    expired: bool

    def __str__(self) -> str:
        state = "expired" if self.expired else "expires"
        return f"{self.name} {state} {self.valid_until:%-d %B %Y}"


@dataclass(frozen=True)
class ProfileReminder:
    """What one company is reminded of, and who is told."""

    company: Company
    recipients: list[str]
    unconfirmed: bool
    certificates: list[CertificateWarning]  # expired or expiring soon, soonest first

    def reasons(self) -> list[str]:
        reasons = [str(certificate) for certificate in self.certificates]
        if self.unconfirmed:
            confirmed = self.company.last_confirmed_at
            when = f"{timezone.localtime(confirmed):%-d %B %Y}" if confirmed else None
            reasons.insert(0, f"last confirmed {when}" if when else "never confirmed")
        return reasons


@dataclass(frozen=True)
class ReminderResult:
    reminder: ProfileReminder
    outcome: Outcome
    error: str = ""


def _not_reminded_since(now: datetime.datetime) -> Q:
    return Q(reminder_sent_at__isnull=True) | Q(reminder_sent_at__lt=now - REMINDER_INTERVAL)


def profile_reminders_due(*, now: datetime.datetime, older_than_days: int) -> list[ProfileReminder]:
    """Published companies not confirmed by the member for ``older_than_days`` (or never), or
    holding a certificate expired or expiring within EXPIRY_WARNING_DAYS, and not reminded
    within REMINDER_INTERVAL. Three queries however many companies.
    """
    today = timezone.localdate(now)
    confirmed_before = now - datetime.timedelta(days=older_than_days)
    expiring_by = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    unconfirmed = Q(last_confirmed_at__isnull=True) | Q(last_confirmed_at__lt=confirmed_before)
    expiring = CompanyCertification.objects.filter(valid_until__lte=expiring_by)
    companies = (
        Company.objects.published()
        .filter(_not_reminded_since(now))
        .filter(unconfirmed | Q(pk__in=expiring.values("company_id")))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=CompanyMembership.objects.filter(
                    role=CompanyMembership.Role.OWNER, user__is_active=True
                )
                .select_related("user")
                .order_by("user__email"),
                to_attr="owners",
            ),
            Prefetch(
                "certifications",
                queryset=expiring.select_related("certification").order_by(
                    "valid_until", "certification__name"
                ),
                to_attr="expiring_certificates",
            ),
        )
        .order_by("name", "pk")
    )
    return [
        ProfileReminder(
            company=company,
            recipients=[owner.user.email for owner in company.owners],
            unconfirmed=(
                company.last_confirmed_at is None or company.last_confirmed_at < confirmed_before
            ),
            certificates=_warnings(company.expiring_certificates, today),
        )
        for company in companies
    ]


def _warnings(
    certificates: list[CompanyCertification], today: datetime.date
) -> list[CertificateWarning]:
    return [
        CertificateWarning(
            name=certificate.certification.name,
            number=certificate.certificate_number,
            valid_until=certificate.valid_until,
            expired=certificate.valid_until < today,
        )
        for certificate in certificates
        if certificate.valid_until is not None  # always, as selected: for the type checker
    ]


def profile_reminders_send(
    *,
    older_than_days: int,
    site_url: str,
    dry_run: bool = False,
    now: datetime.datetime | None = None,
) -> list[ReminderResult]:
    """Email the owners of every company due a reminder, each company once (see the module).

    A dry run lists what would be sent and neither sends nor claims. A company without an
    active owner is reported and left unclaimed, so it is reminded once it has one. A company
    whose email cannot be sent is released again, for the next run to retry.
    """
    now = now or timezone.now()
    results = []
    for reminder in profile_reminders_due(now=now, older_than_days=older_than_days):
        results.append(_send_one(reminder, now=now, site_url=site_url, dry_run=dry_run))
    return results


def _send_one(
    reminder: ProfileReminder, *, now: datetime.datetime, site_url: str, dry_run: bool
) -> ReminderResult:
    if not reminder.recipients:
        return ReminderResult(reminder, "no owner")
    if dry_run:
        return ReminderResult(reminder, "would send")
    company = reminder.company
    # The claim: one conditional UPDATE, committed before the email goes (see the module).
    claim = Company.objects.filter(_not_reminded_since(now), pk=company.pk)
    if claim.update(reminder_sent_at=now) != 1:
        return ReminderResult(reminder, "claimed elsewhere")
    try:
        emails.send_profile_reminder(reminder, site_url=site_url)
    except Exception as error:  # one company's failed email must not stop the others
        Company.objects.filter(pk=company.pk, reminder_sent_at=now).update(
            reminder_sent_at=company.reminder_sent_at
        )
        return ReminderResult(reminder, "failed", error=str(error) or type(error).__name__)
    return ReminderResult(reminder, "sent")
