"""Companies as a spreadsheet: staff export them and import them back (django-import-export).

``CompanyResource`` serves the company admin's Import, Export and "Export selected", as CSV or
XLSX (members.admin_import_export). One row is one company, with these columns:

    name, slug, status, summary, description, website, contact_name, contact_email,
    contact_phone, town, postcode, region, founded_year, employee_band, companies_house_number,
    clusters, capabilities, sectors, certifications, frameworks,
    pays_real_living_wage, fair_work_first, scottish_business_pledge, supported_business

Cells
-----
- The taxonomy (region, clusters, capabilities, sectors, and the first part of each certification
  and framework) is written as slugs. An import also takes names, in any case: "Cyber Security",
  "cyber security" and "cyber-security" are the same cluster.
- A list separates its items with semicolons: ``cyber-security; data``.
- ``certifications``: ``certification | certificate number | issuer | expiry`` for each::

      cyber-essentials-plus | CE-12345 | IASME | 2027-03-31; iso-27001 | 2291 | BSI

  ``frameworks``: ``framework | lot | expiry`` for each::

      sg-cyber-security-services | Lot 2: Cyber security | 2027-03-31; ccs-g-cloud-14

  Parts left off the end are empty. Expiry dates are written 2027-03-31 (31/03/2027 is read
  too). A certificate number, issuer or lot cannot itself hold "|" or ";".
- ``status`` and ``employee_band``: the stored value (``published``, ``10-49``) or its label.
- The four commitments: ``yes`` or ``no`` (true/false and 1/0 are read too; empty is no).
- ``companies_house_number``: as registered. A spreadsheet that turned 01234567 into the number
  1234567 gets its leading zero back.

Import
------
- A row is the company with its slug, else the one with its Companies House number (then the
  slug in the file renames it), else a new company. An empty slug keeps the company's own (a new
  company's comes from its name); an empty status keeps the company's own (new: draft).
- A column left out of the file leaves that field alone. A list column that is there is the whole
  list: an empty cell clears it.
- Each row is checked by the model's own rules (field formats, the Companies House number's
  format and uniqueness, ``Company.validate_capabilities``, ``CompanyCertification.clean``) and
  by the file's (unknown taxonomy, the same company twice); each error names its column. If any
  row fails, nothing is imported: the whole file is one transaction.
- A row that changes nothing is skipped: no save, no history record, no new ``updated_at``. So
  importing an exported file, or the same file twice, changes nothing.
- Changed rows are written by ``services.company_import_save``, the whole file inside one
  ``search_batch``: search documents and facet counts follow the file as one change.

Spreadsheet safety
------------------
A cell that a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage
return, after any apostrophes) is written with one more apostrophe in front, and an import takes
one off again, so the round trip is exact.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Prefetch, Q, UniqueConstraint
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from clusters.models import Capability, Cluster, Region, Sector
from members import services
from members.models import Company, CompanyCertification, CompanyFramework, field_label
from members.search.documents import search_batch
from members.search.export import FORMULA_START

COLUMNS = (
    "name",
    "slug",
    "status",
    "summary",
    "description",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
    "town",
    "postcode",
    "region",
    "founded_year",
    "employee_band",
    "companies_house_number",
    "clusters",
    "capabilities",
    "sectors",
    "certifications",
    "frameworks",
    "pays_real_living_wage",
    "fair_work_first",
    "scottish_business_pledge",
    "supported_business",
)
LINK_COLUMNS = ("clusters", "capabilities", "sectors")
PART_COLUMNS = ("certifications", "frameworks")
LIST_COLUMNS = LINK_COLUMNS + PART_COLUMNS
# Where a company loaded for a file keeps what the database holds of each list column.
STORED = "stored_{}"

# A formula start (after any blanks), after any apostrophes: so that escaping a cell that begins
# with an apostrophe still round-trips.
FORMULA = re.compile(f"'*(?:{FORMULA_START})")
ITEM_SEPARATOR = re.compile(r"[;\n]")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def escape_cell(text: str) -> str:
    """The cell as a spreadsheet must show it: as text, never as a formula."""
    return "'" + text if FORMULA.match(text) else text


def unescape_cell(value: object) -> object:
    """What ``escape_cell`` was given."""
    if isinstance(value, str) and value.startswith("'") and FORMULA.match(value[1:]):
        return value[1:]
    return value


def with_stored_lists(queryset: models.QuerySet[Company]) -> models.QuerySet[Company]:
    """Companies with every list column, in a fixed number of queries however many rows."""
    return queryset.select_related("region").prefetch_related(
        Prefetch("clusters", to_attr=STORED.format("clusters")),
        Prefetch(
            "capabilities",
            queryset=Capability.objects.select_related("cluster"),
            to_attr=STORED.format("capabilities"),
        ),
        Prefetch("sectors", to_attr=STORED.format("sectors")),
        Prefetch(
            "certifications",
            queryset=CompanyCertification.objects.select_related("certification"),
            to_attr=STORED.format("certifications"),
        ),
        Prefetch(
            "frameworks",
            queryset=CompanyFramework.objects.select_related("framework"),
            to_attr=STORED.format("frameworks"),
        ),
    )


def _pending(company: Company) -> dict[str, list[Any]]:
    """The list columns a row sets, kept aside until the row is saved through the services."""
    pending: dict[str, list[Any]] | None = company.__dict__.get("_import_pending")
    if pending is None:
        pending = company.__dict__["_import_pending"] = {}
    return pending


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _same(a: object, b: object) -> bool:
    """Equal, line endings aside: XLSX keeps "\\n" where a browser sent "\\r\\n"."""
    if isinstance(a, str) and isinstance(b, str):
        return a.replace("\r\n", "\n") == b.replace("\r\n", "\n")
    return a == b


class Vocabulary:
    """The taxonomy a file may name, read once per import: by slug, or by name, in any case."""

    def __init__(self) -> None:
        self._tables: dict[type[models.Model], tuple[dict[str, Any], dict[str, list[Any]]]] = {}

    def find(self, model: type[models.Model], text: str) -> Any:
        by_slug, by_name = self._table(model)
        key = text.casefold()
        found = by_slug.get(key) or by_slug.get(key.replace(" ", "-"))
        if found is not None:
            return found
        named = by_name.get(key, [])
        if len(named) == 1:
            return named[0]
        noun = model._meta.verbose_name
        if named:
            slugs = ", ".join(item.slug for item in named)
            raise ValueError(f'"{text}" names more than one {noun}: give the slug ({slugs}).')
        raise ValueError(f'There is no {noun} "{text}": give a slug or name from the taxonomy.')

    def _table(self, model: type[models.Model]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
        if model not in self._tables:
            rows: models.QuerySet[Any] = model._default_manager.all()
            if model is Capability:
                rows = rows.select_related("cluster")  # named in the capability rule's message
            by_slug: dict[str, Any] = {}
            by_name: dict[str, list[Any]] = {}
            for item in rows:
                by_slug[item.slug.casefold()] = item
                by_name.setdefault(item.name.casefold(), []).append(item)
            self._tables[model] = (by_slug, by_name)
        return self._tables[model]


# Widgets: one cell <-> one value --------------------------------------------------------------


class Text(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        return _text(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class Choice(Text):
    """A choice by its stored value or its label, in any case."""

    def __init__(self, choices: type[models.TextChoices]) -> None:
        super().__init__()
        self.choices = choices

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = _text(value).casefold()
        if not text:
            return ""
        for choice in self.choices:
            if text in (choice.value.casefold(), str(choice.label).casefold()):
                return choice.value
        raise ValueError(f"Use one of: {', '.join(self.choices.values)}.")


class YesNo(Text):
    YES = frozenset({"yes", "y", "true", "1"})
    NO = frozenset({"no", "n", "false", "0", ""})

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = _text(value).casefold()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError('Write "yes" or "no".')

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "yes" if value else "no"


class Year(Text):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, int | float) and int(value) == value:  # an XLSX number
            return int(value)
        text = _text(value)
        if not text:
            return None
        if not text.isdigit():
            raise ValueError("Enter a year, such as 2015.")
        return int(text)


class CompaniesHouseNumber(Text):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, int | float) and int(value) == value:  # a spreadsheet dropped a 0
            return f"{int(value):08d}"
        return _text(value).upper()  # as Company.save stores it, so a comparison sees no change


class Reference(Text):
    """One taxonomy row: written as its slug, read from a slug or a name."""

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__()
        self.model = model
        self.vocabulary = Vocabulary()  # the resource gives every widget its own, shared one

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = _text(value)
        return self.vocabulary.find(self.model, text) if text else None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.slug if value is not None else ""


def _items(value: object) -> Iterator[str]:
    for item in ITEM_SEPARATOR.split(_text(value)):
        if item.strip():
            yield item.strip()


class References(Reference):
    """Several taxonomy rows: ``cyber-security; data``."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        found: dict[int, Any] = {}
        problems = []
        for item in _items(value):
            try:
                target = self.vocabulary.find(self.model, item)
            except ValueError as error:
                problems.append(str(error))
            else:
                found.setdefault(target.pk, target)
        if problems:
            raise ValueError(" ".join(problems))
        return list(found.values())

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "; ".join(item.slug for item in value or ())


