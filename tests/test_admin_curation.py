"""Staff curation of companies in the admin: the work filters, the actions (each saying what it
did and what it skipped, and why), the review queue, field-level history and revert."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Company, CompanyMembership, Invitation, User
from tests.factories import (
    CapabilityFactory,
    CaseStudyFactory,
    CertificationFactory,
    ClusterFactory,
    CompanyCertificationFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    UserFactory,
)
from tests.forms_as_sent import form_as_sent

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:members_company_changelist"


def _act(client: Client, action: str, *companies: Company, **extra: str):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [c.pk for c in companies], **extra},
        follow=True,
    )


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _listed(client: Client, query: str) -> set[str]:
    response = client.get(reverse(CHANGELIST) + "?" + query)
    assert response.status_code == 200
    return {company.name for company in response.context["cl"].result_list}


def _member_of(company: Company, email: str = "editor@member.example") -> Client:
    user = UserFactory(email=email, full_name="Member Editor")
    CompanyMembershipFactory(user=user, company=company, role=CompanyMembership.Role.OWNER)
    client = Client()
    client.force_login(user)
    return client


# The list: columns, search and the work filters -----------------------------------------------


def test_work_filters_each_narrow_the_list_to_their_queue(staff_client: Client) -> None:
    now = timezone.now()
    cap = CapabilityFactory()
    fresh = CompanyFactory(name="Fresh Example", capabilities=[cap])
    stale = CompanyFactory(
        name="Stale Example",
        capabilities=[cap],
        last_verified_at=now - datetime.timedelta(days=400),
    )
    never = CompanyFactory(name="Never Example", capabilities=[cap], last_verified_at=None)
    bare = CompanyFactory(name="Bare Example")
    changed = CompanyFactory(name="Changed Example", capabilities=[cap], member_changed_at=now)
    CompanyFactory(
        name="Reviewed Example",
        capabilities=[cap],
        member_changed_at=now - datetime.timedelta(days=2),
        reviewed_at=now - datetime.timedelta(days=1),
    )
    CompanyCertificationFactory(
        company=fresh, valid_until=timezone.localdate() + datetime.timedelta(days=59)
    )
    CompanyCertificationFactory(
        company=stale, valid_until=timezone.localdate() + datetime.timedelta(days=61)
    )
    CompanyCertificationFactory(
        company=never, valid_until=timezone.localdate() - datetime.timedelta(days=3)
    )

    assert _listed(staff_client, "stale=yes") == {stale.name, never.name}
    assert _listed(staff_client, "changed=yes") == {changed.name}
    assert _listed(staff_client, "no_capabilities=yes") == {bare.name}
    assert _listed(staff_client, "expiring=yes") == {fresh.name, never.name}


def test_list_shows_clusters_and_flags_stale_verification(staff_client: Client) -> None:
    cluster = ClusterFactory(name="Smart Ticketing")
    CompanyFactory(
        name="Old Check Example",
        capabilities=[CapabilityFactory(cluster=cluster)],
        last_verified_at=timezone.now() - datetime.timedelta(days=500),
    )
    page = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert "Smart Ticketing" in page
    assert "(stale)" in page


@pytest.mark.parametrize(
    ("field", "value"),
    [("companies_house_number", "SC765432"), ("contact_email", "sales@kestrel.example")],
)
def test_search_finds_by_companies_house_number_and_contact_email(
    staff_client: Client, field: str, value: str
) -> None:
    CompanyFactory(name="Kestrel Example", **{field: value})
    CompanyFactory(name="Other Example")
    assert _listed(staff_client, f"q={value}") == {"Kestrel Example"}


def test_list_costs_the_same_queries_for_more_rows(
    staff_client: Client, django_assert_max_num_queries
) -> None:
    cap = CapabilityFactory()
    CompanyFactory.create_batch(2, capabilities=[cap])
    staff_client.get(reverse(CHANGELIST))  # warm the session and the content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        staff_client.get(reverse(CHANGELIST))
    CompanyFactory.create_batch(20, capabilities=[cap])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(reverse(CHANGELIST))
    assert len(response.context["cl"].result_list) == 22


# Actions ---------------------------------------------------------------------------------------


def test_publish_skips_what_buyers_could_not_use_and_says_why(staff_client: Client) -> None:
    cap = CapabilityFactory()
    ready = CompanyFactory(name="Ready Example", status="draft", capabilities=[cap])
    no_caps = CompanyFactory(name="Empty Example", status="draft")
    no_email = CompanyFactory(
        name="Silent Example", status="draft", capabilities=[cap], contact_email=""
    )
    live = CompanyFactory(name="Live Example", capabilities=[cap])

    said = _messages(_act(staff_client, "publish", ready, no_caps, no_email, live))

    assert "Published 1 company: Ready Example." in said
    assert "Skipped Empty Example: it has no capabilities: buyers could not find it." in said
    assert any(m.startswith("Skipped Silent Example: it has no contact email") for m in said)
    assert "Skipped Live Example: it is already published." in said
    statuses = dict(Company.objects.values_list("name", "status"))
    assert statuses["Ready Example"] == "published"
    assert statuses["Empty Example"] == statuses["Silent Example"] == "draft"
    # and buyers can now find it
    assert staff_client.get(ready.get_absolute_url()).status_code == 200


def test_archive_hides_from_buyers_and_skips_the_archived(staff_client: Client) -> None:
    live = CompanyFactory(name="Live Example")
    gone = CompanyFactory(name="Gone Example", status="archived")
    said = _messages(_act(staff_client, "archive", live, gone))
    assert "Archived 1 company: Live Example." in said
    assert "Skipped Gone Example: it is already archived." in said
    assert Client().get(live.get_absolute_url()).status_code == 404


def test_mark_verified_records_who_and_when(staff_client: Client, staff_user: User) -> None:
    company = CompanyFactory(last_verified_at=None, member_changed_at=timezone.now())
    before = timezone.now()
    said = _messages(_act(staff_client, "mark_verified", company))
    company.refresh_from_db()
    assert said == [f"Marked verified 1 company: {company.name}."]
    assert company.last_verified_by == staff_user
    assert company.last_verified_at >= before
    assert company.reviewed_at >= before  # a full check reviews the member changes too
    record = company.history.first()
    assert record.history_user == staff_user


def test_owner_invitation_skips_no_email_and_open_invitations(staff_client: Client) -> None:
    invitable = CompanyFactory(name="Invitable Example")
    no_email = CompanyFactory(name="Unreachable Example", contact_email="")
    first = _messages(_act(staff_client, "invite_contacts_as_owners", invitable))
    assert first == [
        f"Invited an owner for 1 company: Invitable Example (sent to {invitable.contact_email})."
    ]
    assert [message.to for message in mail.outbox] == [[invitable.contact_email]]
    mail.outbox.clear()

    said = _messages(_act(staff_client, "invite_contacts_as_owners", invitable, no_email))

    assert "Skipped Unreachable Example: it has no contact email." in said
    assert any(
        m.startswith(
            f"Skipped Invitable Example: the invitation to {invitable.contact_email} is open"
        )
        for m in said
    )
    assert mail.outbox == []
    assert Invitation.objects.filter(company=invitable).count() == 1


def test_approve_publishes_and_invites_the_applicant(staff_client: Client) -> None:
    pending = CompanyFactory(
        name="Applicant Example",
        status="pending",
        applicant_email="founder@applicant.example",
        capabilities=[CapabilityFactory()],
    )
    listed = CompanyFactory(name="Listed Example")
    said = _messages(_act(staff_client, "approve_applications", pending, listed))
    pending.refresh_from_db()
    assert pending.status == "published"
    assert "Skipped Listed Example: it is not a pending application." in said
    assert [message.to for message in mail.outbox] == [["founder@applicant.example"]]
    assert Invitation.objects.get(company=pending).role == "owner"


def test_reject_asks_for_a_reason_then_archives_and_emails_it(staff_client: Client) -> None:
    pending = CompanyFactory(
        name="Doubtful Example", status="pending", applicant_email="someone@doubtful.example"
    )
    asked = _act(staff_client, "reject_applications", pending)
    assert asked.status_code == 200
    assert b"Why the application is rejected" in asked.content
    pending.refresh_from_db()
    assert pending.status == "pending"  # nothing happens before a reason is given

    empty = _act(staff_client, "reject_applications", pending, reason="  ")
    assert b"This field is required" in empty.content
    pending.refresh_from_db()
    assert pending.status == "pending"
    assert mail.outbox == []

    reason = "We list Scottish technology companies only; yours is a <catering> firm."
    done = _act(staff_client, "reject_applications", pending, reason=reason)
    pending.refresh_from_db()
    assert pending.status == "archived"
    assert (
        "Rejected 1 company: Doubtful Example (emailed the reason to someone@doubtful.example)."
        in _messages(done)
    )
    (sent,) = mail.outbox
    assert sent.to == ["someone@doubtful.example"]
    assert reason in sent.body  # plain text, as written
    assert pending.history.first().history_change_reason == "Application rejected"


# The review queue: member changes --------------------------------------------------------------


def test_member_changes_enter_the_queue_and_mark_reviewed_clears_it(
    staff_client: Client,
) -> None:
    company = CompanyFactory(name="Edited Example", capabilities=[CapabilityFactory()])
    member = _member_of(company)
    url = reverse("area:profile", args=[company.slug])
    data = {
        **form_as_sent(member.get(url).content.decode()),
        "summary": "A summary the member rewrote just now for buyers.",
    }
    assert member.post(url, data).status_code == 302

    assert _listed(staff_client, "changed=yes") == {company.name}
    index = staff_client.get(reverse("admin:index")).content.decode()
    assert (
        "Published profiles changed by members since the last review: <strong>1</strong>" in index
    )

    said = _messages(_act(staff_client, "mark_reviewed", company))
    assert said == ["Marked reviewed 1 company: Edited Example."]
    assert _listed(staff_client, "changed=yes") == set()
    said = _messages(_act(staff_client, "mark_reviewed", company))
    assert said == ["Skipped Edited Example: no member change is waiting for review."]


def test_revert_member_changes_restores_the_reviewed_version(staff_client: Client) -> None:
    cap = CapabilityFactory()
    company = CompanyFactory(
        name="Reverted Example",
        summary="The summary staff last reviewed.",
        capabilities=[cap],
        reviewed_at=timezone.now(),
    )
    kept_study = CaseStudyFactory(company=company, title="Reviewed study")
    member = _member_of(company)
    url = reverse("area:profile", args=[company.slug])
    data = {**form_as_sent(member.get(url).content.decode()), "summary": "Spam the member wrote."}
    assert member.post(url, data).status_code == 302
    # and a member removes a case study through the member area's service
    services.company_parts_save(
        company=Company.objects.get(pk=company.pk),
        version=services.company_version(Company.objects.get(pk=company.pk)),
        save=[],
        delete=[kept_study],
    )

    said = _messages(_act(staff_client, "revert_member_changes", company))

    company.refresh_from_db()
    assert said == ["Reverted the member changes of 1 company: Reverted Example."]
    assert company.summary == "The summary staff last reviewed."
    assert list(company.case_studies.values_list("title", flat=True)) == ["Reviewed study"]
    assert list(company.capabilities.all()) == [cap]
    assert _listed(staff_client, "changed=yes") == set()
    search = Client().get("/companies/?q=Spam")
    assert company.name not in search.content.decode()


def test_index_counts_each_queue(staff_client: Client) -> None:
    CompanyFactory(status="pending")
    CompanyFactory(last_verified_at=None)
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "Applications waiting for approval: <strong>1</strong>" in page
    assert "Published profiles not verified for 12 months: <strong>1</strong>" in page
    assert "certificates expired or expiring soon: <strong>0</strong>" in page


# History and revert -----------------------------------------------------------------------------


def test_history_shows_who_changed_which_field_of_the_company_and_its_parts(
    staff_client: Client, staff_user: User
) -> None:
    ce = CertificationFactory(name="Cyber Essentials Test")
    company = CompanyFactory(name="Historic Example", summary="First words.")
    held = CompanyCertificationFactory(company=company, certification=ce, certificate_number="A-1")
    company.summary = "Second words."
    drones = CapabilityFactory(name="Drone mapping")
    services.company_save(company=company, capabilities=[drones], clusters=[drones.cluster])
    held.certificate_number = "B-2"
    services.company_part_save(part=held)

    page = staff_client.get(reverse("admin:members_company_history", args=[company.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "<del>First words.</del> → <ins>Second words.</ins>" in text
    assert "<ins>Drone mapping</ins>" in text
    assert "Certification: Cyber Essentials Test: changed" in text
    assert "<del>A-1</del> → <ins>B-2</ins>" in text


def test_history_page_costs_the_same_queries_for_a_longer_history(
    staff_client: Client, django_assert_max_num_queries
) -> None:
    company = CompanyFactory()
    url = reverse("admin:members_company_history", args=[company.pk])
    staff_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as short:
        staff_client.get(url)
    for number in range(15):
        company.summary = f"Version {number}"
        services.company_save(company=company)
        CaseStudyFactory(company=company)
    with django_assert_max_num_queries(len(short.captured_queries)):
        assert staff_client.get(url).status_code == 200


def test_revert_to_a_version_restores_fields_links_and_parts_in_one_step(
    staff_client: Client,
) -> None:
    first_cap, second_cap = CapabilityFactory(name="First skill"), CapabilityFactory(name="Later")
    company = CompanyFactory(
        name="Timeline Example", summary="As it was.", capabilities=[first_cap]
    )
    study = CaseStudyFactory(company=company, title="Original study")
    company.contact_name = "Jo Example"
    services.company_save(company=company)
    version = company.history.order_by("-history_date").first()
    company.summary = "As it became."
    company.status = Company.Status.PUBLISHED
    services.company_save(company=company, capabilities=[second_cap], clusters=[second_cap.cluster])
    services.company_part_delete(part=study)
    CaseStudyFactory(company=company, title="New study")
    url = reverse("admin:members_company_simple_history", args=[company.pk, version.history_id])

    preview = staff_client.get(url)
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "As it became." in text and "As it was." in text
    assert "Case study: Original study" in text and "restored" in text
    company.refresh_from_db()
    assert company.summary == "As it became."  # a preview changes nothing

    done = staff_client.post(url, follow=True)

    company.refresh_from_db()
    assert any(m.startswith("Reverted Timeline Example to how it was on") for m in _messages(done))
    assert company.summary == "As it was."
    assert list(company.capabilities.all()) == [first_cap]
    assert list(company.case_studies.values_list("title", flat=True)) == ["Original study"]
    assert company.slug == "timeline-example" or company.slug  # slug kept as it is
    assert company.history.first().history_change_reason.startswith("Reverted to how it was on")


def test_revert_to_the_point_of_a_part_change_keeps_the_parts_added_by_then(
    staff_client: Client,
) -> None:
    company = CompanyFactory(name="Points Example", summary="Original summary.")
    version = company.history.first()
    CaseStudyFactory(company=company, title="Added just after")
    company.summary = "Later summary."
    services.company_save(company=company)
    CaseStudyFactory(company=company, title="Added much later")
    history = staff_client.get(reverse("admin:members_company_history", args=[company.pk]))
    entry = next(
        e for e in history.context["page"].object_list if e.what == "Case study: Added just after"
    )
    assert entry.version.history_id == version.history_id
    url = reverse("admin:members_company_simple_history", args=[company.pk, version.history_id])
    assert f"{url}?at=" in history.content.decode()

    staff_client.post(url, query_params={"at": entry.at.isoformat()})

    company.refresh_from_db()
    assert company.summary == "Original summary."
    assert list(company.case_studies.values_list("title", flat=True)) == ["Added just after"]


@pytest.mark.parametrize("at", ["yesterday", "2020-01-01T00:00:00+00:00", "2030-01-01T00:00:00"])
def test_revert_to_a_malformed_or_earlier_point_is_a_404(staff_client: Client, at: str) -> None:
    company = CompanyFactory()
    version = company.history.first()
    url = reverse("admin:members_company_simple_history", args=[company.pk, version.history_id])
    assert staff_client.get(url, {"at": at}).status_code == 404


def test_revert_that_no_longer_fits_changes_nothing_and_says_why(staff_client: Client) -> None:
    company = CompanyFactory(name="Numbered Example", companies_house_number="SC111111")
    version = company.history.first()
    company.companies_house_number = "SC222222"
    services.company_save(company=company)
    CompanyFactory(name="Taker Example", companies_house_number="SC111111")
    url = reverse("admin:members_company_simple_history", args=[company.pk, version.history_id])

    done = staff_client.post(url, follow=True)

    assert done.status_code == 200
    assert any("Not reverted" in m for m in _messages(done))
    company.refresh_from_db()
    assert company.companies_house_number == "SC222222"


@pytest.mark.parametrize("version", ["999999", "abc", "%00"])
def test_revert_of_an_unknown_version_is_a_404(staff_client: Client, version: str) -> None:
    company = CompanyFactory()
    url = reverse("admin:members_company_changelist") + f"{company.pk}/history/{version}/"
    assert staff_client.post(url).status_code == 404


def test_a_member_cannot_see_history_or_revert(member_client: Client, member_company) -> None:
    version = member_company.history.first()
    for url in (
        reverse("admin:members_company_history", args=[member_company.pk]),
        reverse(
            "admin:members_company_simple_history", args=[member_company.pk, version.history_id]
        ),
    ):
        assert member_client.get(url).status_code == 302
        assert member_client.post(url).status_code == 302
    assert Company.objects.get(pk=member_company.pk).history.count() == 1
