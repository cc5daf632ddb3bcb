"""Every admin list costs the same number of queries for 2 rows as for 20."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.admin_rows import REGISTERED, make_rows

pytestmark = pytest.mark.django_db


def _list_queries(client: Client, url: str, model: type[Model], rows: int) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    shown = response.context["cl"].result_count
    assert shown >= rows, f"{model._meta.label}: {shown} rows shown, {rows} made"
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_queries_do_not_grow_with_rows(staff_client: Client, model: type[Model]) -> None:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    make_rows(model, 2)
    staff_client.get(url)  # the session and the content types, read once whatever the rows
    few = _list_queries(staff_client, url, model, 2)
    make_rows(model, 18)

    many = _list_queries(staff_client, url, model, 20)

    assert len(many) == len(few), "\n".join(query for query in many if query not in few)
