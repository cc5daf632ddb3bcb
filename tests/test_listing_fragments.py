"""The card, shortlist button, facet options and A-Z links built in Python escape every value."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context
from django.test import Client
from django.utils import timezone

from members.cards import CompanyCard
from members.search.engine import FacetOptionView
from members.templatetags.listing import company_card, facet_options, shortlist_toggle
from tests.factories import CapabilityFactory, CompanyFactory

HOSTILE = "<script>alert(1)</script>\"' & <b>"


def hostile_card(**changes: object) -> CompanyCard:
    values: dict[str, object] = {
        "pk": 7,
        "name": HOSTILE,
        "slug": "safe-slug",
        "summary": HOSTILE,
        "logo": "",
        "region": HOSTILE,
        "is_sme": True,
        "last_verified_at": timezone.now() - datetime.timedelta(days=400),
        "clusters": [HOSTILE],
        "capabilities": [HOSTILE] * 6,
        "certifications": [HOSTILE],
        "frameworks": [HOSTILE],
    }
    return CompanyCard(**{**values, **changes})  # type: ignore[arg-type]


def test_a_card_escapes_every_company_value() -> None:
    html = company_card(Context({"shortlisted_ids": set()}), hostile_card())
    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27; &amp; &lt;b&gt;" in html
    assert "and 2 more" in html
    assert "(due for review)" in html
    assert 'formaction="/shortlist/add/safe-slug/"' in html


def test_a_card_shows_when_it_was_never_verified() -> None:
    html = company_card(Context({}), hostile_card(last_verified_at=None, is_sme=False))
    assert "Not yet verified" in html
    assert "SME" not in html


def test_the_shortlist_button_says_remove_when_listed() -> None:
    html = shortlist_toggle(Context({"shortlisted_ids": {7}}), hostile_card())
    assert html.startswith('<button class="button button--small button--secondary"')
    assert "Remove<span" in html
    assert "formaction" not in html  # in its own form, not a list's
    assert "<script>" not in html


def test_facet_options_escape_labels_and_hide_what_finds_nothing() -> None:
    options = [
        FacetOptionView("a", HOSTILE, "", 3, selected=False),
        FacetOptionView("b", "Empty", "", 0, selected=False),
        FacetOptionView("c", "Ticked empty", "", 0, selected=True),
    ]
    html = facet_options("region", options)
    assert "<script>" not in html
    assert '<label><input type="checkbox" name="region" value="a">' in html
    assert '<label hidden><input type="checkbox" name="region" value="b">' in html
    assert '<label><input type="checkbox" name="region" value="c" checked>' in html


@pytest.mark.django_db
def test_the_page_escapes_a_hostile_company(client: Client) -> None:
    CompanyFactory(name=HOSTILE, capabilities=[CapabilityFactory(name=HOSTILE)])
    response = client.get("/companies/")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


@pytest.mark.django_db
def test_letter_links_keep_the_search_and_mark_the_chosen_letter(client: Client) -> None:
    CompanyFactory(name="Alpha Example")
    html = client.get("/companies/", {"q": "a&b", "letter": "A"}).text
    assert '<a href="?q=a%26b&amp;letter=A" aria-current="true">A</a>' in html
    assert '<a href="?q=a%26b">All</a>' in html
