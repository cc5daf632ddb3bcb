"""Fragments repeated a hundred times a page, rendered in Python.

A results page shows twenty company cards and a hundred-odd facet options. Django's template
engine spends about 10 µs on each variable or tag it renders, and ``format_html`` about as much
per value; at some forty a card and eight an option that was most of a search's time (measured:
22 of 27 ms at 2,000 companies). These tags build the same markup with f-strings in which every
value goes through ``e()`` (``html.escape``), and each fragment is written once, here: the company
card (search results, home page, cluster pages), the shortlist button (also on profiles and the
shortlist page) and a facet's options. tests/test_listing_fragments.py holds them to escaping.
"""

from __future__ import annotations

import datetime
import functools
import html
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString, mark_safe

from members.cards import CompanyCard
from members.search.engine import FacetOptionView
from members.search.forms import ParsedSearch
from members.search.index import OTHER_LETTER

register = template.Library()


def e(value: object) -> str:
    """Text made safe for HTML, quotes included (attribute values are double-quoted)."""
    return html.escape(str(value), quote=True)


SLUG = "slug-to-fill-in"


@functools.cache
def _url_pattern(view: str, script_prefix: str) -> str:
    return reverse(view, args=[SLUG])


def slug_url(view: str, slug: str) -> str:
    """reverse(view, args=[slug]), reversed once per process: twenty cards need forty URLs."""
    return _url_pattern(view, get_script_prefix()).replace(SLUG, slug)


def _shortlist_url(action: str, slug: str) -> str:
    return slug_url(f"shortlist:{action}", slug)


@register.simple_tag(takes_context=True)
def shortlist_toggle(
    context: template.Context, company: Any, in_results: bool = False, toggled: bool = False
) -> SafeString:
    """The add/remove button of one company.

    Inside a card list every button shares the list's one form (includes/card_list.html) and
    says where it posts (``formaction``), so the token and the way back are on the page once. On
    a profile or the shortlist it sits in its own form (members/_shortlist_button.html). The id
    stays the same when it toggles, so focus stays on it.
    """
    return mark_safe(_toggle(company, context.get("shortlisted_ids", ()), in_results, toggled))  # noqa: S308 - built from e() values


def _toggle(company: Any, shortlisted: object, in_results: bool, toggled: bool) -> str:
    listed = company.pk in shortlisted  # type: ignore[operator]
    action = _shortlist_url("remove" if listed else "add", company.slug)
    formaction = f' formaction="{e(action)}"' if in_results else ""
    swap = ' data-hx-swap-oob="true"' if toggled and in_results else ""
    kind = " button--secondary" if listed else ""
    verb, preposition = ("Remove", "from") if listed else ("Add", "to")
    return (
        f'<button{formaction} class="button button--small{kind}" id="shortlist-toggle-'
        f'{int(company.pk)}"{swap}>{verb}<span class="visually-hidden"> {e(company.name)}'
        f"</span> {preposition} shortlist</button>"
    )


def _facts(card: CompanyCard) -> str:
    capabilities = ", ".join(card.first_capabilities)
    if card.more_capabilities:
        capabilities += f" and {card.more_capabilities} more"
    rows = [
        ("Clusters" if len(card.clusters) > 1 else "Cluster", ", ".join(card.clusters)),
        ("Capabilities", capabilities),
        ("Certifications", ", ".join(card.certifications)),
        ("Frameworks", ", ".join(card.frameworks)),
    ]
    return "\n".join(f"<dt>{name}</dt><dd>{e(text)}</dd>" for name, text in rows if text)


def _verified(when: datetime.datetime | None, stale: bool) -> str:
    if when is None:
        return "Not yet verified"
    day = timezone.localtime(when).date()
    due = ' <span class="stale-mark">(due for review)</span>' if stale else ""
    return (
        f'<span class="verified-mark">Verified <time datetime="{day.isoformat()}">{day.day}'
        f" {e(MONTHS[day.month])} {day.year}</time></span>{due}"
    )


