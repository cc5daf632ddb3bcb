"""How allauth behaves on this site: no public sign-up, and words and emails in the site's voice."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

TOO_MANY_ATTEMPTS = "Too many attempts. Wait a few minutes, then try again."


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # One message whether the address has an account or not (enumeration prevention).
        "email_password_mismatch": "The email address or the password is not correct.",
        "too_many_login_attempts": TOO_MANY_ATTEMPTS,
        "rate_limited": TOO_MANY_ATTEMPTS,
        "incorrect_code": "The code is not correct, or it has expired.",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Accounts are created only from invitations (members) and by staff, never by sign-up."""
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # allauth's templates name the site after the request's host; ours use SITE_NAME.
        super().send_mail(template_prefix, email, {"site_name": settings.SITE_NAME, **context})

    def get_password_change_redirect_url(self, request: HttpRequest) -> str:
        return reverse("account_overview")


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "The code is not correct, or it has been used already.",
    }
