"""Every write that spans models: the one way the site changes a company or the taxonomy.

Each function is keyword-only and atomic, and keeps search current by saying what it touched
(``search_batch``, members.search.documents): the search documents are rewritten inside the
transaction, and after commit the directory's search version advances once per logical change.
Callers that make several writes one change (the admin saving a company with its inlines, an
import, the demo loader) open an outer ``search_batch`` around them.

No signal receivers do this work behind the caller's back. The exception is simple-history's own
receivers, which record parts (case studies, certifications, frameworks) and deletions; for a
company's own saves ``company_save`` writes the one history record itself.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import re
import secrets
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Value
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from clusters.taxonomy import load_taxonomy
from members import emails
from members.logos import delete_after_commit
from members.models import (
    COMPANY_HISTORY,
    CaseStudy,
    Company,
    CompanyCertification,
    CompanyFramework,
    CompanyMembership,
    Invitation,
    LinkRows,
    SearchSynonym,
    User,
    field_label,
)
from members.search.documents import (
    SearchBatch,
    follow_expiries,
    rebuild_everything,
    search_batch,
)
from members.search.synonym_data import load_synonyms

LINK_FIELDS = ("clusters", "capabilities", "sectors")
CompanyPart = CaseStudy | CompanyCertification | CompanyFramework
TaxonomyItem = Cluster | Capability | Region | Certification | Framework | Sector


# Companies ----------------------------------------------------------------------------------


def company_save(
    *,
    company: Company,
    clusters: Iterable[Cluster] | None = None,
    capabilities: Iterable[Capability] | None = None,
    sectors: Iterable[Sector] | None = None,
) -> Company:
    """Save a new or changed company with these clusters, capabilities and sectors.

    ``None`` leaves that field as it is. Raises ValidationError when a capability lies outside
    the company's clusters. Writes one history record holding the fields and the links. A logo
    replaced by a new file (``members.logos.prepare_logo``) or cleared is deleted from storage
    once the change has committed.
    """
    clusters = None if clusters is None else list(clusters)
    capabilities = None if capabilities is None else list(capabilities)
    wanted = {
        "clusters": _unique(clusters),
        "capabilities": _unique(capabilities),
        "sectors": _unique(sectors),
    }
    with transaction.atomic(), search_batch() as batch:
        created = company._state.adding
        current = {} if created else _read_links(company.pk)
        _check_capabilities(clusters, capabilities, current)
        replaced_logo = "" if created else _logo_replaced_by(company)
        company.skip_history_when_saving = True  # type: ignore[attr-defined]
        try:
            company.save()  # writes a new logo's file to storage
        finally:
            del company.skip_history_when_saving  # type: ignore[attr-defined]
        if replaced_logo and replaced_logo != company.logo.name:
            delete_after_commit(company.logo.storage, replaced_logo)
        links = _write_links(company, wanted, current)
        COMPANY_HISTORY.record(company, "+" if created else "~", links)
        batch.add(company.pk)
    return company


def _logo_replaced_by(company: Company) -> str:
    """The stored logo this save stops using: a new file replaces it, or it was cleared.

    A logo left alone (or set back to a stored name, as a history revert does) replaces nothing,
    and costs no query. The row stays locked until commit, so two members replacing the same
    logo at once cannot both delete the one file and leave the other's new file unreferenced.
    """
    if company.logo and company.logo._committed:  # type: ignore[attr-defined]
        return ""
    stored = (
        Company.objects.select_for_update()
        .filter(pk=company.pk)
        .values_list("logo", flat=True)
        .first()
    )
    return stored or ""


def company_delete(*, company: Company) -> None:
    with transaction.atomic(), search_batch() as batch:
        batch.add_deleted(company.pk)
        logo, storage = company.logo.name, company.logo.storage
        company.delete()
        delete_after_commit(storage, logo)


def company_part_save(*, part: CompanyPart) -> None:
    """Save a case study, certification or framework place of a company."""
    with transaction.atomic(), search_batch() as batch:
        part.save()
        _touch(batch, part.company_id)


def company_part_delete(*, part: CompanyPart) -> None:
    with transaction.atomic(), search_batch() as batch:
        company_id = part.company_id
        part.delete()
        _touch(batch, company_id)


def company_import_save(
    *,
    company: Company,
    clusters: Iterable[Cluster] | None = None,
    capabilities: Iterable[Capability] | None = None,
    sectors: Iterable[Sector] | None = None,
    save: Iterable[CompanyCertification | CompanyFramework] = (),
    delete: Iterable[CompanyCertification | CompanyFramework] = (),
) -> Company:
    """One changed row of a staff import (members.resources): the company with its links, then
    the certifications and framework places it adds or changes (``save``) and drops (``delete``).

    The importer wraps the whole file in one ``search_batch``, so search follows the file as one
    change; each company gets one history record, each part its own.
    """
    with transaction.atomic(), search_batch():
        company_save(company=company, clusters=clusters, capabilities=capabilities, sectors=sectors)
        for part in delete:  # first, so a framework place moved to another lot never clashes
            company_part_delete(part=part)
        for part in save:
            part.company = company
            company_part_save(part=part)
    return company


def _touch(batch: SearchBatch, company_id: int) -> None:
    """A part changed: the company counts as updated (unless it was saved in this change)."""
    if company_id not in batch.company_ids:
        Company.objects.filter(pk=company_id).update(updated_at=timezone.now())
        batch.add(company_id)


def _unique(objects: Iterable[models.Model] | None) -> list[int] | None:
    return None if objects is None else list(dict.fromkeys(obj.pk for obj in objects))


def _through(name: str) -> tuple[type[models.Model], str]:
    field = Company._meta.get_field(name)
    return field.remote_field.through, f"{field.m2m_reverse_field_name()}_id"  # type: ignore[union-attr]


def _read_links(company_id: int) -> LinkRows:
    """The company's link rows of every many-to-many field, in one query."""
    queries = []
    for name in LINK_FIELDS:
        through, target = _through(name)
        queries.append(
            through._default_manager.filter(company_id=company_id)
            .annotate(field_name=Value(name))
            .values_list("field_name", "pk", target)
        )
    links: LinkRows = {name: [] for name in LINK_FIELDS}
    for name, link_id, target_id in queries[0].union(*queries[1:], all=True):
        links[name].append((link_id, target_id))
    return links


