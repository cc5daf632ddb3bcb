"""Constraints the database holds, and validation with clear messages for the rest."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clusters.models import Cluster
from members.models import Company, CompanyCertification, User
from tests.factories import (
    CapabilityFactory,
    ClusterFactory,
    CompanyCertificationFactory,
    CompanyFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db

CH_MESSAGE = "Enter a Companies House number: eight digits (01234567)"


def _error_messages(error: ValidationError, field: str) -> list[str]:
    return [str(message) for message in error.value.message_dict.get(field, [])]


# Unique slugs -------------------------------------------------------------------------------


def test_cluster_slug_is_unique_in_the_database() -> None:
    ClusterFactory(slug="data")
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterFactory(slug="data")


def test_capability_slug_is_unique_across_clusters() -> None:
    CapabilityFactory(slug="penetration-testing")
    with pytest.raises(IntegrityError), transaction.atomic():
        CapabilityFactory(slug="penetration-testing")  # a different cluster, same slug


def test_capability_name_is_unique_within_its_cluster_whatever_the_case() -> None:
    cluster = ClusterFactory()
    CapabilityFactory(cluster=cluster, name="Incident response")
    with pytest.raises(IntegrityError), transaction.atomic():
        CapabilityFactory(cluster=cluster, name="INCIDENT RESPONSE")


def test_company_slug_is_unique_in_the_database() -> None:
    CompanyFactory(slug="thistle-secure")
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyFactory(slug="thistle-secure")


def test_reference_list_slug_is_unique_in_the_database() -> None:
    SectorFactory(slug="health")
    with pytest.raises(IntegrityError), transaction.atomic():
        SectorFactory(slug="health")


# Employee band --------------------------------------------------------------------------------


def test_database_refuses_an_unknown_employee_band_on_update() -> None:
    company = CompanyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.filter(pk=company.pk).update(employee_band="lots")


def test_database_refuses_an_unknown_employee_band_on_save() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyFactory(employee_band="5000+")


def test_full_clean_refuses_an_unknown_employee_band() -> None:
    company = CompanyFactory.build(employee_band="huge")
    with pytest.raises(ValidationError) as error:
        company.full_clean(exclude=["region"])
    assert "employee_band" in error.value.message_dict


@pytest.mark.parametrize(
    ("band", "is_sme"),
    [("1-9", True), ("10-49", True), ("50-249", True), ("250+", False)],
)
def test_sme_is_derived_from_the_employee_band(band: str, is_sme: bool) -> None:
    assert CompanyFactory.build(employee_band=band).is_sme is is_sme


# Companies House number -----------------------------------------------------------------------


@pytest.mark.parametrize("number", ["01234567", "SC123456", "NI654321", "OC000001"])
def test_valid_companies_house_numbers_pass_full_clean(number: str) -> None:
    company = CompanyFactory(companies_house_number=number)
    company.full_clean()


@pytest.mark.parametrize("number", ["1234567", "SC12345", "XX123456", "12345678X", "sc 12345"])
def test_malformed_companies_house_number_has_a_clear_message(number: str) -> None:
    company = CompanyFactory.build(companies_house_number=number)
    with pytest.raises(ValidationError) as error:
        company.full_clean(exclude=["region"])
    messages = _error_messages(error, "companies_house_number")
    assert any(message.startswith(CH_MESSAGE) for message in messages), messages


def test_database_refuses_a_malformed_companies_house_number() -> None:
    company = CompanyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.filter(pk=company.pk).update(companies_house_number="ABC")


def test_companies_house_number_is_stored_in_capitals_without_spaces() -> None:
    company = CompanyFactory(companies_house_number=" sc123456 ")
    company.refresh_from_db()
    assert company.companies_house_number == "SC123456"


def test_companies_house_number_is_unique_when_given() -> None:
    CompanyFactory(companies_house_number="SC123456")
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyFactory(companies_house_number="SC123456")


def test_duplicate_companies_house_number_has_a_clear_message() -> None:
    CompanyFactory(companies_house_number="SC123456")
    duplicate = CompanyFactory.build(companies_house_number="SC123456")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean(exclude=["region"])
    assert "Another company already has this Companies House number." in str(error.value)


def test_many_companies_may_leave_the_companies_house_number_blank() -> None:
    CompanyFactory(companies_house_number="")
    CompanyFactory(companies_house_number="")
    assert Company.objects.filter(companies_house_number="").count() == 2


# Capabilities inside clusters -----------------------------------------------------------------


def test_capabilities_inside_the_company_clusters_are_accepted() -> None:
    cyber = ClusterFactory(name="Cyber Security")
    capability = CapabilityFactory(cluster=cyber)
    Company.validate_capabilities([cyber], [capability])


def test_capability_outside_the_company_clusters_is_refused_with_a_clear_message() -> None:
    cyber = ClusterFactory(name="Cyber Security")
    data = ClusterFactory(name="Data")
    inside = CapabilityFactory(cluster=cyber, name="Incident response")
    outside = CapabilityFactory(cluster=data, name="Data engineering")
    with pytest.raises(ValidationError) as error:
        Company.validate_capabilities([cyber], [inside, outside])
    [message] = _error_messages(error, "capabilities")
    assert "belong to clusters the company is not in: Data engineering (Data)" in message
    assert "Incident response" not in message
    assert "Add the cluster or remove the capability." in message


def test_factory_company_keeps_capabilities_inside_its_clusters() -> None:
    capability = CapabilityFactory()
    company = CompanyFactory(capabilities=[capability])
    assert list(company.clusters.all()) == [capability.cluster]


# Certifications and verification --------------------------------------------------------------


def test_only_unexpired_certifications_are_current() -> None:
    today = timezone.localdate()
    company = CompanyFactory()
    valid = CompanyCertificationFactory(
        company=company, valid_until=today + datetime.timedelta(days=1)
    )
    last_day = CompanyCertificationFactory(company=company, valid_until=today)
    never_expires = CompanyCertificationFactory(company=company, valid_until=None)
    expired = CompanyCertificationFactory(
        company=company, valid_until=today - datetime.timedelta(days=1)
    )
    current = set(CompanyCertification.objects.current())
    assert current == {valid, last_day, never_expires}
    assert not expired.is_current()
    assert last_day.is_current()


def test_a_company_holds_each_certification_once() -> None:
    first = CompanyCertificationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyCertificationFactory(company=first.company, certification=first.certification)


@pytest.mark.parametrize(
    ("days_ago", "stale"), [(None, True), (400, True), (366, True), (364, False), (10, False)]
)
def test_verification_is_stale_after_a_year(days_ago: int | None, stale: bool) -> None:
    verified = None if days_ago is None else timezone.now() - datetime.timedelta(days=days_ago)
    assert CompanyFactory.build(last_verified_at=verified).verification_is_stale is stale


def test_commitments_list_the_labels_of_the_commitments_made() -> None:
    company = CompanyFactory.build(pays_real_living_wage=True, supported_business=True)
    assert company.commitments == ["Real Living Wage employer", "Supported business"]


# Queries --------------------------------------------------------------------------------------


def test_published_returns_only_published_companies() -> None:
    published = CompanyFactory(status=Company.Status.PUBLISHED)
    for status in ("draft", "pending", "archived"):
        CompanyFactory(status=status)
    assert list(Company.objects.published()) == [published]


def test_inactive_clusters_are_not_active() -> None:
    active = ClusterFactory(is_active=True)
    ClusterFactory(is_active=False)
    assert list(Cluster.objects.active()) == [active]


# Users ----------------------------------------------------------------------------------------


def test_email_is_the_login_identifier() -> None:
    assert get_user_model() is User
    assert User.USERNAME_FIELD == "email"
    assert User.REQUIRED_FIELDS == []


def test_create_user_lowercases_the_email_and_hashes_the_password() -> None:
    user = User.objects.create_user("Robin.Example@Member.EXAMPLE", "a-long-passphrase")
    assert user.email == "robin.example@member.example"
    assert user.password != "a-long-passphrase"
    assert user.check_password("a-long-passphrase")
    assert not user.is_staff
    assert not user.is_superuser


def test_create_user_needs_an_email() -> None:
    with pytest.raises(ValueError, match="email address is required"):
        User.objects.create_user("", "a-long-passphrase")


def test_emails_are_unique_whatever_the_case_they_were_typed_in() -> None:
    User.objects.create_user("robin@member.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ROBIN@member.example")


def test_create_superuser_is_staff_and_superuser() -> None:
    user = User.objects.create_superuser("Curator@Industry-Body.example", "a-long-passphrase")
    assert user.email == "curator@industry-body.example"
    assert user.is_staff
    assert user.is_superuser


# History --------------------------------------------------------------------------------------


def test_every_company_save_is_recorded_in_its_history() -> None:
    company = CompanyFactory(summary="First summary.")
    company.summary = "Second summary."
    company.save()
    records = list(company.history.order_by("history_date"))
    assert [record.summary for record in records] == ["First summary.", "Second summary."]
    assert [record.history_type for record in records] == ["+", "~"]


def test_certification_changes_are_recorded_in_history() -> None:
    holding = CompanyCertificationFactory()
    holding.valid_until = None
    holding.save()
    assert holding.history.count() == 2
