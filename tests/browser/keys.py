"""Moving through a page with the keyboard alone, the way the keyboard tests all do it.

One helper, so that every keyboard test copes the same way with a page that is still loading: a
URL changes when a navigation commits, before the new document has a body, and then
``document.activeElement`` is null. Tab presses wait for the document to load first, and a null
focus counts as "not there yet" rather than failing the test by chance.
"""

from __future__ import annotations

from playwright.sync_api import Page


def focused_is(page: Page, predicate: str) -> bool:
    """Whether the focused element passes ``predicate``, a JavaScript function of one element."""
    return page.evaluate(
        f"() => {{ const el = document.activeElement; return !!el && !!({predicate})(el); }}"
    )


def focused_outline(page: Page) -> str:
    """The focused element's outline style: "none" means a keyboard user cannot see the focus."""
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " return el ? getComputedStyle(el).outlineStyle : 'none'; }"
    )


def focused_html(page: Page) -> str:
    return page.evaluate(
        "() => { const el = document.activeElement; return el ? el.outerHTML.slice(0, 200) : ''; }"
    )


def tab_until(
    page: Page,
    predicate: str,
    *,
    backwards: bool = False,
    limit: int = 120,
    visible_focus: bool = False,
    open_summaries_containing: str = "",
) -> int:
    """Press Tab (Shift+Tab when ``backwards``) until the focused element passes ``predicate``;
    return how many presses it took.

    ``visible_focus`` also checks that the element draws a focus outline.
    ``open_summaries_containing`` opens, with Enter, a closed disclosure on the way whose content
    matches that selector (a keyboard user opening the filter group they need).
    """
    key = "Shift+Tab" if backwards else "Tab"
    for presses in range(1, limit + 1):
        page.wait_for_load_state()
        page.keyboard.press(key)
        if focused_is(page, predicate):
            if visible_focus:
                assert focused_outline(page) != "none", f"no visible focus on {predicate}"
            return presses
        if open_summaries_containing and page.evaluate(
            "sel => { const el = document.activeElement;"
            " return !!el && el.matches('summary') && !el.parentElement.open"
            " && !!el.parentElement.querySelector(sel); }",
            open_summaries_containing,
        ):
            page.keyboard.press("Enter")
    raise AssertionError(
        f"{key} never reached {predicate!r} in {limit} presses; ended on {focused_html(page)}"
    )
