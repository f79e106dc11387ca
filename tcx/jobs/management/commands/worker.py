from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tcx.jobs import worker


class Command(BaseCommand):
    help = (
        "Run background jobs (matching, imports started on the import page, every registered kind) "
        "from the database. Start any number on any number of machines against one PostgreSQL. "
        "SIGTERM or Ctrl-C lets the running jobs finish, then stops."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run the jobs that are due, then exit")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between polls when idle")
        parser.add_argument(
            "--processes", type=int, default=1, help="worker processes on this machine (default 1)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["processes"] < 1:
            raise CommandError("--processes must be at least 1")
        if options["poll"] <= 0:
            raise CommandError("--poll must be more than 0 seconds")
        if options["processes"] > 1:
            child = ["--poll", str(options["poll"])] + (["--once"] if options["once"] else [])
            code = worker.supervise(options["processes"], child, self.stderr.write)
            if code:
                raise CommandError(f"a worker process exited with status {code}")
            return
        worker.Loop(
            poll=options["poll"], once=options["once"], say=self.stdout.write, warn=self.stderr.write
        ).run()
