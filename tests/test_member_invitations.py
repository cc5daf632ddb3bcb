"""Invitations: an owner (or staff) invites someone by email; the link adds the company to their
account, once, within seven days, for that address only."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Company, CompanyMembership, Invitation, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/members/invitations/[\w-]+/")
GOOD_PASSWORD = "heather-moor-lantern-42"


def invite(company: Company, email: str, role: str = "editor", by: User | None = None) -> str:
    """Invite through the service and return the path of the link the email carried."""
    mail.outbox.clear()
    services.invitation_create(
        company=company, email=email, role=role, invited_by=by, link_base="https://directory.test"
    )
    (message,) = mail.outbox
    assert message.to == [email.lower()]
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(0).removeprefix("https://directory.test")


def test_the_token_is_stored_only_as_its_hash(member_company: Company) -> None:
    path = invite(member_company, "new.colleague@osprey.example")
    token = path.rstrip("/").rsplit("/", 1)[-1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash
    assert invitation.token_hash == services.token_hash(token)
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)


def test_the_email_names_the_company_and_the_inviter(member_company: Company, member: User) -> None:
    invite(member_company, "new.colleague@osprey.example", by=member)
    (message,) = mail.outbox
    assert member_company.name in message.subject
    assert "Morgan Owner" in message.body
    expires = Invitation.objects.get().expires_at
    assert f"expires on {expires:%-d %B %Y}" in message.body


def test_someone_new_chooses_a_name_and_password_and_can_edit(
    client: Client, member_company: Company
) -> None:
    path = invite(member_company, "New.Colleague@Osprey.example")
    page = client.get(path)
    assert page.status_code == 200
    assert "new.colleague@osprey.example" in page.content.decode()

    response = client.post(
        path,
        {"full_name": "Alex Colleague", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("area:dashboard")
    user = User.objects.get(email="new.colleague@osprey.example")
    assert user.check_password(GOOD_PASSWORD)
    membership = CompanyMembership.objects.get(user=user)
    assert (membership.company, membership.role) == (member_company, "editor")
    assert client.get(reverse("area:profile", args=[member_company.slug])).status_code == 200
    assert Invitation.objects.get().accepted_at is not None


@pytest.mark.parametrize(
    ("password1", "password2", "error"),
    [
        ("short", "short", "too short"),
        ("password12345", "password12345", "too common"),
        (GOOD_PASSWORD, GOOD_PASSWORD + "x", "not the same"),
    ],
)
def test_a_weak_or_mismatched_password_is_refused_and_nothing_is_created(
    client: Client, member_company: Company, password1: str, password2: str, error: str
) -> None:
    path = invite(member_company, "new.colleague@osprey.example")
    response = client.post(
        path, {"full_name": "Alex Colleague", "password1": password1, "password2": password2}
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not User.objects.filter(email="new.colleague@osprey.example").exists()
    assert Invitation.objects.get().accepted_at is None


def test_someone_with_an_account_signs_in_then_accepts(
    client: Client, member_company: Company
) -> None:
    existing = UserFactory(email="existing@elsewhere.example")
    path = invite(member_company, "existing@elsewhere.example", role="owner")

    page = client.get(path)
    assert page.status_code == 200
    assert "sign in" in page.content.decode().lower()
    assert not User.objects.filter(email="existing@elsewhere.example").exclude(pk=existing.pk)

    client.force_login(existing)
    assert "Accept" in client.get(path).content.decode()
    response = client.post(path)
    assert response.status_code == 302
    assert CompanyMembership.objects.get(user=existing).role == "owner"


def test_an_invitation_for_another_address_is_not_accepted_by_the_signed_in_user(
    client: Client, member_company: Company
) -> None:
    path = invite(member_company, "intended@osprey.example")
    client.force_login(UserFactory(email="someone.else@elsewhere.example"))
    page = client.post(path)
    assert page.status_code == 200
    assert "intended@osprey.example" in page.content.decode()
    assert not CompanyMembership.objects.exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_link_works_once(client: Client, member_company: Company) -> None:
    path = invite(member_company, "new.colleague@osprey.example")
    form = {"full_name": "Alex", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    assert client.post(path, form).status_code == 302
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert client.post(path, form).status_code == 410
    assert CompanyMembership.objects.count() == 1


def test_an_expired_link_says_so(client: Client, member_company: Company) -> None:
    path = invite(member_company, "late@osprey.example")
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    page = client.get(path)
    assert page.status_code == 410
    assert "expired" in page.content.decode()
    assert client.post(path, {"full_name": "Late", "password1": GOOD_PASSWORD}).status_code == 410
    assert not User.objects.filter(email="late@osprey.example").exists()


def test_a_mistyped_or_tampered_link_is_not_found(client: Client, member_company: Company) -> None:
    path = invite(member_company, "new.colleague@osprey.example")
    tampered = path[:-3] + ("a" if path[-3] != "a" else "b") + path[-2:]
    page = client.get(tampered)
    assert page.status_code == 404
    assert "copied the whole link" in page.content.decode()


def test_an_owner_invites_a_colleague_from_the_team_page(
    member_client: Client, member_company: Company
) -> None:
    url = reverse("area:team", args=[member_company.slug])
    response = member_client.post(url, {"email": "Colleague@Osprey.example", "role": "editor"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.company, invitation.role) == (
        "colleague@osprey.example",
        member_company,
        "editor",
    )
    assert mail.outbox[0].to == ["colleague@osprey.example"]
    assert "colleague@osprey.example" in member_client.get(url).content.decode()


def test_inviting_someone_who_can_already_edit_is_a_form_error(
    member_client: Client, member_company: Company, member: User
) -> None:
    url = reverse("area:team", args=[member_company.slug])
    response = member_client.post(url, {"email": member.email.upper(), "role": "editor"})
    assert response.status_code == 200
    assert "can already edit" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_an_editor_cannot_invite(client: Client, member_company: Company) -> None:
    editor = UserFactory(email="editor@osprey.example")
    CompanyMembership.objects.create(user=editor, company=member_company, role="editor")
    client.force_login(editor)
    url = reverse("area:team", args=[member_company.slug])
    assert client.get(url).status_code == 200
    assert client.post(url, {"email": "friend@example.com", "role": "owner"}).status_code == 403
    assert not Invitation.objects.exists()


def test_an_owner_removes_a_colleague_but_never_the_last_owner(
    member_client: Client, member_company: Company, member: User
) -> None:
    colleague = UserFactory(email="leaving@osprey.example")
    leaving = CompanyMembership.objects.create(
        user=colleague, company=member_company, role="editor"
    )
    remove = "area:remove_member"
    response = member_client.post(reverse(remove, args=[member_company.slug, leaving.pk]))
    assert response.status_code == 302
    assert not CompanyMembership.objects.filter(pk=leaving.pk).exists()

    own = member.memberships.get()
    response = member_client.post(reverse(remove, args=[member_company.slug, own.pk]), follow=True)
    assert "only owner" in response.content.decode()
    assert CompanyMembership.objects.filter(pk=own.pk).exists()


def test_staff_invite_from_the_admin_through_the_same_service(
    staff_client: Client, member_company: Company
) -> None:
    response = staff_client.post(
        reverse("admin:members_invitation_add"),
        {"company": member_company.pk, "email": "first.owner@osprey.example", "role": "owner"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get()
    assert invitation.token_hash and invitation.expires_at
    assert mail.outbox[0].to == ["first.owner@osprey.example"]
    assert LINK.search(mail.outbox[0].body)


def test_the_team_page_offers_no_remove_for_the_only_owner(
    member_client: Client, member_company: Company, member: User
) -> None:
    colleague = UserFactory(email="editor@osprey.example")
    editor = CompanyMembership.objects.create(user=colleague, company=member_company, role="editor")
    html = member_client.get(reverse("area:team", args=[member_company.slug])).text
    assert reverse("area:remove_member", args=[member_company.slug, editor.pk]) in html
    own = member.memberships.get()
    assert reverse("area:remove_member", args=[member_company.slug, own.pk]) not in html
    assert "The only owner" in html
