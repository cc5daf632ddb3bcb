"""The emails members and staff get: plain text, the site's name, one clear action each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from members.models import Company, Invitation, User

if TYPE_CHECKING:
    from members.reminders import ProfileReminder


def send_invitation(invitation: Invitation, link: str) -> None:
    context = {
        "invitation": invitation,
        "link": link,
        "site_name": settings.SITE_NAME,
        "inviter": invitation.invited_by.get_full_name() if invitation.invited_by else "",
    }
    send_mail(
        subject=f"Your invitation to update {invitation.company.name} in the {settings.SITE_NAME}",
        message=render_to_string("members/emails/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )


def staff_addresses() -> list[str]:
    """Who hears about applications: STAFF_NOTIFICATION_EMAILS, else every active staff user."""
    configured: list[str] = settings.STAFF_NOTIFICATION_EMAILS
    if configured:
        return configured
    staff = User.objects.filter(is_staff=True, is_active=True).values_list("email", flat=True)
    return sorted(staff)


def send_application_to_staff(company: Company, review_url: str) -> None:
    recipients = staff_addresses()
    if not recipients:
        return
    context = {"company": company, "review_url": review_url, "site_name": settings.SITE_NAME}
    send_mail(
        subject=f"Application to be listed: {company.name}",
        message=render_to_string("members/emails/application.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )


def send_rejection(company: Company, email: str, reason: str) -> None:
    context = {"company": company, "reason": reason, "site_name": settings.SITE_NAME}
    send_mail(
        subject=f"Your application to list {company.name} in the {settings.SITE_NAME}",
        message=render_to_string("members/emails/rejection.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )


def send_profile_reminder(reminder: ProfileReminder, *, site_url: str) -> None:
    """One email to a company's owners: confirm the profile, renew certificates, or both."""
    company = reminder.company
    base = site_url.rstrip("/")
    context = {
        "company": company,
        "unconfirmed": reminder.unconfirmed,
        "certificates": reminder.certificates,
        # The dashboard holds the button that confirms the details; the anchor is the company's.
        "confirm_link": f"{base}{reverse('area:dashboard')}#company-{company.pk}",
        "certifications_link": base + reverse("area:certifications", args=[company.slug]),
        "site_name": settings.SITE_NAME,
    }
    what = "confirm your profile" if reminder.unconfirmed else "renew your certificates"
    if reminder.unconfirmed and reminder.certificates:
        what = "confirm your profile and renew your certificates"
    send_mail(
        subject=f"{company.name}: please {what} in the {settings.SITE_NAME}",
        message=render_to_string("members/emails/profile_reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=reminder.recipients,
    )
