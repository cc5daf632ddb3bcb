"""Fixtures shared by the whole suite.

pytest-django loads the settings before any conftest is imported, so the environment they read
(``SECRET_KEY`` above all) must come from the shell or ``make test``. What the settings derive from
the production defaults that would get in a test's way (HTTPS redirects, the hashed-static manifest
that only exists after ``collectstatic``, allowed hosts) is overridden below instead, so the suite
needs nothing but ``SECRET_KEY`` to run.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from clusters.models import Capability, Cluster
from members.models import Company, User
from members.services import certification_inclusions_set
from tests.factories import (
    CapabilityFactory,
    CaseStudyFactory,
    CertificationFactory,
    ClusterFactory,
    CompanyCertificationFactory,
    CompanyFactory,
    CompanyFrameworkFactory,
    FrameworkFactory,
    RegionFactory,
    SectorFactory,
    UserFactory,
)
from tests.mfa import add_authenticator_app, pass_second_step


@pytest.fixture(autouse=True)
def _commit_hooks_run_as_in_production(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run on-commit callbacks when the code under test commits, as production would.

    pytest-django wraps each test in a transaction that is rolled back, so nothing the code under
    test does ever commits and ``transaction.on_commit`` callbacks (search following a write)
    would never run. Here, when the outermost block the code itself opened ends without an error,
    its callbacks run: exactly where production commits. A rolled-back block drops its callbacks,
    as Django does anyway.
    """
    original_exit = transaction.Atomic.__exit__

    def exit_and_run_commit_hooks(
        self: transaction.Atomic, exc_type: object, exc_value: object, traceback: object
    ) -> None:
        original_exit(self, exc_type, exc_value, traceback)
        connection = transaction.get_connection(self.using)
        committed_here = (
            exc_type is None
            and connection.in_atomic_block
            and not connection.needs_rollback
            and all(block._from_testcase for block in connection.atomic_blocks)
        )
        if committed_here:
            callbacks, connection.run_on_commit = connection.run_on_commit, []
            for _savepoints, callback, _robust in callbacks:
                callback()

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_and_run_commit_hooks)
    yield


@pytest.fixture(autouse=True)
def _test_safe_settings(settings: Settings) -> None:
    # A test's data lives in its own open transaction, which a background thread cannot see.
    settings.SEARCH_INDEX_BACKGROUND_REBUILD = False
    settings.SECURE_SSL_REDIRECT = False
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Each test counts sign-in attempts from zero, in this process's memory, whatever REDIS_URL
    # the shell has (tests/test_accounts_shared_limits.py uses Redis on purpose).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    # The test client leaves a streamed download it was not asked to read open, holding its
    # export slot; tests/test_rate_limits.py sets one slot where slots are what it tests.
    settings.EXPORT_CONCURRENCY = 1000


@pytest.fixture
def cluster(db: None) -> Cluster:
    return ClusterFactory(name="Cyber Security", slug="cyber-security")


@pytest.fixture
def capability(cluster: Cluster) -> Capability:
    return CapabilityFactory(
        cluster=cluster, name="Penetration testing", slug="penetration-testing"
    )


@pytest.fixture
def published_company(capability: Capability) -> Company:
    return CompanyFactory(
        name="Thistle Secure Example Ltd",
        slug="thistle-secure",
        summary="Penetration testing and incident response for councils.",
        capabilities=[capability],
    )


@pytest.fixture
def company_with_profile(db: None) -> Company:
    """A published company with every part a profile can show, including an expired certificate."""
    cyber = ClusterFactory(name="Cyber Security", slug="cyber-security")
    data = ClusterFactory(name="Data", slug="data")
    today = timezone.localdate()
    company = CompanyFactory(
        name="Heather Data Example Ltd",
        slug="heather-data",
        summary="Secure data platforms for health boards.",
        description="We build data platforms that public bodies can trust.",
        contact_name="Morgan Example",
        contact_email="hello@heather-data.example",
        contact_phone="0131 496 0123",
        website="https://heather-data.example",
        town="Dundee",
        region=RegionFactory(name="Tayside", slug="tayside"),
        employee_band=Company.EmployeeBand.MEDIUM,
        companies_house_number="SC123456",
        pays_real_living_wage=True,
        fair_work_first=True,
        last_verified_at=datetime.datetime(2026, 3, 14, 10, 0, tzinfo=datetime.UTC),
        capabilities=[
            CapabilityFactory(cluster=cyber, name="Incident response", slug="incident-response"),
            CapabilityFactory(cluster=data, name="Data engineering", slug="data-engineering"),
        ],
        sectors=[
            SectorFactory(name="Health and social care", slug="health"),
            SectorFactory(name="Local government", slug="local-government"),
        ],
    )
    plus = CertificationFactory(name="Cyber Essentials Plus", slug="cyber-essentials-plus")
    # As the reference data declares it: holding Plus counts as holding Cyber Essentials.
    certification_inclusions_set(
        certification=plus,
        includes=[CertificationFactory(name="Cyber Essentials", slug="cyber-essentials")],
    )
    CompanyCertificationFactory(
        company=company, certification=plus, valid_until=today + datetime.timedelta(days=200)
    )
    CompanyCertificationFactory(
        company=company,
        certification=CertificationFactory(name="Lapsed Standard 9999", slug="lapsed-standard"),
        valid_until=today - datetime.timedelta(days=1),
    )
    CompanyFrameworkFactory(
        company=company,
        framework=FrameworkFactory(name="Digital Technology Services", slug="digital-tech"),
        lot="Lot 2: Cyber security",
    )
    CompanyFrameworkFactory(
        company=company,
        framework=FrameworkFactory(name="Lapsed Framework 2019", slug="lapsed-framework"),
        lot="Lot 9: Gone",
        valid_until=today - datetime.timedelta(days=1),
    )
    CaseStudyFactory(
        company=company,
        title="Shared records platform for a health board",
        client="A fictional NHS board",
    )
    return company


@pytest.fixture
def staff_user(db: None) -> User:
    """A superuser with an authenticator app, as every staff account has where MFA is required."""
    user = UserFactory(email="curator@industry-body.example", is_staff=True, is_superuser=True)
    add_authenticator_app(user)
    return user


@pytest.fixture
def staff_client(client: Client, staff_user: User) -> Client:
    """Signed in as staff_user, past the second step, so the admin opens."""
    client.force_login(staff_user)
    pass_second_step(client, staff_user)
    return client


@pytest.fixture
def member_company(db: None) -> Company:
    """A published company that the ``member`` owns."""
    cluster = ClusterFactory(name="Cyber Security", slug="cyber-security")
    return CompanyFactory(
        name="Osprey Secure Example Ltd",
        slug="osprey-secure",
        summary="Penetration testing and incident response for councils and health boards.",
        capabilities=[CapabilityFactory(cluster=cluster, name="Penetration testing")],
    )


@pytest.fixture
def member(member_company: Company) -> User:
    from members.models import CompanyMembership

    user = UserFactory(email="owner@osprey.example", full_name="Morgan Owner")
    CompanyMembership.objects.create(
        user=user, company=member_company, role=CompanyMembership.Role.OWNER
    )
    return user


@pytest.fixture
def member_client(client: Client, member: User) -> Client:
    client.force_login(member)
    return client
