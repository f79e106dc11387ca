"""``tcx notifications digest``: e-mail each person the daily digest of their notifications;
``tcx notifications deadlines``: run every app's registered deadline check (a request's deadline
near or passed). Both idempotent: a scheduler may run them as often as it likes; nobody is told
or e-mailed twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tcx.notifications import registry, services


class Command(BaseCommand):
    help = (
        "Notifications: digest (e-mail the daily digest; retries e-mails that failed), "
        "deadlines (tell of deadlines near or passed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("task", choices=["digest", "deadlines"])

    def handle(self, *args: Any, task: str, **options: Any) -> None:
        if task == "deadlines":
            for name, check in registry.deadline_checks().items():
                done = check()
                self.stdout.write(f"{name}: " + ", ".join(f"{v} {k}" for k, v in done.items()))
            return
        counts = services.digest_send()
        self.stdout.write(
            f"{counts['digests']} digest(s) with {counts['notifications']} notification(s) sent; "
            f"{counts['failed']} failed (retried next run)."
        )
        if counts["failed"]:
            raise SystemExit(1)
