from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tcx.accounts import services
from tcx.organisations import selectors as org_selectors


class Command(BaseCommand):
    help = (
        "Create a person (for example each agency's first admin). The password is read from stdin or asked."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--organisation", required=True, help="the organisation's exact name or short name"
        )
        parser.add_argument("--role", required=True, help="officer, analyst, supervisor, agency_admin, ...")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["organisation"]
        matches = [o for o in org_selectors.organisation_list() if name in (o.name, o.short_name)]
        if len(matches) != 1:
            raise CommandError(
                f"no single organisation is called {name!r}; see `tcx` directory or the web UI"
            )
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the two passwords differ")
        try:
            user = services.user_create(
                actor=None,
                username=options["username"],
                password=password,
                organisation=matches[0],
                role=options["role"],
                email=options["email"],
            )
        except services.AccountError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"created {user.username} ({user.role}, {matches[0].name})"))
        # The first admin of an agency has nobody to give them an enrolment code: the node's
        # owner, who runs this command, does (shown once, only its hash is stored).
        enrolment, code = services.mfa_enrolment_code_issue(actor=None, user=user)
        self.stdout.write(
            f"one-time MFA enrolment code for {user.username}: {code} "
            f"(expires {enrolment.expires_at:%Y-%m-%d %H:%M} UTC; give it only to them)"
        )
