from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from tcx.web.demo import DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Migrate, seed reference data and a demo population, print the logins, and serve TCX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
        parser.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
        parser.add_argument("--no-serve", action="store_true", help="seed and print the logins, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        logins = demo_seed()
        self.stdout.write(
            self.style.SUCCESS("TCX demo data is ready.") + f" Data directory: {settings.DATA_DIR}"
        )
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.role:<20} {login.organisation}")
        if not settings.DEMO_MODE:
            self.stdout.write(
                self.style.WARNING("TCX_DEMO is not set: every account will enrol MFA at first sign-in.")
            )
        if options["no_serve"]:
            return
        self.stdout.write(f"Serving TCX at http://{options['host']}:{options['port']}/  (Ctrl-C stops it)")
        call_command(
            "runserver", f"{options['host']}:{options['port']}", use_reloader=False, use_threading=True
        )
