"""allauth's forms with the site's wording: sentence-case labels and no placeholders.

A placeholder that repeats the label disappears as soon as someone types and is read twice by
screen readers; the labels say it all. The forms' behaviour (rate limits, enumeration prevention,
password validation) is allauth's, untouched.
"""

from __future__ import annotations

from typing import Any, ClassVar

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms

# What AUTH_PASSWORD_VALIDATORS ask of a new password, in a sentence.
STRENGTH_HINT = (
    "At least 12 characters. Not a common password, not all numbers, not like your email address."
)


class SiteWording(forms.Form):
    """Relabels the fields named in ``labels`` and ``hints``, and drops every placeholder."""

    labels: ClassVar[dict[str, str]] = {}
    hints: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            field.label = self.labels.get(name, field.label)
            field.help_text = self.hints.get(name, field.help_text)


class LoginForm(SiteWording, account_forms.LoginForm):
    labels: ClassVar[dict[str, str]] = {"login": "Email address", "password": "Password"}
    # The page links to the password reset beside the button instead.
    hints: ClassVar[dict[str, str]] = {"password": ""}


class RequestLoginCodeForm(SiteWording, account_forms.RequestLoginCodeForm):
    labels: ClassVar[dict[str, str]] = {"email": "Email address"}


class ConfirmLoginCodeForm(SiteWording, account_forms.ConfirmLoginCodeForm):
    labels: ClassVar[dict[str, str]] = {"code": "Sign-in code"}
    hints: ClassVar[dict[str, str]] = {"code": "The code in the email we have just sent you."}


class ResetPasswordForm(SiteWording, account_forms.ResetPasswordForm):
    labels: ClassVar[dict[str, str]] = {"email": "Email address"}


class ResetPasswordKeyForm(SiteWording, account_forms.ResetPasswordKeyForm):
    labels: ClassVar[dict[str, str]] = {
        "password1": "New password",
        "password2": "New password again",
    }
    hints: ClassVar[dict[str, str]] = {"password1": STRENGTH_HINT}


class ChangePasswordForm(SiteWording, account_forms.ChangePasswordForm):
    labels: ClassVar[dict[str, str]] = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "New password again",
    }
    hints: ClassVar[dict[str, str]] = {"oldpassword": "", "password1": STRENGTH_HINT}


class SetPasswordForm(SiteWording, account_forms.SetPasswordForm):
    labels: ClassVar[dict[str, str]] = {"password1": "Password", "password2": "Password again"}
    hints: ClassVar[dict[str, str]] = {"password1": STRENGTH_HINT}


class ReauthenticateForm(SiteWording, account_forms.ReauthenticateForm):
    labels: ClassVar[dict[str, str]] = {"password": "Password"}
    hints: ClassVar[dict[str, str]] = {"password": ""}


MFA_CODE_HINT = "The 6-digit code your authenticator app shows now, or one of your recovery codes."


class AuthenticateForm(SiteWording, mfa_forms.AuthenticateForm):
    labels: ClassVar[dict[str, str]] = {"code": "Code"}
    hints: ClassVar[dict[str, str]] = {"code": MFA_CODE_HINT}


class MFAReauthenticateForm(SiteWording, mfa_forms.ReauthenticateForm):
    labels: ClassVar[dict[str, str]] = {"code": "Code"}
    hints: ClassVar[dict[str, str]] = {"code": MFA_CODE_HINT}


class ActivateTOTPForm(SiteWording, totp_forms.ActivateTOTPForm):
    labels: ClassVar[dict[str, str]] = {"code": "Code from the app"}
    hints: ClassVar[dict[str, str]] = {"code": "The 6-digit code the app shows for this site."}