def _check_capabilities(
    clusters: list[Cluster] | None, capabilities: list[Capability] | None, current: LinkRows
) -> None:
    """Capabilities must lie in the company's clusters; reads only what the caller left out."""
    if clusters is None and capabilities is None:
        return
    if clusters is None:
        clusters = [Cluster(pk=pk) for _, pk in current.get("clusters", [])]
    if capabilities is None:
        ids = [pk for _, pk in current.get("capabilities", [])]
        capabilities = list(Capability.objects.filter(pk__in=ids)) if ids else []
    Company.validate_capabilities(clusters, capabilities)


def _write_links(
    company: Company, wanted: dict[str, list[int] | None], current: LinkRows
) -> LinkRows:
    """Make each given field's links exactly the wanted ones: one delete, one insert at most."""
    links: LinkRows = {}
    for name in LINK_FIELDS:
        have = current.get(name, [])
        want = wanted[name]
        if want is None:
            links[name] = have
            continue
        want_set = set(want)
        have_targets = {pk for _, pk in have}
        kept = [(link_id, pk) for link_id, pk in have if pk in want_set]
        dropped = [link_id for link_id, pk in have if pk not in want_set]
        through, target = _through(name)
        if dropped:
            through._default_manager.filter(pk__in=dropped).delete()
        added = [pk for pk in want if pk not in have_targets]
        if added:
            rows = through._default_manager.bulk_create(
                [through(company_id=company.pk, **{target: pk}) for pk in added]
            )
            kept += [(row.pk, pk) for row, pk in zip(rows, added, strict=True)]
        links[name] = kept
    return links


# The taxonomy and the search vocabulary ---------------------------------------------------------


class TaxonomyRefused(Exception):
    """A taxonomy change that would lose companies' data; the message says what to do instead."""


def taxonomy_item_save(*, item: TaxonomyItem) -> None:
    """Save a cluster, capability or reference-list entry; search follows the change.

    A new name, slug, cluster or (de)activation changes what its companies' cards, documents and
    facet memberships say, so those companies are rewritten too.
    """
    with transaction.atomic(), search_batch() as batch:
        followed = _SEARCHED_FIELDS.get(type(item), ("name", "slug", "is_active"))
        changed = not item._state.adding and (
            type(item)
            ._default_manager.filter(pk=item.pk)
            .exclude(**{name: getattr(item, name) for name in followed})
            .exists()
        )
        item.save()
        batch.taxonomy = True
        if changed:
            batch.add(*_search_holders(item))


