from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from members.models import SharedShortlist

DATABASE_SESSIONS = "django.contrib.sessions.backends.db"


class Command(BaseCommand):
    help = (
        "Remove what has expired: permanent shortlist links nobody opened for a year, and "
        "sessions past their expiry (Django's clearsessions: buyers' shortlists, sign-ins). "
        "Run it daily from cron; safe on several hosts at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be removed; remove nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now, dry_run = timezone.now(), options["dry_run"]
        shares = SharedShortlist.objects.expired(now)
        share_count = shares.count()
        # Sessions in the database are counted here; other engines expire them on their own.
        sessions = Session.objects.filter(expire_date__lt=now)
        in_database = settings.SESSION_ENGINE == DATABASE_SESSIONS
        session_count = sessions.count() if in_database else 0
        if not dry_run:
            shares.delete()
            call_command("clearsessions")
        verb = "Would remove" if dry_run else "Removed"
        unvisited_since = timezone.localdate(now - SharedShortlist.KEPT_UNVISITED)
        self.stdout.write(
            f"{verb} {share_count} shortlist link{'' if share_count == 1 else 's'} "
            f"not opened since {unvisited_since:%Y-%m-%d}."
        )
        if in_database:
            self.stdout.write(
                f"{verb} {session_count} expired session{'' if session_count == 1 else 's'}."
            )
        else:
            self.stdout.write(
                f"Sessions are kept by {settings.SESSION_ENGINE}, which expires them."
            )
