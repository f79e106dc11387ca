from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from tcx.audit import anchors, keys, services
from tcx.audit.models import AuditEvent
from tcx.audit.registry import AuditAction


class Command(BaseCommand):
    help = (
        "Audit log tools. `tcx audit verify` checks every partition of the keyed chain, the root "
        "chain of their heads and the signed checkpoints; `tcx audit checkpoint` records the heads "
        "of the partitions in the root chain and signs it (run it from cron); `tcx audit "
        "public-key` prints the key that checks the checkpoints' signatures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="check every link of every partition and name the first broken one")
        sub.add_parser(
            "checkpoint",
            help="record the partitions' heads in the root chain and sign it outside the database",
        )
        sub.add_parser("public-key", help="print the Ed25519 public key of the checkpoints (base64)")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        if command == "verify":
            self._verify()
        elif command == "checkpoint":
            checkpoint = services.checkpoint()
            if checkpoint is None:
                self.stdout.write("the audit log is empty: nothing to checkpoint")
                return
            self.stdout.write(
                self.style.SUCCESS(
                    f"checkpoint of root event #{checkpoint['seq']} ({checkpoint['partitions']} partitions) "
                    f"written to {anchors.checkpoint_path()}"
                )
            )
        else:
            key = keys.load_key()
            if key is None:
                raise CommandError(f"this node has no audit key yet ({keys.key_path()})")
            self.stdout.write(f"ed25519:{keys.public_key_text(key)} (key id {keys.key_id(key)})")

    def _verify(self) -> None:
        total = AuditEvent.objects.count()
        with tqdm(total=total, unit="event", disable=total < 10000 or None) as bar:
            result = services.verify(progress=bar.update)
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if not result.ok:
            raise CommandError(
                f"audit chain BROKEN in partition {result.broken_partition} at event #{result.broken_seq}: "
                f"{result.reason} ({result.checked} events before it verified)"
            )
        services.record(
            action=AuditAction.AUDIT_VERIFIED,
            data={"checked": result.checked, "legacy": result.legacy, "checkpoints": result.checkpoints},
        )
        services.checkpoint()
        parts = [f"audit chain OK: {result.checked} events in {result.partitions} partitions verified"]
        if result.legacy:
            parts.append(f"{result.legacy} legacy events hashed before the key (see the warning)")
        if result.keyed_from:
            parts.append(f"the legacy chain keyed from event #{result.keyed_from}")
        if result.anchored_to:
            parts.append(
                f"{result.checkpoints} signed checkpoints matched, the newest at root event "
                f"#{result.anchored_to}"
            )
        if result.unanchored:
            parts.append(
                f"{result.unanchored} newer events were not recorded in the root chain yet "
                "(a checkpoint now records them)"
            )
        self.stdout.write(self.style.SUCCESS("; ".join(parts)))
