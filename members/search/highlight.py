"""Showing where a search matched: escaped text with the matched words in ``<mark>``.

Backends mark matches with two private-use characters; the text is escaped first and only then do
the markers become tags, so a company's own text can never inject markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MARK_START, MARK_STOP = "\ue000", "\ue001"


def highlighted(marked: str) -> SafeString:
    """Escape the text, then turn the highlight markers into <mark> elements."""
    text = str(escape(marked))
    if text.count(MARK_START) != text.count(MARK_STOP):
        text = text.replace(MARK_START, "").replace(MARK_STOP, "")
    html = text.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - built from escaped text and our own tags only


def marked_excerpt(text: str, words: Sequence[str], width: int = 160) -> str:
    """The text around the first matching word, the words marked (for the plain backend)."""
    lowered = text.lower()
    positions = [p for p in (lowered.find(word.lower()) for word in words if word) if p >= 0]
    if not positions:
        return ""
    start = max(0, min(positions) - width // 3)
    end = min(len(text), start + width)
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)
    fragment = re.sub(
        f"({alternatives})", rf"{MARK_START}\1{MARK_STOP}", text[start:end], flags=re.IGNORECASE
    )
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + fragment + suffix
