"""A company's history as staff read it: who changed what, field by field, for the company and
its certifications, frameworks and case studies, newest first.

Built from simple-history's records in a fixed number of queries however long the history: the
records, their many-to-many rows and the names they point at are each read once.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models
from django.utils import timezone

from clusters.models import Certification, Framework, Region
from members.models import (
    COMPANY_HISTORY,
    CaseStudy,
    Company,
    CompanyCertification,
    CompanyFramework,
    User,
)
from members.services import PART_MODELS, REVERTED_FIELDS

# Bookkeeping that changes on its own (or is shown elsewhere): not listed as a change.
NOT_SHOWN = {"id", "updated_at", "created_at", "company", "reminder_sent_at"}
ACTIONS = {"+": "added", "~": "changed", "-": "removed"}


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime.datetime
    who: User | None
    what: str  # "Profile", "Certification: ISO 27001", "Case study: ..."
    action: str  # added, changed, removed
    reason: str
    changes: list[Change] = field(default_factory=list)
    version: Any = None  # the company's record current just after this change
    at: datetime.datetime | None = None  # a part's change: revert to this moment, not the record's


def company_history(company: Company) -> list[Entry]:
    """Every recorded change to the company and its parts, newest first."""
    names = _Names()
    entries = _company_entries(company, names)
    for model, describe in PARTS:
        records = list(
            model.history.filter(company_id=company.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        names.want(records)
        entries += _part_entries(records, model, describe, names)
    entries.sort(key=lambda entry: entry.when)
    version = None
    for entry in entries:  # oldest first: which company record stood after each change
        if entry.version is not None:
            version = entry.version
        else:
            entry.version, entry.at = version, entry.when
    entries.reverse()
    return entries


class _Names:
    """The names the records point at (regions, certifications, frameworks), read in bulk."""

    models: tuple[tuple[str, type[models.Model], str], ...] = (
        ("region_id", Region, "name"),
        ("certification_id", Certification, "name"),
        ("framework_id", Framework, "name"),
        ("last_verified_by_id", User, "email"),
    )

    def __init__(self) -> None:
        self.loaded: dict[str, dict[int, str]] = {}

    def want(self, records: Iterable[Any]) -> None:
        for attname, model, name_field in self.models:
            ids = {getattr(record, attname, None) for record in records} - {None}
            missing = ids - set(self.loaded.get(attname, {}))
            if missing:
                found = model._default_manager.filter(pk__in=missing).values_list("pk", name_field)
                self.loaded.setdefault(attname, {}).update(dict(found))

    def name(self, attname: str, pk: int | None) -> str:
        if pk is None:
            return ""
        return self.loaded.get(attname, {}).get(pk, f"(deleted, #{pk})")


def _company_entries(company: Company, names: _Names) -> list[Entry]:
    records = list(
        company.history.select_related("history_user").order_by("history_date", "history_id")
    )
    names.want(records)
    links = _links_of(records)
    entries: list[Entry] = []
    previous = None
    for record in records:
        changes: list[Change] = []
        if previous is not None:
            changes = _field_changes(Company, previous, record, names)
        for name, (label, target_names) in links.items():
            before = {target_names.get(pk, "?") for pk in name_ids(previous, name)}
            after = {target_names.get(pk, "?") for pk in name_ids(record, name)}
            if previous is not None and before != after:
                changes.append(Change(label, _joined(before - after), _joined(after - before)))
        entries.append(_entry(record, "Profile", changes, version=record))
        previous = record
    return entries


def name_ids(record: Any, name: str) -> set[int]:
    return set() if record is None else record._link_ids.get(name, set())


def _links_of(records: list[Any]) -> dict[str, tuple[str, dict[int, str]]]:
    """Attach each record's link ids (``_link_ids``); one query per field, one for names."""
    by_id = {record.history_id: record for record in records}
    for record in records:
        record._link_ids = {}
    labels: dict[str, tuple[str, dict[int, str]]] = {}
    for link_field, m2m_model in COMPANY_HISTORY.m2m_models.items():
        target = f"{link_field.m2m_reverse_field_name()}_id"
        ids: dict[int, set[int]] = defaultdict(set)
        rows = m2m_model.objects.filter(history_id__in=list(by_id)).values_list(
            "history_id", target
        )
        for history_id, pk in rows:
            ids[history_id].add(pk)
        for history_id, record in by_id.items():
            record._link_ids[link_field.name] = ids.get(history_id, set())
        all_ids = set().union(*ids.values()) if ids else set()
        related = link_field.related_model._default_manager.filter(pk__in=all_ids)
        labels[link_field.name] = (
            str(link_field.verbose_name).capitalize(),
            dict(related.values_list("pk", "name")),
        )
    return labels


