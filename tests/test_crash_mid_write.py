"""A member's edit that dies half-way leaves nothing half-saved.

A gunicorn worker killed (SIGKILL, the out-of-memory killer, a lost host) in the middle of a
service function never commits: each multi-model write in members.services is one transaction,
and PostgreSQL rolls back the transaction of a connection that goes away. Here the crash is an
exception raised right after the first write inside the service, the same rollback from the
database's side; every table the edit touches must be as it was before.
"""

from __future__ import annotations

from unittest import mock

import pytest

from members import services
from members.models import Company, SearchState
from tests.factories import CapabilityFactory, CaseStudyFactory, ClusterFactory, CompanyFactory

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Not an Exception: nothing in the app catches it, as nothing can catch a SIGKILL."""


def search_version() -> int:
    return SearchState.objects.get(pk=1).version


def test_a_profile_edit_killed_after_the_company_row_is_written_saves_nothing() -> None:
    cyber = ClusterFactory()
    kept, wanted = CapabilityFactory(cluster=cyber), CapabilityFactory(cluster=cyber)
    company = CompanyFactory(name="Before Ltd", clusters=[cyber], capabilities=[kept])
    before = (search_version(), company.history.count())
    edited = Company.objects.get(pk=company.pk)
    edited.name = "After Ltd"

    # Dies when the links are written: the company row has been saved by then.
    with (
        mock.patch.object(services, "_write_links", side_effect=WorkerKilled),
        pytest.raises(WorkerKilled),
    ):
        services.company_member_save(
            company=edited,
            version=services.company_version(company),
            clusters=[cyber],
            capabilities=[wanted],
            sectors=[],
        )

    company.refresh_from_db()
    assert company.name == "Before Ltd"
    assert company.member_changed_at is None
    assert list(company.capabilities.all()) == [kept]
    assert (search_version(), company.history.count()) == before


def test_a_list_edit_killed_after_its_first_part_saves_nothing() -> None:
    doomed = CaseStudyFactory(company=CompanyFactory(), title="Removed in the edit")
    company = Company.objects.get(pk=doomed.company_id)  # as the edit form opens it
    before = (search_version(), company.history.count())
    new_parts = [
        CaseStudyFactory.build(company=company, title="First new study"),
        CaseStudyFactory.build(company=company, title="Second new study"),
    ]
    real_part_save = services.company_part_save
    saved = []

    def save_then_die(*, part: object) -> None:
        if saved:
            raise WorkerKilled
        real_part_save(part=part)  # type: ignore[arg-type]
        saved.append(part)

    # Dies after the delete and the first new part are written.
    with (
        mock.patch.object(services, "company_part_save", side_effect=save_then_die),
        pytest.raises(WorkerKilled),
    ):
        services.company_parts_save(
            company=company,
            version=services.company_version(company),
            save=new_parts,
            delete=[doomed],
        )

    assert len(saved) == 1
    company.refresh_from_db()
    assert list(company.case_studies.values_list("title", flat=True)) == ["Removed in the edit"]
    assert company.member_changed_at is None
    assert (search_version(), company.history.count()) == before
