"""The reference taxonomy as data in the database: load ``clusters.reference_data`` by slug.

Production runs this once for a new site (``manage.py seed_demo --taxonomy-only``); the demo loads
it before its fictional companies. ``save_if_different`` is also how the demo saves its rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from django.db import models, transaction

from clusters import reference_data as ref
from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector

Outcome = str  # "created", "updated" or "unchanged"


def save_if_different(
    model: type[models.Model],
    lookup: dict[str, object],
    values: dict[str, object],
    save: Callable[[models.Model], object] = lambda instance: instance.save(),
) -> tuple[models.Model, Outcome]:
    """Create the row, or update the fields that differ; save nothing when nothing differs.

    Skipping the no-op save keeps a second load from writing history rows or bumping timestamps.
    ``save`` is how a changed row is saved (the demo passes a service).
    """
    values = {name: value for name, value in values.items() if name not in lookup}
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        save(instance)
        return instance, "created"
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return instance, "unchanged"
    for name in changed:
        setattr(instance, name, values[name])
    instance.full_clean()
    save(instance)
    return instance, "updated"


def _reference_rows() -> Iterable[tuple[type[models.Model], str, dict[str, object]]]:
    for position, region in enumerate(ref.REGIONS):
        yield (
            Region,
            region.slug,
            {"name": region.name, "is_scottish": region.is_scottish, "position": position},
        )
    for position, cert in enumerate(ref.CERTIFICATIONS):
        yield (
            Certification,
            cert.slug,
            {
                "name": cert.name,
                "description": cert.description,
                "valid_for_months": cert.valid_for_months,
                "position": position,
            },
        )
    for position, framework in enumerate(ref.FRAMEWORKS):
        yield (
            Framework,
            framework.slug,
            {"name": framework.name, "owner": framework.owner, "position": position},
        )
    for position, sector in enumerate(ref.SECTORS):
        yield Sector, sector.slug, {"name": sector.name, "position": position}


def load_taxonomy() -> Counter[Outcome]:
    """Create or update the clusters, capabilities and reference lists, matched by slug.

    A listed slug gets the name, description and position in ``clusters.reference_data`` back, even
    if staff changed them since; rows staff added are left alone, and nothing is deleted.
    """
    outcomes: Counter[Outcome] = Counter()
    with transaction.atomic():
        for position, data in enumerate(ref.CLUSTERS):
            cluster, outcome = save_if_different(
                Cluster,
                {"slug": data.slug},
                {
                    "name": data.name,
                    "summary": data.summary,
                    "description": data.description,
                    "position": position,
                },
            )
            outcomes[outcome] += 1
            for cap_position, cap in enumerate(data.capabilities):
                _, outcome = save_if_different(
                    Capability,
                    {"slug": cap.slug},
                    {
                        "cluster_id": cluster.pk,
                        "name": cap.name,
                        "description": cap.description,
                        "position": cap_position,
                    },
                )
                outcomes[outcome] += 1
        for model, slug, values in _reference_rows():
            outcomes[save_if_different(model, {"slug": slug}, values)[1]] += 1
    return outcomes
