from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from tcx.audit import services
from tcx.audit.models import AuditEvent
from tcx.audit.registry import AuditAction


class Command(BaseCommand):
    help = "Audit log tools. `tcx audit verify` checks the whole hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="check every link of the chain and name the first broken one")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            total = AuditEvent.objects.count()
            with tqdm(total=total, unit="event", disable=total < 10000 or None) as bar:
                result = services.verify(progress=bar.update)
            if not result.ok:
                raise CommandError(
                    f"audit chain BROKEN at event #{result.broken_seq}: {result.reason} "
                    f"({result.checked} events before it verified)"
                )
            services.record(action=AuditAction.AUDIT_VERIFIED, data={"checked": result.checked})
            self.stdout.write(self.style.SUCCESS(f"audit chain OK: {result.checked} events verified"))
