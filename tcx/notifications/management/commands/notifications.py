"""``tcx notifications digest``: e-mail each person the daily digest of their notifications
(idempotent: a scheduler may run it as often as it likes; nothing is e-mailed twice)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tcx.notifications import services


class Command(BaseCommand):
    help = "Notifications: digest (e-mail the daily digest; retries e-mails that failed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("task", choices=["digest"])

    def handle(self, *args: Any, task: str, **options: Any) -> None:
        counts = services.digest_send()
        self.stdout.write(
            f"{counts['digests']} digest(s) with {counts['notifications']} notification(s) sent; "
            f"{counts['failed']} failed (retried next run)."
        )
        if counts["failed"]:
            raise SystemExit(1)
