from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from members.demo.seed import seed_demo_companies
from members.search.documents import search_batch
from members.services import taxonomy_load


def _describe(counts: Counter[str]) -> str:
    return ", ".join(f"{counts[key]} {key}" for key in ("created", "updated", "unchanged"))


class Command(BaseCommand):
    help = (
        "Load the reference taxonomy (clusters, capabilities, regions, certifications, "
        "frameworks, sectors), the search synonyms, and about sixty fictional demo companies. "
        "Rows are matched by "
        "slug, so running it again changes nothing. Reference entries that are missing are "
        "created; existing ones are left as staff keep them (renamed, reordered or "
        "deactivated). A demo company staff have edited is put back to its demo data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--taxonomy-only",
            action="store_true",
            help="Load only the reference taxonomy, no companies (for a production database).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic(), search_batch():
            taxonomy = taxonomy_load()
            companies = None if options["taxonomy_only"] else seed_demo_companies()
        message = f"Taxonomy: {_describe(taxonomy)}. Search synonyms: {taxonomy['synonyms']} added."
        if companies is not None:
            message += f" Demo companies: {_describe(companies)}."
        self.stdout.write(self.style.SUCCESS(message))
