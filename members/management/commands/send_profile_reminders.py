from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import URLValidator

from members.reminders import REMINDER_INTERVAL, ReminderResult, profile_reminders_send


class Command(BaseCommand):
    help = (
        "Email the owners of published profiles that the member has not confirmed for "
        "--older-than-days days, or that hold certificates expired or expiring within 60 days: "
        "one email per company, never more than one every 30 days, safe to run from cron on "
        "several hosts at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=365,
            help="Remind profiles last confirmed longer ago than this (default 365).",
        )
        parser.add_argument(
            "--site-url",
            default="",
            help="The site's address the links start with (default: the SITE_URL setting).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would be emailed, and send nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["older_than_days"]
        if days < 1:
            raise CommandError("--older-than-days must be 1 or more.")
        site_url = options["site_url"] or settings.SITE_URL
        try:
            URLValidator(schemes=["http", "https"])(site_url)
        except ValidationError:
            raise CommandError(
                "Give the site's address for the links in the emails: --site-url "
                "https://directory.example, or the SITE_URL setting."
            ) from None
        results = profile_reminders_send(
            older_than_days=days, site_url=site_url, dry_run=options["dry_run"]
        )
        for result in results:
            self._report(result)
        self.stdout.write(self._summary(results, dry_run=options["dry_run"]))
        failed = sum(result.outcome == "failed" for result in results)
        if failed:  # a non-zero exit, so cron's mail or the monitoring says so
            raise CommandError(f"{failed} reminder{'' if failed == 1 else 's'} could not be sent.")

    def _report(self, result: ReminderResult) -> None:
        reminder = result.reminder
        name, reasons = reminder.company.name, "; ".join(reminder.reasons())
        recipients = ", ".join(reminder.recipients)
        if result.outcome == "sent":
            self.stdout.write(f"Sent: {name} to {recipients} ({reasons})")
        elif result.outcome == "would send":
            self.stdout.write(f"Would send: {name} to {recipients} ({reasons})")
        elif result.outcome == "no owner":
            self.stdout.write(f"Skipped: {name} has no owner to email ({reasons})")
        elif result.outcome == "claimed elsewhere":
            self.stdout.write(f"Skipped: {name} was reminded by another run just now")
        else:
            self.stderr.write(f"Failed: {name} to {recipients}: {result.error}")

    def _summary(self, results: list[ReminderResult], *, dry_run: bool) -> str:
        counts = Counter(result.outcome for result in results)
        sent = counts["would send"] if dry_run else counts["sent"]
        parts = [
            f"{'Dry run, nothing sent: would send' if dry_run else 'Sent'} "
            f"{sent} reminder{'' if sent == 1 else 's'}",
            f"{counts['no owner']} without an owner",
        ]
        if counts["claimed elsewhere"]:
            parts.append(f"{counts['claimed elsewhere']} reminded by another run")
        if counts["failed"]:
            parts.append(f"{counts['failed']} failed (to be retried on the next run)")
        interval = REMINDER_INTERVAL.days
        return f"{'; '.join(parts)}. Each company is reminded at most every {interval} days."
