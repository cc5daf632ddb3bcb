"""Two-factor sign-in for tests: an authenticator app for a user, its current code, and a session
that has passed the second step, recorded the way allauth records it."""

from __future__ import annotations

import time

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client, RequestFactory

from members.models import User


def add_authenticator_app(user: User) -> str:
    """Give the user an authenticator app (TOTP) and recovery codes; returns the app's secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str, *, steps_ahead: int = 0) -> str:
    """The code the app shows now (or that many 30-second steps later)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + steps_ahead
    return format_hotp_value(hotp_value(secret, counter))


def recovery_codes(user: User) -> list[str]:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return authenticator.wrap().get_unused_codes()


def pass_second_step(client: Client, user: User) -> None:
    """Mark the client's signed-in session as having entered an authenticator code."""
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    request.user = user
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    session.save()
