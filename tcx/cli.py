"""The ``tcx`` console command: Django's management commands with TCX settings, plus TCX's own.

``tcx screen`` runs the matching engine on files without starting Django at all; ``tcx backup`` and
``tcx restore`` are in ``tcx.ops`` (a restore configures no node: its target must be empty).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "screen":
        from tcx.matching.cli import main as screen_main

        return screen_main(argv[2:])
    if len(argv) > 1 and argv[1] in ("backup", "restore"):
        # Outside Django's command runner: a restore runs before its target node is configured.
        from tcx.ops import cli as ops_cli

        return (ops_cli.backup_main if argv[1] == "backup" else ops_cli.restore_main)(argv[2:])
    if len(argv) > 1 and argv[1] == "demo":
        os.environ.setdefault("TCX_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcx.config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"tcx: configuration error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
