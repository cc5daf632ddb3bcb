"""A buyer's shortlist: kept in the session (no account needed), shareable by a permanent link."""

from __future__ import annotations

import secrets

from django.contrib.sessions.backends.base import SessionBase

from members.models import Company, SharedShortlist

SESSION_KEY = "shortlist"
MAX_COMPANIES = 50


class ShortlistFull(Exception):
    pass


def shortlist_ids(session: SessionBase) -> list[int]:
    raw = session.get(SESSION_KEY, [])
    return [int(pk) for pk in raw if isinstance(pk, int)] if isinstance(raw, list) else []


def shortlist_add(session: SessionBase, company: Company) -> None:
    ids = shortlist_ids(session)
    if company.pk in ids:
        return
    if len(ids) >= MAX_COMPANIES:
        raise ShortlistFull(f"A shortlist holds at most {MAX_COMPANIES} companies.")
    session[SESSION_KEY] = [*ids, company.pk]


def shortlist_remove(session: SessionBase, company: Company) -> None:
    session[SESSION_KEY] = [pk for pk in shortlist_ids(session) if pk != company.pk]


def shortlist_clear(session: SessionBase) -> None:
    session[SESSION_KEY] = []


def shortlist_share(*, company_ids: list[int]) -> SharedShortlist:
    """Freeze these companies under a new permanent, unguessable link."""
    return SharedShortlist.objects.create(
        key=secrets.token_urlsafe(12), company_ids=list(company_ids)[:MAX_COMPANIES]
    )
