"""Every URL pattern of the site, the admin's included, takes bad values in its path and its
query string with a clear answer (4xx, or a page that ignores what it cannot use): never a 500.

The patterns are read from the URLconf, so a new view is fuzzed without being listed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

# What goes where a path parameter belongs: a NUL, invalid UTF-8, an oversized value, and
# characters a slug or a number never holds.
BAD_SEGMENTS = ["%00", "%ff%fe", "x" * 3000, "..%2f..%2fetc", "%3Cscript%3E", "-1"]
BAD_QUERY = "q=%00&page=%ff%fe&letter=" + "z" * 3000 + "&status=%00&o=%00&term=%00&p=%00"
PARAMETER = re.compile(
    r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<re_name>\w+)>[^)]*\)"
)


def _patterns(resolvers: list, prefix: str = "") -> Iterator[str]:
    for entry in resolvers:
        route = str(entry.pattern)
        route = route.removeprefix("^").removesuffix("$").replace("\\Z", "")
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def _fill(route: str, value: str) -> str:
    return "/" + PARAMETER.sub(value, route).lstrip("/")


ROUTES = sorted(set(_patterns(get_resolver().url_patterns)))
WITH_PARAMETERS = [route for route in ROUTES if PARAMETER.search(route)]


def test_the_walk_finds_the_site_and_the_admin() -> None:
    assert any(route.startswith("admin/") for route in ROUTES)
    assert any(route.startswith("companies/") for route in WITH_PARAMETERS)
    assert any(route.startswith("members/") for route in WITH_PARAMETERS)


def _failures(client: Client, urls: list[str], methods: tuple[str, ...]) -> list[str]:
    failures = []
    for url in urls:
        for method in methods:
            response = getattr(client, method)(url)
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {url[:80]}: {response.status_code}")
    return failures


def _client_for(route: str, staff_client: Client) -> Client:
    # The admin's views are only reached signed in as staff; the rest as a visitor.
    return staff_client if route.startswith("admin/") else Client()


def test_bad_path_values_never_500(staff_client: Client) -> None:
    CompanyFactory()  # some rows, so lookups have something to miss
    failures = []
    for route in WITH_PARAMETERS:
        client = _client_for(route, staff_client)
        urls = [_fill(route, value) for value in BAD_SEGMENTS]
        failures += _failures(client, urls, ("get",))
        failures += _failures(client, urls[:1], ("post",))
    assert failures == []


def test_bad_query_strings_never_500(staff_client: Client) -> None:
    CompanyFactory()
    failures = []
    for route in ROUTES:
        if PARAMETER.search(route):
            continue
        url = _fill(route, "") + "?" + BAD_QUERY
        failures += _failures(_client_for(route, staff_client), [url], ("get", "post"))
    assert failures == []
