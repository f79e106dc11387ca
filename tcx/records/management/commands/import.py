from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from tcx.accounts.selectors import user_by_username
from tcx.matching.io import parse_mapping, read_mapping_file
from tcx.policy.rules import Policy, PolicyError
from tcx.records.importing import import_file
from tcx.records.services import RecordError


class Command(BaseCommand):
    help = (
        "Import subject records from FtM JSON lines, CSV or XLSX into the agency of --as USER. "
        "Idempotent by the file's id column; bad rows are reported and the rest imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as", dest="username", required=True, help="the officer the records are imported as"
        )
        parser.add_argument(
            "--mapping",
            help='CSV/XLSX column mapping: property=column,... or a JSON object {"property": "column"}',
        )
        parser.add_argument(
            "--mapping-file", type=Path, help="read the column mapping from this local JSON file instead"
        )
        parser.add_argument(
            "--schema", default="Person", help="schema of CSV/XLSX rows without a schema column"
        )
        parser.add_argument("--tlp", default="AMBER")
        parser.add_argument("--share-with-group", action="append", default=[], help="sharing group slug")
        parser.add_argument("--handling-code", action="append", default=[])
        parser.add_argument("--legal-basis", default="")
        parser.add_argument("--crime-area", action="append", default=[])
        parser.add_argument("--role", default="", help="subject role: suspect, victim, ...")
        parser.add_argument(
            "--workers",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="processes that parse rows while this one writes (default: up to 2; 1 parses here)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from tcx.organisations.selectors import sharing_group_list

        path: Path = options["file"]
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        if not path.exists():
            raise CommandError(f"no such file: {path}")
        actor = user_by_username(username=options["username"])
        if actor is None:
            raise CommandError(f"no user {options['username']!r}")
        groups = list(
            sharing_group_list().filter(slug__in=options["share_with_group"]).values_list("pk", flat=True)
        )
        if len(groups) != len(set(options["share_with_group"])):
            raise CommandError(f"unknown sharing group in {options['share_with_group']}")
        if options["mapping"] and options["mapping_file"]:
            raise CommandError("give --mapping or --mapping-file, not both")
        try:
            if options["mapping_file"]:
                mapping = read_mapping_file(options["mapping_file"])
            else:
                mapping = parse_mapping(options["mapping"])
        except (ValueError, OSError) as exc:
            raise CommandError(f"bad mapping: {exc}") from exc
        policy = Policy(
            tlp=options["tlp"],
            audience_groups=groups,
            handling_codes=options["handling_code"],
            legal_basis=options["legal_basis"],
        )
        with tqdm(unit="row", desc=path.name, file=sys.stderr) as bar:
            try:
                report = import_file(
                    actor=actor,
                    path=path,
                    policy=policy,
                    mapping=mapping,
                    schema=options["schema"],
                    crime_areas=options["crime_area"],
                    subject_role=options["role"],
                    progress=bar.update,
                    workers=options["workers"],
                )
            except (RecordError, PolicyError) as exc:
                raise CommandError(str(exc)) from exc
        for line, reason in report.errors:
            self.stderr.write(f"{path}:{line}: rejected: {reason}")
        for line, reason in report.warnings:
            self.stderr.write(f"{path}:{line}: warning: {reason}")
        self.stdout.write(self.style.SUCCESS(f"{path}: {report.summary}"))
