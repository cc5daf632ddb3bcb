"""The buyer's shortlist: add and remove (with or without JavaScript), compare, share, export."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from directory.http import HtmxHttpRequest
from directory.limits import rate_limited, too_many, wait_seconds
from members.forms import ShareShortlistForm
from members.models import Company, SharedShortlist
from members.search.export import csv_response
from members.search.index import current_snapshot
from members.shortlist import (
    EmptyShortlist,
    ShortlistFull,
    remember_shared,
    remembered_shared,
    shortlist_add,
    shortlist_clear,
    shortlist_entries,
    shortlist_ids,
    shortlist_remove,
    shortlist_share,
    shortlist_undo,
    shortlist_undo_ids,
)


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("shortlist:detail")


def _toggle_response(request: HtmxHttpRequest, company: Company) -> HttpResponse:
    if request.htmx:
        # The toggled button, plus the header count and the message out of band.
        in_results = request.POST.get("within") == "results"  # the result list's shared form
        return render(
            request,
            "members/_shortlist_toggled.html",
            {
                "company": company,
                "toggled": True,
                "next_url": _back(request),
                "in_results": in_results,
            },
        )
    return HttpResponseRedirect(_back(request))


@require_POST
def add(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(Company.objects.published(), slug=slug)
    try:
        shortlist_add(request.session, company)
    except ShortlistFull as full:
        messages.error(request, str(full))
    else:
        messages.success(request, f"{company.name} is on your shortlist.")
    return _toggle_response(request, company)


@require_POST
def remove(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    # Published ones, or one this buyer listed that has left the directory since: never a way to
    # learn an unpublished company's name or which slugs exist.
    listed = Q(status=Company.Status.PUBLISHED) | Q(pk__in=shortlist_ids(request.session))
    company = get_object_or_404(Company.objects.filter(listed), slug=slug)
    shortlist_remove(request.session, company)
    messages.success(request, f"{company.name} is off your shortlist.")
    return _toggle_response(request, company)


def _own_context(request: HttpRequest, form: ShareShortlistForm | None = None) -> dict[str, object]:
    entries, unknown = shortlist_entries(shortlist_ids(request.session))
    return {
        "entries": entries,
        "unknown_count": unknown,
        "shared": None,
        "share_form": form or ShareShortlistForm(),
        "undo_count": len(shortlist_undo_ids(request.session)),
        "permanent": remembered_shared(request.session),
        "next_url": reverse("shortlist:detail"),  # where the cards' remove buttons come back to
    }


@require_http_methods(["GET", "HEAD", "POST"])
def clear(request: HtmxHttpRequest) -> HttpResponse:
    """Without JavaScript, "Clear" asks first (this page); the answer's POST says confirm=yes.

    With htmx the button posts confirm=yes at once and gets the emptied list with an Undo button,
    which is the safety net either way.
    """
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        entries, _ = shortlist_entries(shortlist_ids(request.session))
        return render(request, "members/shortlist_clear.html", {"entries": entries})
    count = shortlist_clear(request.session)
    if count:
        messages.success(request, f"You cleared your shortlist of {_companies(count)}.")
    if request.htmx:
        context = {**_own_context(request), "just_cleared": True}
        return render(request, "members/_shortlist_cleared.html", context)
    return redirect("shortlist:detail")


@require_POST
def undo(request: HttpRequest) -> HttpResponse:
    count = shortlist_undo(request.session)
    if count:
        messages.success(request, f"{_companies(count).capitalize()} put back on your shortlist.")
    return redirect("shortlist:detail")


def _companies(count: int) -> str:
    return f"{count} compan{'y' if count == 1 else 'ies'}"


@require_safe
def detail(request: HttpRequest) -> HttpResponse:
    return render(request, "members/shortlist.html", _own_context(request))


@require_POST
@rate_limited("share")
def share(request: HttpRequest) -> HttpResponse:
    form = ShareShortlistForm(request.POST)
    if not form.is_valid():
        return render(request, "members/shortlist.html", _own_context(request, form))
    try:
        shared, created = shortlist_share(
            company_ids=shortlist_ids(request.session), **form.cleaned_data
        )
    except EmptyShortlist as empty:
        messages.error(request, str(empty))
        return redirect("shortlist:detail")
    remember_shared(request.session, shared)
    if created:
        messages.success(request, "This link will always show this list. Copy it to share.")
    else:
        made = dateformat.format(timezone.localtime(shared.created_at), "j F Y")
        messages.success(request, f"You made a permanent link of this list on {made}: here it is.")
    return redirect(shared)


def _expired(request: HttpRequest, saved: SharedShortlist) -> HttpResponse:
    """410 Gone: the list was not opened for a year; what it held is no longer shown."""
    context = {"last_visited": saved.last_visited_at, "kept_days": saved.KEPT_UNVISITED.days}
    return render(request, "members/shortlist_expired.html", context, status=410)


def _opened(request: HttpRequest, key: str) -> SharedShortlist | HttpResponse:
    """The permanent link being opened (which keeps it another year), or its 410 page."""
    saved = get_object_or_404(SharedShortlist, key=key)
    if saved.is_expired():
        return _expired(request, saved)
    saved.visit()
    return saved


@require_safe
def shared(request: HttpRequest, key: str) -> HttpResponse:
    saved = _opened(request, key)
    if isinstance(saved, HttpResponse):
        return saved
    entries, unknown = shortlist_entries(saved.company_ids, saved.snapshot)
    context = {"entries": entries, "unknown_count": unknown, "shared": saved}
    return render(request, "members/shortlist.html", context)


def _csv(request: HttpRequest, shared: SharedShortlist | None) -> StreamingHttpResponse:
    entries, _ = shortlist_entries(shared.company_ids, shared.snapshot) if shared else ([], 0)
    listed = [entry.facts.id for entry in entries if entry.listed]
    gone = [entry.facts.name for entry in entries if not entry.listed]
    link = request.build_absolute_uri(shared.get_absolute_url()) if shared else "(empty)"
    preamble = [
        [settings.SITE_NAME, "Shortlist export"],
        ["Shortlist", link],
        *([["Title", shared.title]] if shared and shared.title else []),
        *([["Note", shared.note]] if shared and shared.note else []),
        *([["Made on", _iso(shared.created_at)]] if shared else []),
        ["Exported at", _iso(timezone.now())],
        ["Companies", str(len(listed))],
        *([["No longer listed since this list was made", "; ".join(gone)]] if gone else []),
        [],
    ]
    return csv_response(
        request,
        company_ids=listed,
        preamble=preamble,
        filename_label=f"shortlist {shared.title if shared else ''}",
        snapshot=current_snapshot(),
    )


def _iso(when: datetime.datetime) -> str:
    return timezone.localtime(when).isoformat(timespec="seconds")


@require_safe
@rate_limited("export")
def export(request: HttpRequest) -> HttpResponseBase:
    """The session's list, under its permanent link (made now if need be), so that the file
    points to an address anyone can open. Making that link counts as sharing."""
    shared = remembered_shared(request.session)
    if shared is None and shortlist_ids(request.session):
        if wait := wait_seconds(request, "share"):
            return too_many(request, action="share", wait=wait)
        try:
            shared, _ = shortlist_share(company_ids=shortlist_ids(request.session))
        except EmptyShortlist:
            shared = None
        else:
            remember_shared(request.session, shared)
    return _csv(request, shared)


@require_safe
@rate_limited("export")
def shared_export(request: HttpRequest, key: str) -> HttpResponseBase:
    saved = _opened(request, key)
    return saved if isinstance(saved, HttpResponse) else _csv(request, saved)
