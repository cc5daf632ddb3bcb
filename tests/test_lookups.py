"""``field__any=ids`` finds exactly the rows with those ids, on every database."""

from __future__ import annotations

import pytest

from members.models import Company, CompanyCertification
from tests.factories import CompanyCertificationFactory, CompanyFactory

pytestmark = pytest.mark.django_db


def test_any_finds_the_rows_with_those_ids() -> None:
    first, second, _third = CompanyFactory.create_batch(3)
    found = Company.objects.filter(pk__any=[first.pk, second.pk, 999_999])
    assert set(found) == {first, second}


def test_any_of_no_ids_finds_nothing() -> None:
    CompanyFactory()
    assert not Company.objects.filter(pk__any=[]).exists()


def test_any_works_on_foreign_keys() -> None:
    held = CompanyCertificationFactory()
    CompanyCertificationFactory()
    assert list(CompanyCertification.objects.filter(company_id__any=[held.company_id])) == [held]