# What a search document or a facet membership reads of each kind (the rest is display only).
_SEARCHED_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Capability: ("name", "slug", "is_active", "cluster_id"),
    Framework: ("name", "slug", "is_active", "owner"),
}


def taxonomy_item_delete(*, item: TaxonomyItem) -> None:
    """Delete an entry nobody uses; TaxonomyRefused when a company (or capability) still does."""
    taxonomy_items_delete(items=[item])


def taxonomy_items_delete(*, items: Sequence[TaxonomyItem]) -> None:
    """Delete all of these entries or, when any is still in use, none of them."""
    with transaction.atomic(), search_batch() as batch:
        refusals = [refusal for item in items if (refusal := taxonomy_item_in_use(item=item))]
        if refusals:
            raise TaxonomyRefused(" ".join(refusals))
        for item in items:
            item.delete()
        batch.taxonomy = True


def taxonomy_item_in_use(*, item: TaxonomyItem) -> str:
    """Why this entry cannot be deleted ("... is held by 12 companies: ..."), or "" when unused."""
    if item.pk is None:
        return ""
    companies = len(_holders(item))
    uses = [_count(companies, "company", "companies")] if companies else []
    if isinstance(item, Cluster):
        capabilities = item.capabilities.count()
        if capabilities:
            uses.append(_count(capabilities, "capability", "capabilities"))
    if not uses:
        return ""
    verb = "has" if isinstance(item, Cluster) else _USED_AS.get(type(item), "is used by")
    return f"{item.name} {verb} {' and '.join(uses)}: deactivate it instead."


_USED_AS: dict[type[models.Model], str] = {
    Capability: "is held by",
    Certification: "is held by",
    Framework: "is used by",
    Region: "is the region of",
    Sector: "is served by",
}


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _holders(item: TaxonomyItem) -> list[int]:
    """The companies (any status) that hold, serve or sit in this entry."""
    rows: models.QuerySet
    if isinstance(item, Certification):
        rows = item.holders.values_list("company_id", flat=True)
    elif isinstance(item, Framework):
        rows = item.suppliers.values_list("company_id", flat=True)
    else:
        rows = item.companies.values_list("pk", flat=True)
    return sorted(set(rows))


def _search_holders(item: TaxonomyItem) -> list[int]:
    """The companies whose search documents and facet memberships name this entry: for a
    certification, also the holders of those that include it (they are found under it)."""
    if not isinstance(item, Certification) or item.pk is None:
        return _holders(item)
    including = Certification.objects.satisfying([item])
    return sorted(
        set(
            CompanyCertification.objects.filter(certification__in=including).values_list(
                "company_id", flat=True
            )
        )
    )


def certification_inclusions_set(
    *, certification: Certification, includes: Iterable[Certification]
) -> None:
    """Declare the certifications that holding ``certification`` also satisfies.

    Its holders, and the holders of every certification that includes it, are then found under
    the included ones too: their search documents and facet memberships are rewritten. Raises
    ValidationError when it would include itself.
    """
    wanted = {item.pk for item in includes}
    if certification.pk in wanted:
        raise ValidationError(
            {"satisfies": f"{certification.name} cannot include itself."}, code="includes_self"
        )
    with transaction.atomic(), search_batch() as batch:
        current = set(certification.satisfies.values_list("pk", flat=True))
        if wanted == current:
            return
        certification.satisfies.set(wanted)
        batch.taxonomy = True
        # Who includes this certification does not depend on what it includes, so the holders
        # found under the old inclusions are the same companies as under the new.
        batch.add(*_search_holders(certification))


