"""The A to Z browse links only the letters that would find something, for the search as it is."""

from __future__ import annotations

import pytest
from django.test import Client

from members.search.engine import run_search
from members.search.forms import SearchParams
from tests.factories import CompanyFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions() -> dict[str, object]:
    fife, lothian = RegionFactory(slug="fife"), RegionFactory(slug="lothian")
    for name, region in [
        ("Alder Example Ltd", fife),
        ("Aspen Example Ltd", lothian),
        ("Birch Example Ltd", lothian),
        ("3D Example Ltd", fife),
    ]:
        CompanyFactory(name=name, region=region)
    return {"fife": fife, "lothian": lothian}


def test_letter_counts_follow_the_filters(regions: dict[str, object]) -> None:
    counts = run_search(SearchParams(selected={"region": ["fife"]})).letter_counts
    assert (counts["A"], counts["B"], counts["0-9"], counts["Z"]) == (1, 0, 1, 0)


def test_a_chosen_letter_does_not_narrow_its_own_counts(regions: dict[str, object]) -> None:
    counts = run_search(SearchParams(letter="A", selected={"region": ["lothian"]})).letter_counts
    assert (counts["A"], counts["B"], counts["0-9"]) == (1, 1, 0)


def test_a_letter_that_finds_nothing_is_no_link(client: Client, regions: dict[str, object]) -> None:
    html = client.get("/companies/", {"region": "fife"}).text
    assert '<a href="?region=fife&amp;letter=A">A</a>' in html
    assert '<li><a role="link" aria-disabled="true">B</a></li>' in html
    assert "letter=B" not in html


def test_the_chosen_letter_stays_a_link_even_when_it_finds_nothing(
    client: Client, regions: dict[str, object]
) -> None:
    html = client.get("/companies/", {"region": "fife", "letter": "B"}).text
    assert '<a href="?region=fife&amp;letter=B" aria-current="true">B</a>' in html
    assert "Name starts with:</span> B" in html  # among the selected filters, removable
