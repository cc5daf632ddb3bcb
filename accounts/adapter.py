"""How allauth behaves on this site: no public sign-up, and emails in the site's own name."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Accounts are created only from invitations (members) and by staff, never by sign-up."""
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # allauth's templates name the site after the request's host; ours use SITE_NAME.
        super().send_mail(template_prefix, email, {"site_name": settings.SITE_NAME, **context})

    def get_password_change_redirect_url(self, request: HttpRequest) -> str:
        return reverse("account_overview")
