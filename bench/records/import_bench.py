"""Import benchmark (issue 4): 100,000 persons from CSV with indexing, then matching, on SQLite
and on PostgreSQL; and the time from commit to hit.

    .venv/bin/python bench/records/import_bench.py --rows 100000 --db sqlite
    .venv/bin/python bench/records/import_bench.py --rows 100000 --db postgresql

Each run uses a fresh database (a temporary SQLite file, or a throw-away PostgreSQL database on
127.0.0.1:5432) and prints one JSON line of figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Phan",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Wongsawat",
    "Srisuk",
    "Boonmee",
    "Chaiyaporn",
    "Santos",
    "Reyes",
    "Cruz",
    "Tan",
    "Lim",
    "Lee",
    "Wong",
    "Ahmad",
    "Abdullah",
    "Hassan",
    "Ibrahim",
    "Sok",
    "Chan",
    "Keo",
    "Phommachanh",
    "Soukhavong",
]
GIVEN = [
    "Văn Minh",
    "Thị Lan",
    "Hùng",
    "Somchai",
    "Nattaya",
    "Prasert",
    "Kanya",
    "Maria",
    "Jose",
    "Wei Ming",
    "Siew Ling",
    "Mohd Faizal",
    "Siti Aminah",
    "Sokha",
    "Dara",
    "Bounmy",
    "Aung",
    "Kyaw Zin",
    "Thida",
    "Anong",
    "Arjun",
    "Dewi",
    "Budi",
    "Ratna",
    "Kenji",
    "Olivia",
    "Sophea",
    "Vanh",
    "Hieu",
    "Linh",
]
COUNTRIES = ["vn", "th", "ph", "my", "sg", "kh", "la", "mm", "id"]


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "name", "dob", "nationality", "passport"])
        for i in range(rows):
            name = f"{rnd.choice(FAMILY)} {rnd.choice(GIVEN)} {rnd.choice(GIVEN).split()[0]}"
            dob = f"{rnd.randint(1950, 2005)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            writer.writerow(
                [f"P{i:07d}", name, dob, rnd.choice(COUNTRIES), f"C{rnd.randint(1000000, 9999999)}"]
            )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--match-sample", type=int, default=2000, help="matching jobs to time")
    parser.add_argument("--workers", type=int, default=2, help="parsing processes (tcx import --workers)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tcx-bench-"))
    os.environ["TCX_DATA_DIR"] = str(work)
    os.environ["TCX_JOBS"] = "worker"  # import first, then time the jobs separately
    db_name = None
    if args.db == "postgresql":
        import psycopg

        db_name = f"tcx_bench_{os.getpid()}"
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db_name}"')
        os.environ["TCX_DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{db_name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcx.config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    try:
        call_command("migrate", verbosity=0)
        from tcx.testing import build_world

        world = build_world()
        from tcx.jobs import runner as jobs
        from tcx.jobs.models import Job
        from tcx.policy.rules import Policy
        from tcx.records import services
        from tcx.records.importing import import_file
        from tcx.records.models import Match, Record

        source = work / "persons.csv"
        make_csv(source, args.rows)
        mapping = {
            "id": "ref",
            "name": "name",
            "birthDate": "dob",
            "nationality": "nationality",
            "passportNumber": "passport",
        }
        load_before = Path("/proc/loadavg").read_text().split()[0]
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_before = time.process_time()
        started = time.perf_counter()
        report = import_file(
            actor=world.users["b_officer"],
            path=source,
            policy=Policy(),
            mapping=mapping,
            workers=args.workers,
        )
        import_seconds = time.perf_counter() - started
        # CPU per row: the main process (the writer; it also parses with --workers 1) and the
        # parsing processes (joined when the import ends): comparable on a machine shared with
        # other work, where wall-clock figures are not
        writer_cpu = time.process_time() - cpu_before
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        parse_cpu = (children.ru_utime + children.ru_stime) - (
            children_before.ru_utime + children_before.ru_stime
        )
        assert report.created == args.rows, report.summary

        # matching throughput on a sample of the jobs the import queued
        sample = list(
            Job.objects.filter(kind="records.match")
            .order_by("pk")
            .values_list("pk", flat=True)[: args.match_sample]
        )
        Job.objects.filter(kind="records.match").exclude(pk__in=sample).update(status="done")
        started = time.perf_counter()
        ran = jobs.run_pending()
        match_seconds = time.perf_counter() - started

        # commit to hit: agency A creates a record matching one of B's; the job runs after commit
        os.environ["TCX_JOBS"] = "inline"
        from django.conf import settings

        settings.TCX_JOBS = "inline"
        latencies = []
        for target in Record.objects.filter(owner=world.agency_b).order_by("?")[:20]:
            with transaction.atomic():
                record = services.record_create(
                    actor=world.users["a_officer"],
                    schema="Person",
                    properties=target.properties,
                    policy=Policy(),
                )
                committed = time.perf_counter()  # on_commit runs the job synchronously on exit
            hit = (
                Match.objects.filter(record_b=record).exists()
                or Match.objects.filter(record_a=record).exists()
            )
            latencies.append((time.perf_counter() - committed) * 1000)
            assert hit, "no hit for an identical record"
        figures = {
            "db": args.db,
            "rows": args.rows,
            "workers": args.workers,
            "import_records_per_s": round(args.rows / import_seconds),
            "import_seconds": round(import_seconds, 1),
            "writer_cpu_us_per_row": round(writer_cpu / args.rows * 1e6),
            "parse_cpu_us_per_row": round(parse_cpu / args.rows * 1e6),
            "load_before": load_before,
            "match_jobs": ran,
            "match_jobs_per_s": round(ran / match_seconds, 1),
            "commit_to_hit_ms_p50": round(statistics.median(latencies), 1),
            "commit_to_hit_ms_max": round(max(latencies), 1),
            "rejected_rows": len(report.errors),
        }
        print(json.dumps(figures))
        return 0
    finally:
        connection.close()
        if db_name:
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
