from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def default_workers() -> int:
    """One gunicorn process per core: threads fill a core while a request waits on the database,
    and ``tcx worker`` and PostgreSQL need the cores too (on 2 cores, 2 processes of 4 threads
    served the mixed load of bench/load about twice as fast as 3 single-threaded ones)."""
    return os.cpu_count() or 1


class Command(BaseCommand):
    help = "Serve TCX with gunicorn (production). Run `tcx migrate` and `tcx collectstatic` first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
        parser.add_argument(
            "--threads",
            type=int,
            default=4,
            help="threads per process (default 4: a request waiting on the database lets another run)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.wsgiapp import WSGIApplication

        argv = [
            "gunicorn",
            "--config",
            "python:tcx.web.gunicorn_conf",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"] or default_workers()),
            "--threads",
            str(max(1, options["threads"])),
            "tcx.config.wsgi:application",
        ]
        import sys

        sys.argv = argv
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
