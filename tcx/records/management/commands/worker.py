from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections, connection

from tcx.records import import_runs, jobs


class Command(BaseCommand):
    help = (
        "Run matching jobs and queued imports from the database (production: TCX_JOBS=worker). "
        "Ctrl-C stops it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run the pending jobs, then exit")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between polls when idle")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            close_old_connections()  # a long-running worker: drop broken or expired connections
            try:
                imported = import_runs.run_queued()
                if imported:
                    self.stdout.write(f"ran {imported} import(s)")
                ran = jobs.run_pending()
                if ran:
                    self.stdout.write(f"ran {ran} matching job(s)")
            except DatabaseError as exc:
                # the database restarted or the connection broke: what was running rolled back
                # and is claimed again when its lease runs out; wait, reconnect, carry on
                if options["once"]:
                    raise
                self.stderr.write(f"database unavailable ({exc.__class__.__name__}: {exc}); retrying")
                connection.close()
                time.sleep(max(options["poll"], 2.0))
                continue
            if options["once"]:
                return
            time.sleep(options["poll"])
