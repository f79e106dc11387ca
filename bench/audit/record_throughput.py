"""Audit write throughput: events/s of ``audit.record`` each in its own transaction.

    TCX_DATA_DIR=$(mktemp -d) .venv/bin/python bench/audit/record_throughput.py [N]
    TCX_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/tcx_bench_audit ... (a throw-away database)

Migrates the database it is given, then writes N events (default 5,000) one transaction each,
as pages and the API do, and prints events/s. Run it twice; take the better figure (shared machine).
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcx.config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from tcx.audit import services  # noqa: E402
from tcx.audit.registry import AuditAction  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    call_command("migrate", verbosity=0)
    services.record(action=AuditAction.REFERENCE_UPDATED, data={"warm": True})
    start = time.perf_counter()
    for i in range(n):
        services.record(
            action=AuditAction.RECORD_VIEWED,
            target_type="record",
            target_id=i,
            actor_label="bench",
            data={"i": i, "name": "Nguyễn Văn Minh"},
        )
    elapsed = time.perf_counter() - start
    print(f"{n} events in {elapsed:.2f} s: {n / elapsed:,.0f} events/s")


if __name__ == "__main__":
    main()
