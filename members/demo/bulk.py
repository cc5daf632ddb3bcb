"""Bulk generation of synthetic companies for benchmarks: one COPY (or INSERT) per table.

Bulk rows bypass the services on purpose (a hundred thousand companies in about half a minute):
no history is written, and the caller refreshes search once for the lot
(``members.services.search_rebuild``), as ``manage.py generate_companies`` does.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence

from django.db import connection, models, transaction
from django.utils import timezone

from members.demo.composer import CompanyPlan, Composer, ensure_taxonomy
from members.models import CaseStudy, Company, CompanyCertification, CompanyFramework

ClusterLink = Company.clusters.through
CapabilityLink = Company.capabilities.through
SectorLink = Company.sectors.through


def generated_slug_prefix(seed: int) -> str:
    return f"gen-{seed}-"


# Columns of the rows hanging off a company, in the order ``_child_rows`` yields them.
CHILD_COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    ClusterLink: ("company_id", "cluster_id"),
    CapabilityLink: ("company_id", "capability_id"),
    SectorLink: ("company_id", "sector_id"),
    CompanyCertification: (
        "company_id", "certification_id", "certificate_number", "issuer", "valid_until",
    ),
    CompanyFramework: ("company_id", "framework_id", "lot", "valid_until"),
    CaseStudy: ("company_id", "position", "title", "client", "summary", "year", "is_public_sector"),
}  # fmt: skip


def _child_rows(pk: int, plan: CompanyPlan) -> Iterator[tuple[type[models.Model], tuple]]:
    for cluster in plan.clusters:
        yield ClusterLink, (pk, cluster.pk)
    for capability in plan.capabilities:
        yield CapabilityLink, (pk, capability.pk)
    for sector in plan.sectors:
        yield SectorLink, (pk, sector.pk)
    for c in plan.certifications:
        row = (pk, c.certification.pk, c.certificate_number, c.issuer, c.valid_until)
        yield CompanyCertification, row
    for f in plan.frameworks:
        yield CompanyFramework, (pk, f.framework.pk, f.lot, f.valid_until)
    for i, s in enumerate(plan.case_studies):
        yield CaseStudy, (pk, i, s.title, s.client, s.summary, s.year, s.is_public_sector)


def _uses_copy() -> bool:
    return connection.vendor == "postgresql"


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field.column


def _copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """PostgreSQL's COPY: about nine times faster than a multi-row INSERT for these tables."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(_column(model, name)) for name in columns)
    statement = f"COPY {table} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _write_rows(
    model: type[models.Model], columns: Sequence[str], rows: list[tuple], batch_size: int
) -> None:
    if _uses_copy():
        _copy_rows(model, columns, rows)
    else:
        objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=batch_size)


def _column_defaults(model: type[models.Model], given: Iterable[str]) -> dict[str, object]:
    """Values for the columns a COPY must fill that the plan does not (timestamps, logo)."""
    now = timezone.now()
    given = set(given)
    defaults: dict[str, object] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in given:
            continue
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        defaults[f.attname] = now if auto else f.get_default()
    return defaults


def _insert_companies(plans: Sequence[CompanyPlan], batch_size: int) -> list[int]:
    if not _uses_copy():
        companies = [Company(**plan.values) for plan in plans]
        return [c.pk for c in Company.objects.bulk_create(companies, batch_size=batch_size)]
    with connection.cursor() as cursor:
        # Take the ids from the table's own sequence, so later ORM inserts carry on after them.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Company._meta.db_table, len(plans)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    columns = list(plans[0].values)
    defaults = _column_defaults(Company, columns)
    extra = tuple(defaults.values())
    rows = (
        (pk, *(plan.values[c] for c in columns), *extra)
        for pk, plan in zip(ids, plans, strict=True)
    )
    _copy_rows(Company, ["id", *columns, *defaults], rows)
    return ids


def _bulk_insert(plans: Sequence[CompanyPlan], batch_size: int) -> list[int]:
    """Insert the companies and every row hanging off them: one statement per table."""
    ids = _insert_companies(plans, batch_size)
    rows: dict[type[models.Model], list[tuple]] = {model: [] for model in CHILD_COLUMNS}
    for pk, plan in zip(ids, plans, strict=True):
        for model, row in _child_rows(pk, plan):
            rows[model].append(row)
    for model, columns in CHILD_COLUMNS.items():
        _write_rows(model, columns, rows[model], batch_size)
    return ids


def generate_companies(
    count: int,
    seed: int,
    *,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> list[int]:
    """Bulk-insert ``count`` synthetic companies drawn from ``seed``; return the new ids.

    The same count and seed give the same companies (slugs ``gen-<seed>-<n>-...``). Companies
    that already exist from an earlier run with the seed are skipped. Bulk inserts bypass
    signals: no history rows are written and the search index is not updated here.
    """
    created: list[int] = []
    with transaction.atomic():
        taxonomy = ensure_taxonomy()
        prefix = generated_slug_prefix(seed)
        existing = set(
            Company.objects.filter(slug__startswith=prefix).values_list("slug", flat=True)
        )
        taken = Company.objects.exclude(companies_house_number="").values_list(
            "companies_house_number", flat=True
        )
        rng = random.Random(seed)  # noqa: S311
        composer = Composer(taxonomy, rng, tld="test", taken_numbers=taken)
        for start in range(0, count, batch_size):
            plans = []
            for number in range(start, min(start + batch_size, count)):
                plan = composer.compose(slug_prefix=f"{prefix}{number}-")
                if plan.slug not in existing:
                    plans.append(plan)
            created += _bulk_insert(plans, batch_size) if plans else []
            if progress:
                progress(min(start + batch_size, count), count)
    return created
