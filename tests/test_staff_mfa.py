"""Staff reach the admin only after a second factor (an authenticator app, or a recovery code);
members never need one. The suite runs with DEBUG off, so STAFF_REQUIRE_MFA is on unless a test
says otherwise."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from pytest_django import Settings

from members.models import User
from tests.factories import TEST_PASSWORD, UserFactory
from tests.mfa import add_authenticator_app, pass_second_step, recovery_codes, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
MFA_AUTHENTICATE = "/accounts/2fa/authenticate/"
MFA_REAUTHENTICATE = "/accounts/2fa/reauthenticate/"
TOTP_ACTIVATE = "/accounts/2fa/totp/activate/"
ADMIN = "/admin/"
WRONG_CODE = "The code is not correct, or it has been used already."


@pytest.fixture
def curator() -> User:
    """Staff without an authenticator app yet."""
    return UserFactory(email="new.curator@industry-body.example", is_staff=True)


@pytest.fixture
def member() -> User:
    return UserFactory(email="morgan@member.example")


def _sign_in(client: Client, user: User) -> str:
    response = client.post(LOGIN, {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.text
    return response["Location"]


def _signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_setting_requires_mfa_for_staff_in_this_suite(settings: Settings) -> None:
    # What every test below relies on: the production default with DEBUG off.
    assert settings.STAFF_REQUIRE_MFA is True


def test_staff_without_authenticator_is_sent_to_set_one_up(client: Client, curator: User) -> None:
    assert _sign_in(client, curator) == "/members/"

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"] == f"{TOTP_ACTIVATE}?next=%2Fadmin%2F"


def test_staff_without_authenticator_is_kept_from_every_admin_page(
    client: Client, curator: User
) -> None:
    client.force_login(curator)

    for path in ["/admin/members/company/", "/admin/password_change/", "/admin/login/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(TOTP_ACTIVATE), path


def test_staff_sets_up_an_authenticator_app_then_reaches_the_admin(
    client: Client, curator: User
) -> None:
    _sign_in(client, curator)
    # allauth asks for the password again before any change to two-factor sign-in.
    to_reauthenticate = client.get(f"{TOTP_ACTIVATE}?next=/admin/")
    reauthenticated = client.post(to_reauthenticate["Location"], {"password": TEST_PASSWORD})
    setup_page = client.get(reauthenticated["Location"])
    secret = setup_page.context["form"].secret
    assert 'src="data:image/svg+xml;base64,' in setup_page.text
    assert secret in setup_page.text

    activated = client.post(TOTP_ACTIVATE, {"code": totp_code(secret)})
    codes_page = client.get(activated["Location"])
    # The session saw the app set up, not used to sign in: the admin asks for a code once.
    to_confirm = client.get(ADMIN)
    confirmed = client.post(to_confirm["Location"], {"code": totp_code(secret, steps_ahead=1)})
    admin_page = client.get(ADMIN)

    assert to_reauthenticate["Location"].startswith("/accounts/reauthenticate/?next=")
    assert reauthenticated["Location"].startswith(TOTP_ACTIVATE)
    assert activated["Location"] == "/accounts/2fa/recovery-codes/"
    assert len(codes_page.context["unused_codes"]) == 10
    assert 'href="/admin/"' in codes_page.text
    assert to_confirm["Location"] == f"{MFA_REAUTHENTICATE}?next=%2Fadmin%2F"
    assert confirmed["Location"] == ADMIN
    assert admin_page.status_code == 200


def _reauthenticate(client: Client) -> None:
    response = client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    assert response.status_code == 302, response.text


def test_setting_up_the_app_refuses_a_wrong_code(client: Client, curator: User) -> None:
    _sign_in(client, curator)
    _reauthenticate(client)
    client.get(TOTP_ACTIVATE)

    response = client.post(TOTP_ACTIVATE, {"code": "000000"})

    assert response.status_code == 200
    assert WRONG_CODE in response.text
    assert client.get(ADMIN)["Location"].startswith(TOTP_ACTIVATE)


def test_staff_with_an_app_must_enter_its_code_to_sign_in(client: Client, staff_user: User) -> None:
    secret_user = UserFactory(email="second.curator@industry-body.example", is_staff=True)
    secret = add_authenticator_app(secret_user)

    after_password = _sign_in(client, secret_user)
    half_signed_in = _signed_in(client)
    wrong = client.post(MFA_AUTHENTICATE, {"code": "123456"})
    right = client.post(MFA_AUTHENTICATE, {"code": totp_code(secret)})

    assert after_password == MFA_AUTHENTICATE
    assert not half_signed_in
    assert wrong.status_code == 200
    assert WRONG_CODE in wrong.text
    assert right.status_code == 302
    assert right["Location"] == "/members/"
    assert client.session[SESSION_KEY] == str(secret_user.pk)
    assert client.get(ADMIN).status_code == 200


def test_the_password_alone_never_opens_the_admin(client: Client, staff_user: User) -> None:
    _sign_in(client, staff_user)

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not _signed_in(client)


def test_an_app_code_cannot_be_used_twice(client: Client) -> None:
    curator = UserFactory(email="third.curator@industry-body.example", is_staff=True)
    code = totp_code(add_authenticator_app(curator))
    _sign_in(client, curator)
    client.post(MFA_AUTHENTICATE, {"code": code})
    client.post("/accounts/logout/")

    _sign_in(client, curator)
    replayed = client.post(MFA_AUTHENTICATE, {"code": code})

    assert WRONG_CODE in replayed.text
    assert not _signed_in(client)


def test_a_recovery_code_signs_in_once(client: Client, staff_user: User) -> None:
    code = recovery_codes(staff_user)[0]

    _sign_in(client, staff_user)
    first = client.post(MFA_AUTHENTICATE, {"code": code})
    admin_page = client.get(ADMIN)
    client.post("/accounts/logout/")
    _sign_in(client, staff_user)
    second = client.post(MFA_AUTHENTICATE, {"code": code})

    assert first.status_code == 302
    assert admin_page.status_code == 200
    assert second.status_code == 200
    assert WRONG_CODE in second.text
    assert not _signed_in(client)
    assert code not in recovery_codes(staff_user)


def test_wrong_codes_are_limited_per_account(client: Client, staff_user: User) -> None:
    _sign_in(client, staff_user)
    for _ in range(5):
        client.post(MFA_AUTHENTICATE, {"code": "000000"})

    response = client.post(MFA_AUTHENTICATE, {"code": recovery_codes(staff_user)[0]})

    assert "Too many attempts" in response.text
    assert not _signed_in(client)


def test_staff_signed_in_without_the_second_step_confirm_with_a_code(
    client: Client, staff_user: User
) -> None:
    # A session from before the app was set up, say.
    client.force_login(staff_user)

    sent = client.get("/admin/members/company/?q=x")
    confirmed = client.post(sent["Location"], {"code": recovery_codes(staff_user)[0]})

    assert sent["Location"] == f"{MFA_REAUTHENTICATE}?next=%2Fadmin%2Fmembers%2Fcompany%2F%3Fq%3Dx"
    assert confirmed["Location"] == "/admin/members/company/?q=x"
    assert client.get(confirmed["Location"]).status_code == 200


def test_an_emailed_sign_in_code_still_needs_the_app(client: Client) -> None:
    from django.core import mail

    curator = UserFactory(email="fourth.curator@industry-body.example", is_staff=True)
    secret = add_authenticator_app(curator)
    client.post("/accounts/login/code/", {"email": curator.email})
    code = re.search(r"\n\n([A-Z0-9-]{4,})\n\n", mail.outbox[-1].body)
    assert code

    after_code = client.post("/accounts/login/code/confirm/", {"code": code.group(1)})
    half_signed_in = _signed_in(client)
    client.post(MFA_AUTHENTICATE, {"code": totp_code(secret)})

    assert after_code["Location"] == MFA_AUTHENTICATE
    assert not half_signed_in
    assert client.get(ADMIN).status_code == 200


def test_turning_the_app_off_closes_the_admin_again(client: Client, staff_user: User) -> None:
    client.force_login(staff_user)
    pass_second_step(client, staff_user)
    _reauthenticate(client)

    client.post("/accounts/2fa/totp/deactivate/")

    response = client.get(ADMIN)
    assert response["Location"].startswith(TOTP_ACTIVATE)


def test_staff_client_fixture_reaches_the_admin(staff_client: Client) -> None:
    assert staff_client.get(ADMIN).status_code == 200


def test_staff_use_the_admin_without_an_app_when_not_required(
    client: Client, curator: User, settings: Settings
) -> None:
    settings.STAFF_REQUIRE_MFA = False
    _sign_in(client, curator)

    assert client.get(ADMIN).status_code == 200


def test_member_signs_in_without_a_second_factor(client: Client, member: User) -> None:
    assert _sign_in(client, member) == "/members/"
    assert _signed_in(client)
    assert client.get("/accounts/").status_code == 200


def test_member_opening_the_admin_is_refused_not_asked_for_a_second_factor(
    client: Client, member: User
) -> None:
    client.force_login(member)

    first = client.get(ADMIN)
    login_page = client.get(first["Location"])

    assert first["Location"].startswith("/admin/login/")
    assert login_page.status_code == 403
    assert "You cannot open this page" in login_page.text


def test_admin_sign_in_page_is_the_site_sign_in(client: Client) -> None:
    first = client.get(ADMIN)
    second = client.get(first["Location"])

    assert first["Location"] == "/admin/login/?next=/admin/"
    assert second.status_code == 302
    assert second["Location"] == f"{LOGIN}?next=%2Fadmin%2F"


def test_admin_sign_in_form_cannot_be_posted_to(client: Client, staff_user: User) -> None:
    # Django's own admin login form would check the password without allauth's limits or MFA.
    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff_user.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not _signed_in(client)
