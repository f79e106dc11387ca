"""``tcx roadmap load-plan FILE`` and ``tcx roadmap notify``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tcx.roadmap import notify, planfile
from tcx.roadmap.services import RoadmapError


class Command(BaseCommand):
    help = "The SOMTC/AMMTC roadmap: load a plan file, send due-date reminders."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-plan", help="load a plan of action (JSON, see tcx/roadmap/README.md)")
        load.add_argument("file", type=Path)
        sub.add_parser("notify", help="create the reminders due now (idempotent)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load-plan":
            path: Path = options["file"]
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                plan = planfile.plan_load(actor=None, raw=path.read_bytes())
            except RoadmapError as exc:
                lines = "\n".join(f"  {where}: {message}" for where, message in exc.errors.items())
                raise CommandError(f"{path}: nothing loaded:\n{lines}") from None
            lines_count = sum(c.action_lines.count() for c in plan.components.all())
            self.stdout.write(
                f"loaded {plan.code}: {plan.components.count()} components, {lines_count} action lines"
            )
        else:
            sent = notify.reminders_send()
            for reminder in sent:
                self.stdout.write(f"{reminder.kind}: {reminder.action_line.code} due {reminder.due_on}")
            self.stdout.write(f"{len(sent)} reminder(s) sent")
