"""A buyer's shortlist: kept in the session (no account needed), shareable by a permanent link.

A permanent link keeps each company's key facts as they were on the day (``CompanyFacts``), so a
company that leaves the directory later is still named on it, and marked, rather than dropped.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import Company, SharedShortlist

SESSION_KEY = "shortlist"
UNDO_KEY = "shortlist_undo"  # the list as it was before "Clear", until undone or changed again
SHARED_KEY = "shortlist_shared"  # the permanent link last made of the list: {"key", "ids"}
MAX_COMPANIES = 50


class ShortlistFull(Exception):
    pass


class EmptyShortlist(Exception):
    pass


def _ids(raw: object) -> list[int]:
    return [pk for pk in raw if type(pk) is int] if isinstance(raw, list) else []


def shortlist_ids(session: SessionBase) -> list[int]:
    return _ids(session.get(SESSION_KEY, []))


def shortlist_add(session: SessionBase, company: Company) -> None:
    ids = shortlist_ids(session)
    if company.pk in ids:
        return
    if len(ids) >= MAX_COMPANIES:
        raise ShortlistFull(f"A shortlist holds at most {MAX_COMPANIES} companies.")
    session[SESSION_KEY] = [*ids, company.pk]
    session.pop(UNDO_KEY, None)  # undo puts back the list as it was; this one has moved on


def shortlist_remove(session: SessionBase, company: Company) -> None:
    session[SESSION_KEY] = [pk for pk in shortlist_ids(session) if pk != company.pk]
    session.pop(UNDO_KEY, None)


def shortlist_clear(session: SessionBase) -> int:
    """Empty the list, keeping it for ``shortlist_undo``; how many companies it held."""
    ids = shortlist_ids(session)
    if ids:
        session[UNDO_KEY] = ids
    session[SESSION_KEY] = []
    return len(ids)


def shortlist_undo_ids(session: SessionBase) -> list[int]:
    return _ids(session.get(UNDO_KEY, []))


def shortlist_undo(session: SessionBase) -> int:
    """Put back the list that "Clear" emptied; how many companies came back."""
    previous = shortlist_undo_ids(session)
    current = shortlist_ids(session)
    session[SESSION_KEY] = list(dict.fromkeys([*previous, *current]))[:MAX_COMPANIES]
    session.pop(UNDO_KEY, None)
    return len(previous)


@dataclasses.dataclass(frozen=True)
class HeldCertificate:
    name: str
    valid_until: datetime.date | None = None
    certificate_number: str = ""
    register_url: str = ""


@dataclasses.dataclass(frozen=True)
class FrameworkPlace:
    name: str
    lot: str = ""
    valid_until: datetime.date | None = None


@dataclasses.dataclass(frozen=True)
class CompanyFacts:
    """What a shortlist shows of one company, and what a permanent link records of it.

    No contact person: a record that outlives the listing keeps the business, not its people.
    """

    id: int
    name: str
    slug: str = ""
    summary: str = ""
    size: str = ""
    is_sme: bool = False
    region: str = ""
    town: str = ""
    companies_house_number: str = ""
    capabilities: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    certifications: tuple[HeldCertificate, ...] = ()
    frameworks: tuple[FrameworkPlace, ...] = ()
    case_studies: tuple[str, ...] = ()
    commitments: tuple[str, ...] = ()
    last_verified: datetime.date | None = None
    due_for_review: bool = True

    @classmethod
    def of(cls, company: Company) -> CompanyFacts:
        """From a company loaded ``with_profile_data()`` (no further queries)."""
        verified = company.last_verified_at
        return cls(
            id=company.pk,
            name=company.name,
            slug=company.slug,
            summary=company.summary,
            size=company.get_employee_band_display(),
            is_sme=company.is_sme,
            region=company.region.name if company.region and company.region.is_active else "",
            town=company.town,
            companies_house_number=company.companies_house_number,
            capabilities=tuple(c.name for c in company.capabilities.all()),
            sectors=tuple(s.name for s in company.sectors.all()),
            certifications=tuple(
                HeldCertificate(
                    held.certification.name,
                    held.valid_until,
                    held.certificate_number,
                    held.certification.register_url,
                )
                for held in company.current_certifications  # type: ignore[attr-defined]
            ),
            frameworks=tuple(
                FrameworkPlace(listing.framework.name, listing.lot, listing.valid_until)
                for listing in company.current_frameworks  # type: ignore[attr-defined]
            ),
            case_studies=tuple(study.title for study in company.case_studies.all()),
            commitments=tuple(company.commitments),
            last_verified=timezone.localtime(verified).date() if verified else None,
            due_for_review=company.verification_is_stale,
        )

    def to_json(self) -> dict[str, Any]:
        return json.loads(json.dumps(dataclasses.asdict(self), default=str))

    @classmethod
    def from_json(cls, data: object) -> CompanyFacts | None:
        """The facts a permanent link recorded; None for anything this code did not write."""
        if not isinstance(data, dict) or type(data.get("id")) is not int:
            return None
        try:
            return cls(
                **{
                    **_plain(data, cls),
                    "certifications": tuple(
                        HeldCertificate(**_plain(cert, HeldCertificate))
                        for cert in data.get("certifications", ())
                    ),
                    "frameworks": tuple(
                        FrameworkPlace(**_plain(place, FrameworkPlace))
                        for place in data.get("frameworks", ())
                    ),
                }
            )
        except (TypeError, ValueError):
            return None


DATE_FIELDS = {"valid_until", "last_verified"}


def _plain(data: dict[str, Any], cls: type) -> dict[str, Any]:
    """The fields of ``cls`` found in ``data``: dates parsed, lists made tuples."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if field.name not in data:
            continue
        value = data[field.name]
        if field.name in DATE_FIELDS and value is not None:
            value = datetime.date.fromisoformat(value)
        elif isinstance(value, list):
            value = tuple(value)
        values[field.name] = value
    return values


