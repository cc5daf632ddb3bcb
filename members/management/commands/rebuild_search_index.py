from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from members.services import search_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every published company's search document and the spelling vocabulary, "
        "and tell running processes to rebuild their facet indexes (in the background)."
    )

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        search_rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"Search index rebuilt in {time.monotonic() - started:.1f} s.")
        )
