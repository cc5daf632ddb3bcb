"""What a printed page says about itself: its criteria, its address (the date is {% now %})."""

from __future__ import annotations

from django import template
from django.core.paginator import Page

from members.search.engine import SearchResult
from members.search.export import criteria_in_words, results_url
from members.search.forms import ParsedSearch

register = template.Library()


@register.simple_tag(takes_context=True)
def search_record(
    context: template.Context, search: ParsedSearch, result: SearchResult, page: Page
) -> dict[str, str]:
    """The criteria in words and the address of this results page, for its printout."""
    return {
        "criteria": criteria_in_words(search, result),
        "url": results_url(context["request"], search, page.number),
    }