def _part_entries(
    records: list[Any], model: type[models.Model], describe: Any, names: _Names
) -> list[Entry]:
    entries: list[Entry] = []
    previous_of: dict[int, Any] = {}
    for record in records:
        previous = previous_of.get(record.id)
        if record.history_type == "-":
            changes = []
        else:
            changes = _field_changes(model, previous, record, names)
        entries.append(_entry(record, describe(record, names), changes))
        previous_of[record.id] = record
    return entries


def _field_changes(
    model: type[models.Model], before: Any, after: Any, names: _Names
) -> list[Change]:
    changes = []
    for model_field in model._meta.concrete_fields:
        if model_field.name in NOT_SHOWN:
            continue
        old = _shown(model_field, before, names) if before is not None else ""
        new = _shown(model_field, after, names)
        if old != new:
            changes.append(Change(str(model_field.verbose_name).capitalize(), old, new))
    return changes


def _shown(model_field: models.Field, record: Any, names: _Names) -> str:
    value = getattr(record, model_field.attname)
    if isinstance(model_field, models.ForeignKey):
        if any(model_field.attname == attname for attname, *_ in _Names.models):
            return names.name(model_field.attname, value)
        return "" if value is None else f"#{value}"
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%-d %B %Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%-d %B %Y")
    return str(value)


def _joined(values: set[str]) -> str:
    return ", ".join(sorted(values))


def _entry(record: Any, what: str, changes: list[Change], version: Any = None) -> Entry:
    return Entry(
        when=record.history_date,
        who=record.history_user,
        what=what,
        action=ACTIONS.get(record.history_type, record.history_type),
        reason=record.history_change_reason or "",
        changes=changes,
        version=version,
    )


PARTS = (
    (
        CompanyCertification,
        lambda record, names: (
            "Certification: " + names.name("certification_id", record.certification_id)
        ),
    ),
    (
        CompanyFramework,
        lambda record, names: "Framework: " + names.name("framework_id", record.framework_id),
    ),
    (CaseStudy, lambda record, names: f"Case study: {record.title}"),
)


def revert_preview(company: Company, at: datetime.datetime) -> list[Change]:
    """What reverting to the moment ``at`` would change (services.company_revert): what, now,
    and after the revert."""
    version = company.history.filter(history_date__lte=at).order_by("-history_date", "-pk").first()
    if version is None:
        return []
    names = _Names()
    names.want([company, version])
    changes = [
        change
        for change in _field_changes(Company, company, version, names)
        if change.label in {_label(Company, name) for name in REVERTED_FIELDS}
    ]
    labels = _links_of([version])
    for name, (label, target_names) in labels.items():
        through = Company._meta.get_field(name)
        now_ids = set(getattr(company, name).values_list("pk", flat=True))
        then_ids = name_ids(version, name)
        if now_ids != then_ids:
            related = cast(type[models.Model], through.related_model)
            now_names = dict(
                related._default_manager.filter(pk__in=now_ids).values_list("pk", "name")
            )
            changes.append(
                Change(
                    label,
                    _joined(set(now_names.values())),
                    _joined({target_names.get(pk, "?") for pk in then_ids}),
                )
            )
    describe = dict(PARTS)
    for model in PART_MODELS:
        history = model.history
        then = {p.pk: p for p in history.as_of(at).filter(company_id=company.pk)}
        now = {p.pk: p for p in model._default_manager.filter(company_id=company.pk)}
        names.want([*then.values(), *now.values()])
        for pk in sorted(set(then) | set(now)):
            part = then.get(pk) or now[pk]
            what = describe[model](part, names)
            if pk not in then:
                changes.append(Change(what, "held", "removed"))
            elif pk not in now:
                changes.append(Change(what, "", "restored"))
            else:
                differ = _field_changes(model, now[pk], then[pk], names)
                if differ:
                    said = "; ".join(f"{c.label}: {c.new or 'empty'}" for c in differ)
                    changes.append(Change(what, "", said))
    return changes


def _label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()  # type: ignore[union-attr]
