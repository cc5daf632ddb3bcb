from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from members.facets import mark_directory_changed
from members.search import rebuild_search_index


class Command(BaseCommand):
    help = (
        "Recompute every company's full-text search document and the spelling-suggestion "
        "vocabulary, and tell running processes to rebuild their facet counts."
    )

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        rebuild_search_index()
        mark_directory_changed()
        self.stdout.write(
            self.style.SUCCESS(f"Search index rebuilt in {time.monotonic() - started:.1f} s.")
        )