class Parts(Reference):
    """Certifications or framework places: ``target | detail... | expiry; ...``."""

    def __init__(
        self,
        model: type[CompanyCertification | CompanyFramework],
        target: str,
        details: tuple[str, ...],
        key_details: tuple[str, ...] = (),
    ) -> None:
        super().__init__(model._meta.get_field(target).related_model)  # type: ignore[arg-type]
        self.part_model = model
        self.target = target
        self.details = details
        self.key_details = key_details  # besides the target, what tells two parts apart
        self.layout = " | ".join([target, *details, "expiry"]).replace("_", " ")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        parts: list[Any] = []
        problems = []
        for item in _items(value):
            try:
                parts.append(self._part(item))
            except ValueError as error:
                problems.append(str(error))
        seen = set()
        for part in parts:
            if self.key(part) in seen:
                problems.append(f'"{self._describe(part)}" is listed twice.')
            seen.add(self.key(part))
        if problems:
            raise ValueError(" ".join(problems))
        return parts

    def _part(self, item: str) -> Any:
        cells = [cell.strip() for cell in item.split("|")]
        width = len(self.details) + 2
        if len(cells) > width:
            raise ValueError(f'"{item}" has more than {width} parts: write {self.layout}.')
        cells += [""] * (width - len(cells))
        return self.part_model(
            **{self.target: self.vocabulary.find(self.model, cells[0])},
            **dict(zip(self.details, cells[1:-1], strict=True)),
            valid_until=_date(cells[-1]),
        )

    def key(self, part: Any) -> tuple[Any, ...]:
        return (getattr(part, f"{self.target}_id"), *(getattr(part, n) for n in self.key_details))

    def values(self, part: Any) -> tuple[Any, ...]:
        return (self.key(part), *(getattr(part, name) for name in self.details), part.valid_until)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "; ".join(self._describe(part) for part in value or ())

    def _describe(self, part: Any) -> str:
        expiry = part.valid_until.isoformat() if part.valid_until else ""
        cells = [getattr(part, self.target).slug, *(getattr(part, n) for n in self.details), expiry]
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        return " | ".join(cells)

    def changes(self, stored: Sequence[Any], wanted: Sequence[Any]) -> tuple[list[Any], list[Any]]:
        """The parts to save (new or changed copies of stored ones) and the ones to delete."""
        stored_by_key = {self.key(part): part for part in stored}
        save = []
        for part in wanted:
            current = stored_by_key.pop(self.key(part), None)
            if current is None:
                save.append(part)
            elif self.values(current) != self.values(part):
                changed = copy.copy(current)
                for name in (*self.details, "valid_until"):
                    setattr(changed, name, getattr(part, name))
                save.append(changed)
        return save, list(stored_by_key.values())

    def errors(self, parts: Iterable[Any]) -> list[str]:
        """The model's own rules (lengths, CompanyCertification.clean's expiry rule)."""
        messages = []
        for part in parts:
            try:
                # The target came from the taxonomy: checking it again is a query per part.
                # The cell names each part once (this widget's clean) and a stored part is
                # changed in place, so the one-per-company constraints hold.
                part.full_clean(
                    exclude=["company", self.target],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                name = str(getattr(part, self.target))
                for field, field_messages in error.message_dict.items():
                    label = "" if field == NON_FIELD_ERRORS else field_label(self.part_model, field)
                    messages += [
                        m if name in m else f"{name}, {label}: {m}" if label else f"{name}: {m}"
                        for m in field_messages
                    ]
        return messages


def _date(text: str) -> datetime.date | None:
    if not text:
        return None
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    raise ValueError(f'"{text}" is not a date: write it as 2027-03-31.')


# Columns: one cell <-> one field of the company ---------------------------------------------


class Column(fields.Field):
    """A column named as the company's field it reads and writes."""

    def __init__(self, name: str, widget: widgets.Widget, keep_when_empty: bool = False) -> None:
        super().__init__(attribute=name, column_name=name, widget=widget)
        self.keep_when_empty = keep_when_empty

    def save(self, instance: Any, row: Any, is_m2m: bool = False, **kwargs: Any) -> None:
        value = self.clean(row, **kwargs)
        if value == "" and self.keep_when_empty:
            return
        if not _same(value, getattr(instance, self.attribute)):
            setattr(instance, self.attribute, value)

    def differs(self, original: Company, instance: Company) -> bool:
        return self.get_value(original) != self.get_value(instance)


class ListColumn(Column):
    """Clusters, capabilities, sectors, certifications, frameworks: set aside on import (the
    service saves them with the company), read from what was loaded with the company."""

    def save(self, instance: Any, row: Any, is_m2m: bool = False, **kwargs: Any) -> None:
        _pending(instance)[self.attribute] = self.clean(row, **kwargs)

    def get_value(self, instance: Any) -> Any:
        return self.wanted(instance)

    def wanted(self, instance: Company) -> list[Any]:
        """What the row sets, else what the company has."""
        pending = _pending(instance)
        return pending[self.attribute] if self.attribute in pending else self.stored(instance)

    def stored(self, instance: Company) -> list[Any]:
        stored = getattr(instance, STORED.format(self.attribute), None)
        if stored is not None:
            return stored
        if instance.pk is None:
            return []
        manager = getattr(instance, self.attribute)
        return list(manager.all())

    def differs(self, original: Company, instance: Company) -> bool:
        if self.attribute not in _pending(instance):
            return False
        wanted = self.wanted(instance)
        if isinstance(self.widget, Parts):
            return {self.widget.values(p) for p in self.stored(original)} != {
                self.widget.values(p) for p in wanted
            }
        return {item.pk for item in self.stored(original)} != {item.pk for item in wanted}


class CompanyLoader(BaseInstanceLoader):
    """Finds each row's company, by slug or else Companies House number, with its lists: every
    company a file names in a few queries per 500 rows."""

    CHUNK = 500

    def __init__(self, resource: CompanyResource, dataset: tablib.Dataset | None = None) -> None:
        super().__init__(resource, dataset)
        self.by_slug: dict[str, Company] = {}
        self.by_number: dict[str, Company] = {}
        rows = dataset.dict if dataset is not None and dataset.headers else []
        wanted = [value for row in rows for value in self._keys(row) if value]
        for start in range(0, len(wanted), self.CHUNK):
            chunk = wanted[start : start + self.CHUNK]
            found = Company.objects.filter(Q(slug__in=chunk) | Q(companies_house_number__in=chunk))
            for company in with_stored_lists(found):
                self.by_slug[company.slug] = company
                if company.companies_house_number:
                    self.by_number[company.companies_house_number] = company

    def get_instance(self, row: Any) -> Company | None:
        slug, number = self._keys(row)
        return self.by_slug.get(slug) or self.by_number.get(number)

    def _keys(self, row: Any) -> tuple[str, str]:
        """The row's slug and Companies House number, as the columns read them ("" if none)."""
        number = self.resource.fields["companies_house_number"].widget.clean(
            row.get("companies_house_number")
        )
        return _text(row.get("slug")), number


class CompanyResource(resources.ModelResource):
    name = Column("name", Text())
    slug = Column("slug", Text(), keep_when_empty=True)
    status = Column("status", Choice(Company.Status), keep_when_empty=True)
    summary = Column("summary", Text())
    description = Column("description", Text())
    website = Column("website", Text())
    contact_name = Column("contact_name", Text())
    contact_email = Column("contact_email", Text())
    contact_phone = Column("contact_phone", Text())
    town = Column("town", Text())
    postcode = Column("postcode", Text())
    region = Column("region", Reference(Region))
    founded_year = Column("founded_year", Year())
    employee_band = Column("employee_band", Choice(Company.EmployeeBand))
    companies_house_number = Column("companies_house_number", CompaniesHouseNumber())
    clusters = ListColumn("clusters", References(Cluster))
    capabilities = ListColumn("capabilities", References(Capability))
    sectors = ListColumn("sectors", References(Sector))
    certifications = ListColumn(
        "certifications",
        Parts(CompanyCertification, "certification", ("certificate_number", "issuer")),
    )
    frameworks = ListColumn(
        "frameworks", Parts(CompanyFramework, "framework", ("lot",), key_details=("lot",))
    )
    pays_real_living_wage = Column("pays_real_living_wage", YesNo())
    fair_work_first = Column("fair_work_first", YesNo())
    scottish_business_pledge = Column("scottish_business_pledge", YesNo())
    supported_business = Column("supported_business", YesNo())

    class Meta:
        model = Company
        fields = COLUMNS
        import_order = COLUMNS
        export_order = COLUMNS
        instance_loader_class = CompanyLoader
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        chunk_size = 1000  # rows an export reads at a time (one query per list column each)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        vocabulary = Vocabulary()
        for field in self.fields.values():
            if isinstance(field.widget, Reference):
                field.widget.vocabulary = vocabulary
        self.seen: dict[str, set[str]] = {}

    # Export -----------------------------------------------------------------------------------

    def filter_export(self, queryset: Any, **kwargs: Any) -> Any:
        return with_stored_lists(queryset)

    def export_field(self, field: fields.Field, instance: Any, **kwargs: Any) -> str:
        return escape_cell(str(super().export_field(field, instance, **kwargs)))

    # Import -----------------------------------------------------------------------------------

    def import_data(
        self,
        dataset: tablib.Dataset,
        dry_run: bool = False,
        raise_errors: bool = False,
        use_transactions: bool | None = None,
        collect_failed_rows: bool = False,
        rollback_on_validation_errors: bool = False,
        **kwargs: Any,
    ) -> Any:
        # All or nothing, whoever calls: one transaction, rolled back when any row is refused.
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )

    def import_data_inner(
        self,
        dataset: tablib.Dataset,
        dry_run: bool,
        raise_errors: bool,
        using_transactions: bool,
        collect_failed_rows: bool,
        **kwargs: Any,
    ) -> Any:
        with search_batch() as batch:
            before = set(batch.company_ids)
            result = super().import_data_inner(
                dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
            )
            if dry_run or result.has_errors() or result.has_validation_errors():
                # All of it is about to be rolled back: nothing for search to follow.
                batch.company_ids &= before
        return result

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        """Column names in any case; blank lines dropped; spreadsheet escapes taken off."""
        self.seen = {"slug": set(), "companies_house_number": set()}
        dataset.headers = [_text(header).lower() for header in dataset.headers or ()]
        unknown = [header for header in dataset.headers if header and header not in COLUMNS]
        if unknown:
            del dataset[0 : len(dataset)]  # a misspelt column would be ignored: import nothing
            raise ValueError(
                f"The file has columns this import does not know: {', '.join(unknown)}. "
                f"The columns are: {', '.join(COLUMNS)}."
            )
        for _ in range(len(dataset)):
            row = dataset.lpop()
            if any(_text(cell) for cell in row):
                dataset.append([unescape_cell(cell) for cell in row])

    def get_instance(self, instance_loader: CompanyLoader, row: Any) -> Company | None:
        return instance_loader.get_instance(row)  # not by import_id_fields: by slug, else number

    def init_instance(self, row: Any = None) -> Company:
        company = Company()
        for column in LIST_COLUMNS:
            setattr(company, STORED.format(column), [])
        return company

    def import_instance(self, instance: Company, row: Any, **kwargs: Any) -> None:
        errors: dict[str, list[Any]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if instance._state.adding and not instance.slug and instance.name:
            instance.slug = services.unique_slug(instance.name)
        for name, seen in self.seen.items():
            value = getattr(instance, name)
            if value in seen:
                label = field_label(Company, name)
                errors.setdefault(name, []).append(
                    ValidationError(f"Another row of this file has the same {label}, {value}.")
                )
            if value:
                seen.add(value)
        if errors:
            raise ValidationError(errors)

    def skip_row(
        self,
        instance: Company,
        original: Company,
        row: Any,
        import_validation_errors: Any = None,
    ) -> bool:
        if import_validation_errors or instance._state.adding:
            return False
        return not any(
            field.differs(original, instance)
            for field in self.get_import_fields()
            if field.column_name in row
        )

    def validate_instance(
        self,
        instance: Company,
        import_validation_errors: dict[str, Any] | None = None,
        validate_unique: bool = True,
    ) -> None:
        """The model's rules, each error under the column it is about."""
        errors = dict(import_validation_errors or {})
        # What no column sets was valid when saved; checking it again costs queries.
        not_columns = [f.name for f in Company._meta.concrete_fields if f.name not in COLUMNS]
        try:
            instance.full_clean(
                exclude=[*errors, *not_columns, "region"],  # the region came from the taxonomy
                validate_unique=validate_unique,
                validate_constraints=False,  # the unique ones below, under their column
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for column, messages in self._rule_errors(instance, skip=set(errors)).items():
            errors.setdefault(column, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def _rule_errors(self, instance: Company, skip: set[str]) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for constraint in Company._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.fields:
                column = constraint.fields[0]
                try:
                    constraint.validate(Company, instance, exclude=skip)
                except ValidationError as error:
                    errors.setdefault(column, []).extend(error.messages)
        pending = _pending(instance)
        clusters = self.fields["clusters"].wanted(instance)
        if not clusters and ("clusters" in pending or instance._state.adding):
            errors.setdefault("clusters", []).append("Give at least one cluster.")
        links = {"clusters", "capabilities"}
        if not (skip & links) and (pending.keys() & links):
            try:
                Company.validate_capabilities(
                    clusters, self.fields["capabilities"].wanted(instance)
                )
            except ValidationError as error:
                for column, messages in error.message_dict.items():
                    errors.setdefault(column, []).extend(messages)
        for column in PART_COLUMNS:
            if column in pending:
                save, _ = self._part_changes(instance, column)
                messages = self.fields[column].widget.errors(save)
                if messages:
                    errors.setdefault(column, []).extend(messages)
        return errors

    def _part_changes(self, instance: Company, column: str) -> tuple[list[Any], list[Any]]:
        field = self.fields[column]
        return field.widget.changes(field.stored(instance), field.wanted(instance))

    def save_instance(self, instance: Company, is_create: bool, row: Any, **kwargs: Any) -> None:
        pending = _pending(instance)
        save: list[Any] = []
        delete: list[Any] = []
        for column in PART_COLUMNS:
            if column in pending:
                column_save, column_delete = self._part_changes(instance, column)
                save += column_save
                delete += column_delete
        services.company_import_save(
            company=instance,
            clusters=pending.get("clusters"),
            capabilities=pending.get("capabilities"),
            sectors=pending.get("sectors"),
            save=save,
            delete=delete,
        )

    def save_m2m(self, instance: Company, row: Any, **kwargs: Any) -> None:
        """Nothing left: the service saved the links with the company."""

    def after_import(self, dataset: tablib.Dataset, result: Any, **kwargs: Any) -> None:
        """Nothing: ModelResource resets id sequences here, for files that carry ids (ours never
        do, and PostgreSQL's setval would escape a dry run's rollback)."""