def capability_merge(*, source: Capability, target: Capability) -> int:
    """Move every company holding ``source`` to ``target``, then deactivate ``source``.

    All or nothing, in one transaction and one search change. A moved company joins the target's
    cluster when it was not in it (capabilities must lie in the company's clusters), and each
    company's change is in its history. ``source`` is kept, deactivated, so history still names
    it. Returns how many companies moved; TaxonomyRefused when the merge makes no sense.
    """
    if source.pk == target.pk:
        raise TaxonomyRefused(f"{source.name} cannot be merged into itself.")
    with transaction.atomic(), search_batch() as batch:
        # Locked, so that a merge and a deactivation of the target cannot cross.
        list(Capability.objects.select_for_update().filter(pk__in=[source.pk, target.pk]))
        target = Capability.objects.select_related("cluster").get(pk=target.pk)
        if not (target.is_active and target.cluster.is_active):
            why = "" if not target.is_active else f" with its cluster, {target.cluster.name}"
            raise TaxonomyRefused(
                f"{target.name} is deactivated{why}: merge into an active capability, "
                "or reactivate it first."
            )
        holders = Company.objects.filter(capabilities=source).prefetch_related(
            "clusters", "capabilities"
        )
        moved = 0
        for company in holders:
            clusters = list(company.clusters.all())
            if target.cluster_id not in {cluster.pk for cluster in clusters}:
                clusters.append(target.cluster)
            capabilities = [c for c in company.capabilities.all() if c.pk != source.pk]
            company_save(company=company, clusters=clusters, capabilities=[*capabilities, target])
            moved += 1
        source.is_active = False
        source.save(update_fields=["is_active"])
        batch.taxonomy = True
    return moved


def taxonomy_load() -> Counter[str]:
    """Load clusters.reference_data and the search synonyms (members.search.synonym_data): what
    is missing is created, the rest left as staff keep it.

    Returns how many taxonomy entries were ``created``, ``updated`` and ``unchanged``, and how
    many ``synonyms`` were created.
    """
    with transaction.atomic(), search_batch() as batch:
        outcomes = load_taxonomy()
        batch.taxonomy = bool(outcomes["created"])
        outcomes["synonyms"] = load_synonyms()
        batch.synonyms = batch.synonyms or bool(outcomes["synonyms"])
    return outcomes


def synonym_save(*, synonym: SearchSynonym) -> None:
    with transaction.atomic(), search_batch() as batch:
        synonym.save()
        batch.synonyms = True


def synonym_delete(*, synonym: SearchSynonym) -> None:
    with transaction.atomic(), search_batch() as batch:
        synonym.delete()
        batch.synonyms = True


def search_expiries_follow() -> int:
    """Once a day: search stops finding companies by certificates and framework places that have
    expired since (members.search.documents.follow_expiries). Each process's facet index calls
    it when the day turns, and gunicorn when a worker starts; returns how many were rewritten."""
    return follow_expiries()


def search_rebuild() -> None:
    """Every search document and the vocabulary from scratch (after bulk loads or repairs)."""
    rebuild_everything()


# The member area ------------------------------------------------------------------------------


class EditConflict(Exception):
    """Someone else saved the company since this form was opened; nothing was saved."""

    def __init__(self, changes: list[str]) -> None:
        super().__init__("; ".join(changes))
        self.changes = changes


def company_version(company: Company) -> str:
    """What a form remembers of the company it was opened on (its last change, to the µs)."""
    return company.updated_at.isoformat()


@contextmanager
def unchanged_since(company: Company, version: str) -> Iterator[None]:
    """Lock the company row and refuse when it changed since ``version`` (no lost updates)."""
    with transaction.atomic(), search_batch():
        current = Company.objects.select_for_update().only("updated_at").get(pk=company.pk)
        if company_version(current) != version:
            raise EditConflict(changes_since(company, version))
        yield


def changes_since(company: Company, version: str) -> list[str]:
    """Who changed what since ``version``, from the history: 'Alex changed summary at 14:02'."""
    try:
        since = datetime.datetime.fromisoformat(version)
    except ValueError:
        since = None
    records = company.history.select_related("history_user").order_by("history_date")
    if since is not None:
        records = records.filter(history_date__gt=since)
    changes = []
    for record in records[:MAX_CHANGES_SHOWN]:
        who = record.history_user.get_full_name() if record.history_user else "Someone"
        when = timezone.localtime(record.history_date).strftime("%-d %B %Y at %H:%M")
        fields = _changed_fields(record)
        what = ", ".join(fields) if fields else "the profile"
        changes.append(f"{who} changed {what} on {when}")
    return changes or ["The profile, or one of its certifications, frameworks or case studies"]


MAX_CHANGES_SHOWN = 5


def _changed_fields(record: Any) -> list[str]:
    previous = record.prev_record
    if previous is None:
        return []
    delta = record.diff_against(previous, excluded_fields=["updated_at"])
    return [field_label(Company, change.field) for change in delta.changes]