def _card(card: CompanyCard, profile_url: str, shortlisted: object) -> str:
    if card.logo:
        logo = (
            f'<span class="logo-box"><img src="{e(card.logo_url)}" alt="" width="56"'
            ' height="56" loading="lazy"></span>'
        )
    else:
        logo = (
            f'<span class="logo-box logo-box--initial" aria-hidden="true">{e(card.initial)}</span>'
        )
    sme = (
        '<abbr class="tag tag--sme" title="Small or medium-sized enterprise">SME</abbr> '
        if card.is_sme
        else ""
    )
    snippet = (
        '<p class="company-card__snippet"><span class="visually-hidden">Where your search'
        f" matched: </span>{card.snippet}</p>\n"  # already safe HTML (members.search.highlight)
        if card.snippet
        else ""
    )
    return (
        f'<article class="company-card"><div class="company-card__head">{logo}<div><h3>'
        f'<a href="{e(profile_url)}">{e(card.name)}</a></h3>\n<p class="company-card__badges">'
        f"{sme}{e(card.region)}</p></div></div>\n<p>{e(card.summary)}</p>\n{snippet}"
        f"<dl>{_facts(card)}</dl>\n"
        '<div class="company-card__foot"><p class="company-card__verified">'
        f"{_verified(card.last_verified_at, card.verification_is_stale)}</p>\n"
        f"{_toggle(card, shortlisted, in_results=True, toggled=False)}</div></article>"
    )


@register.simple_tag(takes_context=True)
def company_card(context: template.Context, card: CompanyCard) -> SafeString:
    """A company in a list (members.cards.CompanyCard), inside includes/card_list.html's form.

    Use it inside an <li> under an h2 section: the name is an h3. ``card.snippet`` (safe HTML)
    is where a search matched.
    """
    shortlisted = context.get("shortlisted_ids", ())
    return mark_safe(_card(card, slug_url("members:company_detail", card.slug), shortlisted))  # noqa: S308 - built from e() values


@register.simple_tag
def facet_options(param: str, options: Iterable[FacetOptionView]) -> SafeString:
    """A facet's checkboxes, each inside its label; one that would find nothing is hidden
    unless ticked (static/js/search.js updates the same markup after an htmx search)."""
    name = e(param)
    return mark_safe(  # noqa: S308 - built from e() values
        "".join(
            f'<label{"" if option.shown else " hidden"}><input type="checkbox" name="{name}"'
            f' value="{e(option.key)}"{" checked" if option.selected else ""}>'
            f" {e(option.label)} <small>({int(option.count)})</small></label>"
            for option in options
        )
    )


@register.simple_tag
def letter_links(search: ParsedSearch, counts: dict[str, int]) -> SafeString:
    """The A to Z links of a search: the search as it is, starting with each letter.

    A letter that would find nothing (``counts``, SearchResult.letter_counts) is no link, so it
    is no tab stop and never leads to an empty page; it is marked unavailable, not left out, so
    the row keeps its shape. The chosen letter stays a link even when it finds nothing.
    """
    base = e(search.query_without_letter)
    join = "&amp;" if base else ""
    chosen = search.params.letter
    links = [f'<li><a href="?{base}"{"" if chosen else CURRENT}>All</a></li>']
    for letter, _label in search.letter_choices:
        text = DIGITS_LINK if letter == OTHER_LETTER else e(letter)
        if letter != chosen and not counts.get(letter):
            links.append(f'<li><a role="link" aria-disabled="true">{text}</a></li>')
            continue
        current = CURRENT if letter == chosen else ""
        links.append(
            f'<li><a href="?{base}{join}letter={e(quote(letter))}"{current}>{text}</a></li>'
        )
    return mark_safe(f"<ul>{''.join(links)}</ul>")  # noqa: S308 - built from e() values


CURRENT = ' aria-current="true"'
DIGITS_LINK = '<span class="visually-hidden">Names starting with a digit or symbol: </span>0\u20139'
