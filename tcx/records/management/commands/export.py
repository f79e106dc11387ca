from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tcx.accounts.selectors import user_by_username
from tcx.records.exporting import FORMATS, export_records


class Command(BaseCommand):
    help = "Export the records USER may see, with their policy metadata, as FtM JSON lines or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as", dest="username", required=True)
        parser.add_argument("--format", choices=FORMATS, default="jsonl")
        parser.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")
        parser.add_argument("--owned", action="store_true", help="only the records of USER's agency")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = user_by_username(username=options["username"])
        if actor is None:
            raise CommandError(f"no user {options['username']!r}")
        lines = export_records(actor=actor, fmt=options["format"], filters={"owned": options["owned"]})
        if options["output"]:
            with options["output"].open("w", encoding="utf-8", newline="") as handle:
                handle.writelines(lines)
        else:
            sys.stdout.writelines(lines)