def company_member_save(
    *,
    company: Company,
    version: str,
    clusters: Iterable[Cluster],
    capabilities: Iterable[Capability],
    sectors: Iterable[Sector],
) -> Company:
    """A member's edit of their profile: refused with EditConflict if someone saved since.

    Marks the company as changed by a member, for the staff review queue."""
    with unchanged_since(company, version):
        company.member_changed_at = timezone.now()
        return company_save(
            company=company, clusters=clusters, capabilities=capabilities, sectors=sectors
        )


def company_parts_save(
    *,
    company: Company,
    version: str,
    save: Iterable[CompanyPart],
    delete: Iterable[CompanyPart],
) -> None:
    """A member's edit of a list of parts (certifications, ...), all or nothing, one change."""
    with unchanged_since(company, version):
        for part in delete:
            company_part_delete(part=part)
        for part in save:
            company_part_save(part=part)
        Company.objects.filter(pk=company.pk).update(member_changed_at=timezone.now())


def company_confirm(*, company: Company) -> Company:
    """The member says the profile is still correct: the date buyers see as last confirmed."""
    company.last_confirmed_at = timezone.now()
    return company_save(company=company)


# Invitations --------------------------------------------------------------------------------

INVITATION_LIFETIME = datetime.timedelta(days=7)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(
    *,
    company: Company,
    email: str,
    role: str,
    invited_by: User | None,
    link_base: str,
) -> Invitation:
    """Invite someone to edit a company; the link (a token stored only hashed) is emailed.

    ``link_base`` is the site's address (scheme and host) the link in the email starts with.
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=User.objects.normalize_email(email).lower(),
            company=company,
            role=role,
            token_hash=token_hash(token),
            expires_at=timezone.now() + INVITATION_LIFETIME,
            invited_by=invited_by,
        )
        link = link_base.rstrip("/") + reverse("area:invitation", kwargs={"token": token})
        # Only once the invitation is saved for good: never a link that leads nowhere.
        transaction.on_commit(partial(emails.send_invitation, invitation, link))
    return invitation


class InvitationUnusable(Exception):
    """The link is unknown (mistyped or tampered), already used, or expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "unknown", "used" or "expired"


def invitation_for(token: str, *, lock: bool = False) -> Invitation:
    """The usable invitation a link's token stands for; InvitationUnusable otherwise."""
    queryset = Invitation.objects.select_related("company")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.accepted_at is not None:
        raise InvitationUnusable("used")
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable("expired")
    return invitation


