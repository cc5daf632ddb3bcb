"""Malformed admin addresses get a 4xx, never a 500, and never a page pretending all is well."""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from members.models import Company
from tests.admin_rows import REGISTERED, one_of_each

pytestmark = pytest.mark.django_db

MALFORMED_LIST_QUERIES = [
    "status=%00",
    "q=%00",
    "q=pen%00test",
    "o=abc",
    "o=1.x",
    "p=-1",
    "p=0",
    "p=abc",
    "region__id__exact=x",
    "no_such_field=1",
    "e=1",
    "e=1&region__id__exact=x",  # was the admin's "Database error" page, with a 200
]
HISTORY_TRACKED = [model for model in REGISTERED if hasattr(model, "history")]


@pytest.fixture
def rows(db: None) -> dict[type[Model], Model]:
    return one_of_each()


def _url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_malformed_list_addresses_are_refused_with_400(
    staff_client: Client, model: type[Model]
) -> None:
    url = _url(model, "changelist")
    answers = {
        query: staff_client.get(f"{url}?{query}").status_code for query in MALFORMED_LIST_QUERIES
    }

    assert answers == dict.fromkeys(MALFORMED_LIST_QUERIES, 400)


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_well_formed_sort_and_page_still_show_the_list(
    staff_client: Client, model: type[Model]
) -> None:
    response = staff_client.get(_url(model, "changelist"), {"o": "-1", "p": "1"})

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_a_filter_the_list_cannot_apply_says_so_and_links_to_the_whole_list(
    staff_client: Client, rows: dict[type[Model], Model]
) -> None:
    url = _url(Company, "changelist")

    response = staff_client.get(url, {"region__id__exact": "x"})

    assert response.status_code == 400
    assert "This list cannot be shown that way" in response.text
    assert f'<a href="{url}">Show all companies</a>' in response.text
    assert "Database error" not in response.text


def test_a_visitor_is_still_sent_to_sign_in_rather_than_told_what_was_wrong(
    client: Client,
) -> None:
    url = _url(Company, "changelist")

    response = client.get(f"{url}?region__id__exact=x&e=1")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_an_entry_address_with_an_id_of_the_wrong_type_is_not_found(
    staff_client: Client, model: type[Model]
) -> None:
    answers = {
        view: staff_client.get(_url(model, view, "not-a-number")).status_code
        for view in ("change", "delete", "history")
    }

    assert answers == {"change": 404, "delete": 404, "history": 404}


@pytest.mark.parametrize("model", HISTORY_TRACKED, ids=lambda model: model._meta.label)
def test_a_history_version_address_of_the_wrong_type_is_not_found(
    staff_client: Client, rows: dict[type[Model], Model], model: type[Model]
) -> None:
    row = rows[model]

    version = staff_client.get(_url(model, "simple_history", row.pk, "abc"))
    nul_in_id = staff_client.get(_url(model, "history", f"{row.pk}\x00"))

    assert version.status_code == 404
    assert nul_in_id.status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "app_label=members&model_name=company&field_name=capabilities&term=%00",
        "model_name=company&field_name=capabilities&term=a",
        "app_label=members&field_name=capabilities&term=a",
        "app_label=members&model_name=company&term=a",
        "app_label=nope&model_name=company&field_name=capabilities&term=a",
        "app_label=members&model_name=nope&field_name=capabilities&term=a",
        "app_label=members&model_name=company&field_name=nope&term=a",
        "app_label=members&model_name=company&field_name=name&term=a",  # not a relation
        "app_label=members%00&model_name=company&field_name=capabilities&term=a",
    ],
)
def test_autocomplete_refuses_malformed_requests(
    staff_client: Client, rows: dict[type[Model], Model], query: str
) -> None:
    response = staff_client.get(f"/admin/autocomplete/?{query}")

    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        "/shortlist/s/%00/",
        "/shortlist/s/%00/export.csv",
        "/shortlist/s/abc%00def/",
        "/companies/%00/",
        "/members/%00/profile/",
        "/clusters/%00/",
    ],
)
def test_a_null_character_in_a_public_path_is_not_found(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