@dataclasses.dataclass(frozen=True)
class ShortlistEntry:
    """One company on a shortlist: today's listing, or what was recorded once it has gone."""

    facts: CompanyFacts
    company: Company | None  # listed today (with profile data); None once it has left
    recorded: CompanyFacts | None = None  # as on the day a permanent link was made

    @property
    def listed(self) -> bool:
        return self.company is not None


def _profiles(company_ids: Iterable[int]) -> dict[int, Company]:
    companies = Company.objects.published().with_profile_data().filter(pk__in=list(company_ids))
    return {company.pk: company for company in companies}


def shortlist_entries(
    company_ids: Sequence[int], snapshot: object = ()
) -> tuple[list[ShortlistEntry], int]:
    """The entries, in order, and how many companies could not be named at all.

    A company no longer listed is named from the snapshot, or failing that (a list made before
    snapshots, or the session's own list) from its row, which archiving keeps.
    """
    listed = _profiles(company_ids)
    recorded = {
        facts.id: facts
        for facts in map(CompanyFacts.from_json, snapshot if isinstance(snapshot, list) else ())
        if facts is not None
    }
    gone = [pk for pk in company_ids if pk not in listed and pk not in recorded]
    named = Company.objects.filter(pk__in=gone).values_list("pk", "name", "slug") if gone else []
    names = {pk: CompanyFacts(id=pk, name=name, slug=slug) for pk, name, slug in named}
    entries = []
    for pk in company_ids:
        if pk in listed:
            entries.append(
                ShortlistEntry(CompanyFacts.of(listed[pk]), listed[pk], recorded.get(pk))
            )
        elif pk in recorded:
            entries.append(ShortlistEntry(recorded[pk], None, recorded[pk]))
        elif pk in names:
            entries.append(ShortlistEntry(names[pk], None))
    return entries, len(company_ids) - len(entries)


def _fingerprint(company_ids: Iterable[int], title: str, note: str) -> str:
    """The same companies (in any order) with the same title and note: the same list."""
    text = json.dumps([sorted(company_ids), title, note], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def shortlist_share(
    *, company_ids: Sequence[int], title: str = "", note: str = ""
) -> tuple[SharedShortlist, bool]:
    """The permanent link of the listed ones among these companies, and whether it is new.

    Sharing the same companies with the same title and note again gives the link made before,
    with the facts it recorded then (unless it expired unvisited). Raises EmptyShortlist when
    none of them is listed.
    """
    title, note = " ".join(title.split()), note.strip()
    profiles = _profiles(company_ids)
    ids = [pk for pk in dict.fromkeys(company_ids) if pk in profiles][:MAX_COMPANIES]
    if not ids:
        raise EmptyShortlist("Add companies to your shortlist before sharing it.")
    fingerprint = _fingerprint(ids, title, note)
    existing = SharedShortlist.objects.filter(fingerprint=fingerprint).first()
    if existing is not None and not existing.is_expired():
        existing.visit()
        return existing, False
    try:
        with transaction.atomic():
            if existing is not None:  # expired: its link stays gone, this list gets a new one
                existing.delete()
            shared = SharedShortlist.objects.create(
                key=secrets.token_urlsafe(12),
                company_ids=ids,
                title=title,
                note=note,
                snapshot=[CompanyFacts.of(profiles[pk]).to_json() for pk in ids],
                fingerprint=fingerprint,
            )
    except IntegrityError:  # the same list, made by a request that committed first
        return SharedShortlist.objects.get(fingerprint=fingerprint), False
    return shared, True


def remember_shared(session: SessionBase, shared: SharedShortlist) -> None:
    """The session's list now has this permanent link (until the list changes)."""
    session[SHARED_KEY] = {"key": shared.key, "ids": shortlist_ids(session)}


def remembered_shared(session: SessionBase) -> SharedShortlist | None:
    """The permanent link made of the session's list as it is now, if one was."""
    remembered = session.get(SHARED_KEY)
    ids = shortlist_ids(session)
    if not ids or not isinstance(remembered, dict) or _ids(remembered.get("ids")) != ids:
        return None
    return SharedShortlist.objects.filter(key=str(remembered.get("key"))).first()
