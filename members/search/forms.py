"""Reading a buyer's search from the URL (the contract of /companies/), leniently.

Bad input never fails the page: an unknown value is dropped and reported back ("We ignored ..."),
overlong text is cut, NUL bytes are removed. The facet fields and their choices come from the
facet registry and the current index, so validating costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict

from members.search.facets import ALL, ANY, FACETS
from members.search.index import LETTERS, OTHER_LETTER, Snapshot

MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_PARAMETER = 50
SORTS = {"relevance": "Relevance", "name": "Name (A to Z)", "updated": "Recently updated"}
MODES = {ANY: "Any of the ticked options", ALL: "All of the ticked options"}


def clean_text(value: object) -> str:
    """Remove characters that no database accepts (NUL) and collapse white space."""
    return " ".join(str(value).replace("\x00", " ").split())


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Keep the known values among those given; remember the unknown ones."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.unknown_values: list[str] = []

    def clean(self, value: object) -> list[str]:
        self.unknown_values = []
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        wanted = [clean_text(v) for v in values[:MAX_VALUES_PER_PARAMETER]]
        kept: list[str] = []
        for item in dict.fromkeys(w for w in wanted if w):
            (kept if self.valid_value(item) else self.unknown_values).append(item)
        return kept


class LenientChoiceField(forms.ChoiceField):
    """One value from a fixed list; anything else falls back to the default."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.unknown_values: list[str] = []

    def clean(self, value: object) -> str:
        self.unknown_values = []
        text = clean_text(value or "")
        if text and not self.valid_value(text):
            self.unknown_values = [text]
            return ""
        return text


class TextQueryField(forms.CharField):
    """Free text, cleaned and cut to a sensible length instead of being refused."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.was_truncated = False

    def to_python(self, value: object) -> str:
        text = clean_text(value or "")
        self.was_truncated = len(text) > MAX_QUERY_LENGTH
        return text[:MAX_QUERY_LENGTH]


class SearchForm(forms.Form):
    q = TextQueryField(label="Search")
    letter = LenientChoiceField(
        label="Name starts with", choices=[(x, x) for x in [*LETTERS, OTHER_LETTER]]
    )
    sort = LenientChoiceField(label="Sort by", choices=list(SORTS.items()))
    exact = forms.BooleanField(required=False)

    def __init__(self, data: QueryDict, snapshot: Snapshot) -> None:
        super().__init__(data)
        for facet in FACETS:
            self.fields[facet.param] = LenientMultipleChoiceField(
                label=facet.label,
                choices=[(o.key, o.label) for o in snapshot.options(facet.param)],
            )
            if facet.mode_param:
                self.fields[facet.mode_param] = LenientChoiceField(
                    label=f"{facet.label} matching", choices=list(MODES.items())
                )


@dataclass(frozen=True)
class SearchParams:
    """One buyer search: free text, facet selections, a letter and a sort order.

    ``all_of`` names the facets whose ticks must all be held (``<param>_mode=all``); in the
    others a company needs any one of them.
    """

    text: str = ""
    selected: dict[str, list[str]] = field(default_factory=dict)
    letter: str = ""
    sort: str = ""
    all_of: frozenset[str] = frozenset()
    exact: bool = False  # search the text as typed: no spelling correction applied

    def mode(self, param: str) -> str:
        return ALL if param in self.all_of else ANY

    def pairs(self, skip_param: str = "", skip_key: str = "") -> list[tuple[str, str]]:
        """The search as URL (parameter, value) pairs, without the page.

        ``skip_param`` leaves out a parameter (a facet's mode too, by its own name), or with
        ``skip_key`` one value of it.
        """
        pairs = [("q", self.text)] if self.text and skip_param != "q" else []
        for facet in FACETS:
            for key in self.selected.get(facet.param, []):
                if facet.param != skip_param or (skip_key and key != skip_key):
                    pairs.append((facet.param, key))
            if facet.param in self.all_of and facet.mode_param != skip_param:
                pairs.append((facet.mode_param, ALL))
        for name, value in (("letter", self.letter), ("sort", self.sort)):
            if value and skip_param != name:
                pairs.append((name, value))
        if self.exact and self.text and skip_param not in {"q", "exact"}:
            pairs.append(("exact", "1"))
        return pairs

    def query_without(self, skip_param: str = "", skip_key: str = "") -> str:
        return urlencode(self.pairs(skip_param, skip_key))

    @property
    def is_narrowed(self) -> bool:
        return bool(self.text or self.letter or any(self.selected.values()))


@dataclass
class ParsedSearch:
    """The valid search, what could not be used, and the links a results page needs."""

    params: SearchParams
    notices: list[str]
    snapshot: Snapshot

    @cached_property
    def query_string(self) -> str:
        """The current search (no page), for links that keep it: pagination, sort, export."""
        return self.params.query_without()

    @cached_property
    def query_without_letter(self) -> str:
        return self.params.query_without("letter")

    @cached_property
    def query_without_q(self) -> str:
        return self.params.query_without("q")

    @cached_property
    def selected_tags(self) -> list[dict[str, str]]:
        """Each selected option, its facet, and the query string that removes it."""
        tags = []
        for facet in FACETS:
            labels = {o.key: o.label for o in self.snapshot.options(facet.param)}
            keys = self.params.selected.get(facet.param, [])
            for key in keys:
                tags.append(
                    {
                        "facet": facet.label,
                        "label": labels.get(key, key),
                        "query": self.params.query_without(facet.param, key),
                    }
                )
            if keys and self.params.mode(facet.param) == ALL:
                tags.append(
                    {
                        "facet": facet.label,
                        "label": "must have all selected",
                        "query": self.params.query_without(facet.mode_param),
                    }
                )
        return tags

    letter_choices = [(letter, letter) for letter in [*LETTERS, OTHER_LETTER]]
    sorts = SORTS


def parse_search(data: QueryDict, snapshot: Snapshot) -> ParsedSearch:
    form = SearchForm(data, snapshot)
    form.is_valid()
    cleaned = form.cleaned_data
    params = SearchParams(
        text=cleaned.get("q") or "",
        selected={f.param: list(cleaned.get(f.param) or []) for f in FACETS},
        letter=cleaned.get("letter") or "",
        sort=cleaned.get("sort") or "",
        all_of=frozenset(
            f.param for f in FACETS if f.mode_param and cleaned.get(f.mode_param) == ALL
        ),
        exact=bool(cleaned.get("exact")),
    )
    return ParsedSearch(params, _notices(form), snapshot)


def _notices(form: SearchForm) -> list[str]:
    """What the buyer should know about the parameters we could not use."""
    notices = []
    q_field = form.fields["q"]
    if isinstance(q_field, TextQueryField) and q_field.was_truncated:
        notices.append(
            f"Your search text was longer than {MAX_QUERY_LENGTH} characters, "
            "so only the start of it was used."
        )
    for name, form_field in form.fields.items():
        label = str(form_field.label or name).lower()
        for value in getattr(form_field, "unknown_values", []):
            notices.append(
                f"We ignored the {label} \u201c{value[:60]}\u201d: it is not one we know."
            )
    return notices
