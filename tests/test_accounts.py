"""Signing in and out, passwords, sign-in codes and the protection around them (django-allauth).

The member area at LOGIN_REDIRECT_URL belongs to another part of the site: these tests check that
sign-in sends people there, never what they find.
"""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.account.utils import perform_login
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from members.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
RESET = "/accounts/password/reset/"
RESET_DONE = "/accounts/password/reset/done/"
CODE = "/accounts/login/code/"
CODE_CONFIRM = "/accounts/login/code/confirm/"
CHANGE = "/accounts/password/change/"
MEMBER_AREA = "/members/"
UNKNOWN_EMAIL = "nobody@unknown.example"
TOO_MANY_FAILURES = "Too many attempts. Wait a few minutes, then try again."


@pytest.fixture
def member() -> User:
    return UserFactory(email="morgan@member.example")


def _sign_in(client: Client, email: str, password: str, **extra: str) -> HttpResponse:
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def _signed_in_user_id(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def _without_tokens(response: HttpResponse, email: str) -> str:
    """The page with what differs on every request (CSRF tokens) and the typed address blanked."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return text.replace(email, "EMAIL")


# Signing in and out ----------------------------------------------------------------------------


def test_sign_in_page_has_one_heading_and_labelled_fields(client: Client) -> None:
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    assert '<label for="id_login">Email address</label>' in response.text
    assert '<label for="id_password">Password</label>' in response.text
    main = response.text.split("<main", 1)[1].split("</main>", 1)[0]
    assert "placeholder" not in main
    assert 'autocomplete="current-password"' in main


def test_member_signs_in_with_email_and_password(client: Client, member: User) -> None:
    response = _sign_in(client, "Morgan@Member.example", TEST_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == MEMBER_AREA
    assert _signed_in_user_id(client) == str(member.pk)


def test_sign_in_goes_on_to_a_next_page_on_this_site_only(client: Client, member: User) -> None:
    on_site = client.post(
        f"{LOGIN}?next=/about/", {"login": member.email, "password": TEST_PASSWORD}
    )
    client.post(LOGOUT)
    off_site = client.post(
        f"{LOGIN}?next=https://evil.example/", {"login": member.email, "password": TEST_PASSWORD}
    )

    assert on_site["Location"] == "/about/"
    assert off_site["Location"] == MEMBER_AREA


def test_session_key_changes_on_sign_in(client: Client, member: User) -> None:
    # A session that exists before sign-in, as a shortlist or a CSRF-protected form makes one.
    before = client.session
    before["probe"] = "set before signing in"
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key

    _sign_in(client, member.email, TEST_PASSWORD)

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert _signed_in_user_id(client) == str(member.pk)
    assert after != before.session_key
    # The old key is gone, so whoever knew it (a fixed session) cannot ride on the sign-in.
    assert not SessionStore().exists(before.session_key)


def test_session_ends_with_the_browser(client: Client, member: User) -> None:
    _sign_in(client, member.email, TEST_PASSWORD)

    assert client.cookies[settings.SESSION_COOKIE_NAME]["expires"] == ""
    assert client.session.get_expire_at_browser_close()


def test_sign_out_ends_the_session(client: Client, member: User) -> None:
    client.force_login(member)

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_user_id(client) is None


def test_opening_the_sign_out_page_asks_before_signing_out(client: Client, member: User) -> None:
    client.force_login(member)

    response = client.get(LOGOUT)

    assert response.status_code == 200
    assert "<h1>Sign out</h1>" in response.text
    assert _signed_in_user_id(client) == str(member.pk)


def test_wrong_password_answer_is_the_same_for_known_and_unknown_addresses(
    client: Client, member: User
) -> None:
    known = _sign_in(client, member.email, "not-the-password-at-all")
    unknown = _sign_in(client, UNKNOWN_EMAIL, "not-the-password-at-all")

    assert known.status_code == unknown.status_code == 200
    assert "The email address or the password is not correct." in known.text
    assert _without_tokens(known, member.email) == _without_tokens(unknown, UNKNOWN_EMAIL)
    assert _signed_in_user_id(client) is None


def test_wrong_password_error_is_announced_and_titled(client: Client, member: User) -> None:
    response = _sign_in(client, member.email, "not-the-password-at-all")

    assert '<div class="error-summary" role="alert"' in response.text
    assert "<title>Error: Sign in" in response.text


def test_public_sign_up_is_closed(client: Client) -> None:
    page = client.get("/accounts/signup/")
    client.post(
        "/accounts/signup/",
        {"email": "new@member.example", "password1": "a-long-new-pass", "password2": "a"},
    )

    assert "Accounts are by invitation" in page.text
    assert not User.objects.filter(email="new@member.example").exists()


def test_old_password_reset_address_redirects_permanently(client: Client) -> None:
    response = client.get("/accounts/password_reset/")

    assert response.status_code == 301
    assert response["Location"] == RESET


def test_django_url_names_still_reach_the_sign_in_pages() -> None:
    assert reverse("login") == reverse("account_login") == LOGIN
    assert reverse("logout") == reverse("account_logout") == LOGOUT
    assert reverse("password_reset") == "/accounts/password_reset/"


# Rate limits -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email", ["morgan@member.example", UNKNOWN_EMAIL], ids=["known", "unknown"]
)
def test_failed_sign_ins_are_limited_per_account_from_any_address(
    client: Client, member: User, email: str
) -> None:
    for attempt in range(5):
        response = _sign_in(client, email, "wrong-guess", REMOTE_ADDR=f"198.51.100.{attempt}")
        assert TOO_MANY_FAILURES not in response.text

    # A sixth try, from yet another address: even the right password is refused for a while.
    response = _sign_in(client, email, TEST_PASSWORD, REMOTE_ADDR="203.0.113.99")

    assert TOO_MANY_FAILURES in response.text
    assert _signed_in_user_id(client) is None


def test_failed_sign_ins_are_limited_per_client_address(client: Client, member: User) -> None:
    for attempt in range(10):
        response = _sign_in(client, f"guess{attempt}@member.example", "wrong-guess")
        assert TOO_MANY_FAILURES not in response.text

    # Another account, not tried before, from the same address.
    response = _sign_in(client, member.email, TEST_PASSWORD)

    assert TOO_MANY_FAILURES in response.text
    assert _signed_in_user_id(client) is None


def test_limited_accounts_elsewhere_do_not_block_a_member(client: Client, member: User) -> None:
    for attempt in range(5):
        _sign_in(client, UNKNOWN_EMAIL, "wrong-guess", REMOTE_ADDR=f"198.51.100.{attempt}")

    response = _sign_in(client, member.email, TEST_PASSWORD, REMOTE_ADDR="203.0.113.5")

    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(member.pk)


def test_sign_in_form_posts_are_limited_per_client_address(client: Client) -> None:
    for attempt in range(30):
        client.post(LOGIN, {"login": f"x{attempt}@member.example"})

    response = client.post(LOGIN, {"login": "x@member.example"})

    assert response.status_code == 429
    assert "<h1>Too many attempts</h1>" in response.text


@pytest.mark.parametrize(
    "email", ["morgan@member.example", UNKNOWN_EMAIL], ids=["known", "unknown"]
)
def test_reset_requests_are_limited_per_address_typed(
    client: Client, member: User, email: str
) -> None:
    answers = [
        client.post(RESET, {"email": email}, REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(6)
    ]

    assert answers == [302] * 5 + [429]
    assert len(mail.outbox) == 5


def test_reset_requests_are_limited_per_client_address(client: Client) -> None:
    answers = [
        client.post(RESET, {"email": f"someone{n}@member.example"}).status_code for n in range(21)
    ]

    assert answers == [302] * 20 + [429]


# Password reset --------------------------------------------------------------------------------


def test_reset_request_answer_is_the_same_for_known_and_unknown_addresses(
    client: Client, member: User
) -> None:
    known = client.post(RESET, {"email": member.email})
    unknown = client.post(RESET, {"email": UNKNOWN_EMAIL})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == RESET_DONE
    # Each address gets one email; only the account's has a link that resets anything.
    assert [message.to for message in mail.outbox] == [[member.email], [UNKNOWN_EMAIL]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body
    assert "There is no account for it" in mail.outbox[1].body


def test_reset_email_is_plain_text_in_the_site_name(client: Client, member: User) -> None:
    client.post(RESET, {"email": member.email})

    message = mail.outbox[0]
    assert message.subject == f"{settings.SITE_NAME}: Reset your password"
    assert settings.SITE_NAME in message.body
    assert not getattr(message, "alternatives", [])
    assert "<" not in message.body


def _reset_link(client: Client, email: str) -> str:
    client.post(RESET, {"email": email})
    match = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_reset_link_sets_a_new_password_once(client: Client, member: User) -> None:
    link = _reset_link(client, member.email)

    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "heather-moorland-2026", "password2": "heather-moorland-2026"},
    )
    used_again = client.get(link, follow=True)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("heather-moorland-2026")
    assert used_again.context["token_fail"]
    # No second, unverified copy of the address appears beside User.email.
    assert not EmailAddress.objects.exists()


def test_reset_does_not_sign_in_so_staff_still_meet_their_second_step(
    client: Client, member: User
) -> None:
    link = _reset_link(client, member.email)
    form_page = client.get(link, follow=True)

    client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "heather-moorland-2026", "password2": "heather-moorland-2026"},
    )

    assert _signed_in_user_id(client) is None


# Password rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-pw-11", "at least 12 characters"),
        ("password1234", "too common"),
        ("804159263750", "entirely numeric"),
        ("morgan@member", "too similar"),
    ],
    ids=["short", "common", "numeric", "like-the-email"],
)
def test_weak_new_password_is_refused(
    client: Client, member: User, password: str, message: str
) -> None:
    client.force_login(member)

    response = client.post(
        CHANGE, {"oldpassword": TEST_PASSWORD, "password1": password, "password2": password}
    )

    assert response.status_code == 200
    assert message in response.text
    member.refresh_from_db()
    assert member.check_password(TEST_PASSWORD)


def test_long_uncommon_password_is_accepted(client: Client, member: User) -> None:
    client.force_login(member)

    response = client.post(
        CHANGE,
        {
            "oldpassword": TEST_PASSWORD,
            "password1": "kelpie-harbour-lantern",
            "password2": "kelpie-harbour-lantern",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    member.refresh_from_db()
    assert member.check_password("kelpie-harbour-lantern")
    # Still signed in, and the change is mailed to the account.
    assert _signed_in_user_id(client) == str(member.pk)
    assert mail.outbox[-1].to == [member.email]


# Sign-in by emailed code -----------------------------------------------------------------------


def _emailed_code() -> str:
    match = re.search(r"\n\n([A-Z0-9-]{4,})\n\n", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_member_signs_in_with_an_emailed_code(client: Client, member: User) -> None:
    request = client.post(CODE, {"email": member.email})
    code = _emailed_code()
    response = client.post(CODE_CONFIRM, {"code": code})

    assert request["Location"] == CODE_CONFIRM
    assert mail.outbox[-1].subject == f"{settings.SITE_NAME}: Your sign-in code"
    assert response.status_code == 302
    assert response["Location"] == MEMBER_AREA
    assert _signed_in_user_id(client) == str(member.pk)


def test_code_request_answer_is_the_same_for_an_unknown_address(
    client: Client, member: User
) -> None:
    known = client.post(CODE, {"email": member.email})
    known_page = client.get(CODE_CONFIRM)
    other = Client()
    unknown = other.post(CODE, {"email": UNKNOWN_EMAIL})
    unknown_page = other.get(CODE_CONFIRM)

    assert known["Location"] == unknown["Location"] == CODE_CONFIRM
    assert _without_tokens(known_page, member.email) == _without_tokens(unknown_page, UNKNOWN_EMAIL)
    assert "There is no account for it" in mail.outbox[-1].body


def test_three_wrong_codes_end_the_attempt(client: Client, member: User) -> None:
    client.post(CODE, {"email": member.email})
    code = _emailed_code()

    answers = [client.post(CODE_CONFIRM, {"code": "WRONG1"}) for _ in range(3)]
    late = client.post(CODE_CONFIRM, {"code": code})

    assert [answer.status_code for answer in answers] == [200, 200, 302]
    assert late.status_code == 302
    assert late["Location"] != MEMBER_AREA
    assert _signed_in_user_id(client) is None


def test_code_requests_are_limited_per_address_typed(client: Client, member: User) -> None:
    for n in range(3):
        Client().post(CODE, {"email": member.email}, REMOTE_ADDR=f"198.51.100.{n}")

    response = Client().post(CODE, {"email": member.email}, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 200
    assert TOO_MANY_FAILURES in response.text
    assert len(mail.outbox) == 3


# The account page ------------------------------------------------------------------------------


def test_account_page_needs_sign_in(client: Client) -> None:
    response = client.get("/accounts/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/accounts/"


def test_account_page_shows_the_address_and_links(client: Client, member: User) -> None:
    client.force_login(member)

    response = client.get("/accounts/")

    assert member.email in response.text
    assert 'href="/accounts/password/change/"' in response.text
    assert 'href="/accounts/2fa/"' in response.text


def test_members_cannot_add_email_addresses(client: Client, member: User) -> None:
    client.force_login(member)

    page = client.get("/accounts/email/")
    client.post("/accounts/email/", {"action_add": "", "email": "second@member.example"})

    assert page.status_code == 302
    assert page["Location"] == "/accounts/"
    assert not EmailAddress.objects.filter(email="second@member.example").exists()


def test_inactive_account_cannot_sign_in(client: Client) -> None:
    UserFactory(email="gone@member.example", is_active=False)

    response = _sign_in(client, "gone@member.example", TEST_PASSWORD)

    assert response["Location"] == "/accounts/inactive/"
    assert _signed_in_user_id(client) is None


def test_code_signs_in_as_the_readme_says_invitations_should(
    rf: RequestFactory, member: User
) -> None:
    # The recipe the README gives for signing someone in from code (accepting an invitation).
    request = rf.get("/members/")
    SessionMiddleware(lambda request: HttpResponse()).process_request(request)
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]

    with allauth_context.request_context(request):
        response = perform_login(request, member, redirect_url="/members/")

    assert response["Location"] == "/members/"
    assert request.session[SESSION_KEY] == str(member.pk)
    assert request.session[BACKEND_SESSION_KEY] == settings.AUTHENTICATION_BACKENDS[0]
