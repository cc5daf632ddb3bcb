from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.demo.bulk import generate_companies
from members.services import search_rebuild

PROGRESS_EVERY = 25_000


class Command(BaseCommand):
    help = (
        "Bulk-insert N deterministic synthetic companies for benchmarks: the same --count and "
        "--seed always give the same companies, and companies an earlier run with the seed "
        "created are skipped. Loads the reference taxonomy first if the database has none. "
        "Rows are bulk-inserted, so no history records are written; the search documents and "
        "indexes are rebuilt once for the lot at the end (skip with --no-search)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="How many companies.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="Rows per INSERT (default 5000)."
        )
        parser.add_argument(
            "--no-search",
            action="store_true",
            help="Leave search alone (run manage.py rebuild_search_index later).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count, seed, batch_size = options["count"], options["seed"], options["batch_size"]
        if count < 0 or seed < 0 or batch_size < 1:
            raise CommandError("--count and --seed must be 0 or more, --batch-size 1 or more.")
        started = time.monotonic()
        self._reported = 0
        try:
            ids = generate_companies(count, seed, batch_size=batch_size, progress=self._progress)
        except LookupError as error:  # every cluster inactive or without capabilities
            raise CommandError(str(error)) from error
        if ids and not options["no_search"]:
            search_rebuild()
        skipped = count - len(ids)
        message = f"Created {len(ids):,} synthetic companies (seed {seed})"
        message += f" in {time.monotonic() - started:.1f} s"
        if skipped:
            message += f"; skipped {skipped:,} that an earlier run with this seed created"
        self.stdout.write(self.style.SUCCESS(message + "."))

    def _progress(self, done: int, total: int) -> None:
        # A line every PROGRESS_EVERY companies: enough to see it moving, not a wall of text.
        if done < total and done // PROGRESS_EVERY > self._reported:
            self._reported = done // PROGRESS_EVERY
            self.stdout.write(f"  {done:,} of {total:,}")