def invitation_accept(*, token: str, user: User) -> CompanyMembership:
    """Add the user to the company (or raise their role); the link can never be used again."""
    with transaction.atomic():
        invitation = invitation_for(token, lock=True)
        membership, created = CompanyMembership.objects.get_or_create(
            user=user, company=invitation.company, defaults={"role": invitation.role}
        )
        if not created and invitation.role == CompanyMembership.Role.OWNER:
            membership.role = CompanyMembership.Role.OWNER
            membership.save(update_fields=["role"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        return membership


def account_create_and_accept(
    *, token: str, full_name: str, password: str
) -> tuple[User, CompanyMembership]:
    """A new account for the invited address, and the invitation accepted, in one go."""
    with transaction.atomic():
        invitation = invitation_for(token, lock=True)
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name
        )
        return user, invitation_accept(token=token, user=user)


class LastOwner(Exception):
    """A company always keeps at least one owner."""


def membership_remove(*, membership: CompanyMembership) -> None:
    with transaction.atomic():
        owners = CompanyMembership.objects.select_for_update().filter(
            company_id=membership.company_id, role=CompanyMembership.Role.OWNER
        )
        if membership.role == CompanyMembership.Role.OWNER and owners.count() <= 1:
            raise LastOwner(f"{membership.user} is the last owner of {membership.company}.")
        membership.delete()


# Applications to be listed ------------------------------------------------------------------


def company_apply(
    *,
    company: Company,
    clusters: Iterable[Cluster],
    capabilities: Iterable[Capability],
    applicant_email: str,
    link_base: str,
) -> Company:
    """A company asks to be listed: saved as pending, flagged if it may repeat a listed one,
    and staff are emailed."""
    company.status = Company.Status.PENDING
    company.applicant_email = applicant_email
    company.slug = unique_slug(company.name)
    company.possible_duplicate_of = probable_duplicate(company)
    with transaction.atomic():
        company_save(company=company, clusters=clusters, capabilities=capabilities)
        review = link_base.rstrip("/") + reverse("admin:members_company_change", args=[company.pk])
        transaction.on_commit(partial(emails.send_application_to_staff, company, review))
    return company


def unique_slug(name: str) -> str:
    base = slugify(name)[:180] or "company"
    slug, number = base, 1
    while Company.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


SIMILAR_NAME = 0.8  # difflib's ratio of the names without legal words ("Ltd", "Limited", ...)


def probable_duplicate(company: Company) -> Company | None:
    """A company already in the directory with a very similar name. (The same Companies House
    number cannot be saved twice; the application form says so.)

    One rule decides on both databases: the names' ratio once legal words are set aside. On
    PostgreSQL the trigram index first narrows 100,000 names to a few candidates.
    """
    others = Company.objects.exclude(pk=company.pk) if company.pk else Company.objects.all()
    if connection.vendor == "postgresql":
        others = (  # "%" (trigram_similar) is what the index serves; its threshold is 0.3
            others.filter(name__trigram_similar=company.name)
            .annotate(similarity=TrigramSimilarity("name", company.name))
            .order_by("-similarity")[:50]
        )
    wanted = _comparable_name(company.name)
    best, best_ratio = None, SIMILAR_NAME
    for other in others.only("pk", "name"):
        ratio = difflib.SequenceMatcher(None, wanted, _comparable_name(other.name)).ratio()
        if ratio >= best_ratio:
            best, best_ratio = other, ratio
    return best


LEGAL_WORDS = re.compile(r"\b(ltd|limited|plc|llp|group|uk|scotland)\b\.?", re.IGNORECASE)


def _comparable_name(name: str) -> str:
    return " ".join(LEGAL_WORDS.sub(" ", name.casefold()).split())


def application_approve(*, company: Company, link_base: str, approved_by: User) -> Invitation:
    """Staff approve an application: the company is published and the applicant invited to
    own it."""
    with transaction.atomic():
        company.status = Company.Status.PUBLISHED
        company_save(company=company)
        return invitation_create(
            company=company,
            email=company.applicant_email or company.contact_email,
            role=CompanyMembership.Role.OWNER,
            invited_by=approved_by,
            link_base=link_base,
        )


def application_reject(*, company: Company, reason: str) -> None:
    """Staff turn an application down: it is archived and the applicant told why, by email."""
    with transaction.atomic():
        company.status = Company.Status.ARCHIVED
        company._change_reason = "Application rejected"  # type: ignore[attr-defined]
        company_save(company=company)
        email = company.applicant_email or company.contact_email
        if email:
            transaction.on_commit(partial(emails.send_rejection, company, email, reason))


# Staff curation -----------------------------------------------------------------------------


def publish_refusal(company: Company) -> str | None:
    """Why this company cannot be published as it stands, or None when it can."""
    if company.status == Company.Status.PUBLISHED:
        return "it is already published"
    if not company.capabilities.exists():
        return "it has no capabilities: buyers could not find it"
    if not company.contact_email:
        return "it has no contact email: buyers could not reach it"
    return None


def owner_invitation_refusal(company: Company) -> str | None:
    """Why staff should not invite the company's contact as its owner now, or None."""
    email = User.objects.normalize_email(company.contact_email).lower()
    if not email:
        return "it has no contact email"
    owners = company.memberships.filter(role=CompanyMembership.Role.OWNER)
    if owners.filter(user__email=email).exists():
        return f"{email} already owns it"
    still_open = (
        company.invitations.filter(email=email, accepted_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )
    if still_open:
        return f"the invitation to {email} is open until {still_open.expires_at:%-d %B %Y}"
    return None


def company_set_status(*, company: Company, status: str) -> Company:
    company.status = status
    return company_save(company=company)


def company_mark_verified(*, company: Company, by: User) -> Company:
    """Staff checked the whole profile: verified now, by them, and the member changes reviewed."""
    now = timezone.now()
    company.last_verified_at, company.last_verified_by, company.reviewed_at = now, by, now
    return company_save(company=company)


def company_mark_reviewed(*, company: Company) -> Company:
    """Staff looked at what the members changed and let it stand."""
    company.reviewed_at = timezone.now()
    return company_save(company=company)


# What a revert puts back: what the company says about itself. Staff bookkeeping (verification,
# review, confirmation, reminders), the slug (published links) and the timestamps stay current.
NOT_REVERTED = {
    "id",
    "slug",
    "created_at",
    "updated_at",
    "last_verified_at",
    "last_verified_by",
    "last_confirmed_at",
    "member_changed_at",
    "reviewed_at",
    "reminder_sent_at",
}
REVERTED_FIELDS = [
    field.name for field in Company._meta.concrete_fields if field.name not in NOT_REVERTED
]
PART_MODELS: tuple[type[CompanyPart], ...] = (CompanyCertification, CompanyFramework, CaseStudy)


class NothingToRevertTo(Exception):
    """The company has no recorded version at that point."""


def company_revert(*, company: Company, as_of: datetime.datetime) -> Company:
    """Put the company back as it was at ``as_of``: its fields, clusters, capabilities and
    sectors, and its certifications, frameworks and case studies, in one change.

    Entries deleted from the taxonomy since are left out; a logo whose file is gone stays as it
    is now. Raises NothingToRevertTo, or ValidationError when the old version no longer fits
    (e.g. its Companies House number now belongs to another company). Marks the company reviewed.
    """
    record = (
        company.history.filter(history_date__lte=as_of).order_by("-history_date", "-pk").first()
    )
    if record is None:
        raise NothingToRevertTo(f"{company} has no recorded version before {as_of:%-d %B %Y}.")
    with transaction.atomic(), search_batch() as batch:
        locked = Company.objects.select_for_update().get(pk=company.pk)
        for name in REVERTED_FIELDS:
            if name != "logo":
                setattr(locked, name, getattr(record, name))
        old_logo = record.logo
        if old_logo and old_logo != locked.logo.name and locked.logo.storage.exists(old_logo):
            locked.logo.name = old_logo
        locked.reviewed_at = timezone.now()
        locked.validate_constraints()
        when = timezone.localtime(as_of).strftime("%-d %B %Y %H:%M:%S")
        locked._change_reason = f"Reverted to how it was on {when}"  # type: ignore[attr-defined]
        company_save(
            company=locked,
            clusters=_existing_link_targets(record, "clusters", Cluster),
            capabilities=_existing_link_targets(record, "capabilities", Capability),
            sectors=_existing_link_targets(record, "sectors", Sector),
        )
        for model in PART_MODELS:
            _revert_parts(model, locked.pk, as_of)
        batch.add(locked.pk)
    return locked


def _existing_link_targets[T: models.Model](record: Any, name: str, model: type[T]) -> list[T]:
    """The clusters (capabilities, sectors) a history record holds that still exist."""
    target = Company._meta.get_field(name).m2m_reverse_field_name()  # type: ignore[union-attr]
    ids = list(getattr(record, name).values_list(target, flat=True))
    return list(model._default_manager.filter(pk__in=ids))


def _revert_parts(model: type[CompanyPart], company_id: int, as_of: datetime.datetime) -> None:
    history = model.history
    then = {part.pk: part for part in history.as_of(as_of).filter(company_id=company_id)}
    now = {part.pk: part for part in model._default_manager.filter(company_id=company_id)}
    # Deletions first: a part re-added since holds the unique (company, certification) slot.
    for pk, part in now.items():
        if pk not in then:
            company_part_delete(part=part)
    for pk, part in then.items():
        current = now.get(pk)
        if current is None or _part_values(current) != _part_values(part):
            company_part_save(part=part)


def _part_values(part: models.Model) -> dict[str, Any]:
    return {field.attname: getattr(part, field.attname) for field in part._meta.concrete_fields}


def member_changes_began(company: Company) -> datetime.datetime | None:
    """When the company's members first changed it since staff last reviewed it."""
    member_ids = list(company.memberships.values_list("user_id", flat=True))
    if not member_ids:
        return None
    since = company.reviewed_at
    histories = [company.history.all()] + [
        model.history.filter(company_id=company.pk) for model in PART_MODELS
    ]
    firsts = []
    for records in histories:
        records = records.filter(history_user_id__in=member_ids)
        if since is not None:
            records = records.filter(history_date__gt=since)
        first = records.order_by("history_date").values_list("history_date", flat=True).first()
        if first is not None:
            firsts.append(first)
    return min(firsts, default=None)


def company_revert_member_changes(*, company: Company) -> Company:
    """Undo what members changed since the last staff review (the review queue's revert)."""
    began = member_changes_began(company)
    if began is None:
        raise NothingToRevertTo(f"No member change to {company} is waiting for review.")
    return company_revert(company=company, as_of=began - datetime.timedelta(microseconds=1))
