"""Submit a page's form as a browser would: every field with the value the page shows."""

from __future__ import annotations

from html.parser import HTMLParser


class _Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._in_post_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._in_post_form = attr.get("method", "").lower() == "post"
        if not self._in_post_form or "disabled" in attr:
            return
        name = attr.get("name")
        if tag == "input" and name:
            kind = attr.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in attr:
                return
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            self.data.setdefault(name, []).append(
                attr.get("value", "on" if kind in {"checkbox", "radio"} else "")
            )
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attr:
            self.data.setdefault(self._select, []).append(attr.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_post_form = False

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][-1] += data


def form_as_sent(html: str) -> dict[str, list[str]]:
    """The fields of the page's POST form(s), as a browser would send them unchanged.

    (Textarea text drops the single newline HTML ignores after the tag, as browsers do.)
    """
    parser = _Fields()
    parser.feed(html)
    return {
        name: [value.removeprefix("\n") for value in values] for name, values in parser.data.items()
    }
