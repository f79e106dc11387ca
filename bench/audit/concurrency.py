"""Audited reads/s with concurrent worker processes on PostgreSQL, before and after partitioning.

    .venv/bin/python bench/audit/concurrency.py --before /work/main [--workers 4] [--seconds 15]
        [--agencies 1,8] [--pg postgresql://postgres@127.0.0.1:5432] [--db-prefix tcx_audit_bench]

An *audited read* is what a page or the API does for each record it shows: one transaction that
reads a row and appends its ``record.viewed`` event with ``tcx.audit.services.record``. Each run
gets a fresh database (``<prefix>_before_<n>`` / ``<prefix>_after_<n>``, dropped and created
again), migrated by the source tree it measures, with ``n`` agencies of one officer per worker;
the workers' officers are spread over the agencies (1 agency: all of them in one). The workers
are separate processes started together; each counts its committed reads for ``--seconds``.
After the run the whole chain is verified (``services.verify``) and must be intact.

``--before`` is a source tree of TCX with the single chain (the main checkout): the same
script, the same virtualenv, that tree's ``tcx`` package. "after" is the tree this script is in.
Prints one line per run and a table at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]


def _run_child(source: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, *args],
        cwd=source,
        env={**env, "PYTHONPATH": str(source)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcx.config.settings")
    import django

    django.setup()


def child_setup(agencies: int, workers: int) -> None:
    """Migrate, then make the agencies and one officer per worker; print the officers' ids."""
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tcx.accounts.models import User
    from tcx.organisations import services as org_services

    orgs = [
        org_services.organisation_ensure(
            name=f"Bench agency {i}", kind="member_state_agency", country_code="VN", short_name=f"BA{i}"
        )
        for i in range(agencies)
    ]
    ids = []
    for w in range(workers):
        user = User.objects.create(
            username=f"bench_officer_{w}", organisation=orgs[w % agencies], role="officer"
        )
        ids.append(user.pk)
    print(json.dumps(ids))


def child_work(user_id: int, seconds: float, hold_ms: float) -> None:
    """Say ready, wait for the common start time (standard input), then do audited reads for
    ``seconds``; print how many committed."""
    _django()
    from django.db import connection, transaction

    from tcx.accounts.models import User
    from tcx.audit import services
    from tcx.audit.registry import AuditAction

    connection.ensure_connection()
    user = User.objects.get(pk=user_id)
    services.record(actor=user, action=AuditAction.RECORD_VIEWED, target_type="record", target_id="warm")
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    time.sleep(max(0.0, start_at - time.time()))
    done, end, i = 0, start_at + seconds, 0
    while time.time() < end:
        i += 1
        with transaction.atomic():
            row = User.objects.only("id", "organisation_id").get(pk=user_id)
            services.record(
                actor=user,
                action=AuditAction.RECORD_VIEWED,
                target_type="record",
                target_id=i,
                target_owner=row.organisation_id,
                data={"via": "bench", "i": i},
            )
            if hold_ms:
                time.sleep(hold_ms / 1000)  # the rest of the request's transaction (no CPU)
        done += 1
    print(json.dumps({"done": done, "seconds": time.time() - start_at}))


def child_verify() -> None:
    _django()
    from tcx.audit import services

    result = services.verify()
    partitions = getattr(result, "partitions", 1)
    print(
        json.dumps(
            {"ok": result.ok, "checked": result.checked, "reason": result.reason, "partitions": partitions}
        )
    )


def _recreate(pg: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def measure(label: str, source: Path, args: argparse.Namespace, agencies: int) -> dict[str, object]:
    name = f"{args.db_prefix}_{label}_{agencies}"
    _recreate(args.pg, name)
    data_dir = tempfile.mkdtemp(prefix=f"tcx-audit-bench-{label}-")
    env = {
        **os.environ,
        "TCX_DATABASE_URL": f"{args.pg}/{name}",
        "TCX_DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "tcx.config.settings",
    }
    setup = _run_child(source, env, "--child-setup", str(agencies), str(args.workers))
    out, _ = setup.communicate()
    if setup.returncode != 0:
        raise SystemExit(f"setup of {label} failed")
    user_ids = json.loads(out.strip().splitlines()[-1])
    procs = [
        _run_child(source, env, "--child-work", str(uid), str(args.seconds), str(args.hold_ms))
        for uid in user_ids
    ]
    for proc in procs:  # every worker connected and warmed up
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            raise SystemExit(f"a worker of {label} failed to start")
    start_at = time.time() + 0.2
    results = []
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(f"{start_at}\n")
        proc.stdin.flush()
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"a worker of {label} failed")
        results.append(json.loads(out.strip().splitlines()[-1]))
    done = sum(r["done"] for r in results)
    elapsed = max(r["seconds"] for r in results)
    check = _run_child(source, env, "--child-verify")
    out, _ = check.communicate()
    verified = json.loads(out.strip().splitlines()[-1])
    if not args.keep:
        _recreate(args.pg, name)
    row = {
        "label": label,
        "agencies": agencies,
        "workers": args.workers,
        "hold_ms": args.hold_ms,
        "reads": done,
        "per_s": done / elapsed,
        "verified": verified,
    }
    print(
        f"{label:6} {agencies} agencies, {args.workers} workers: {done} audited reads in {elapsed:.1f} s "
        f"= {done / elapsed:,.0f}/s; verify: {'OK' if verified['ok'] else 'BROKEN ' + verified['reason']} "
        f"({verified['checked']} events in {verified['partitions']} partitions)",
        flush=True,
    )
    return row


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("--child-"):
        kind, rest = sys.argv[1], sys.argv[2:]
        if kind == "--child-setup":
            child_setup(int(rest[0]), int(rest[1]))
        elif kind == "--child-work":
            child_work(int(rest[0]), float(rest[1]), float(rest[2]))
        else:
            child_verify()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--before", type=Path, help="a TCX source tree with the single chain (e.g. /work/main)"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--agencies", default="1,8", help="comma-separated agency counts to run")
    parser.add_argument(
        "--hold-ms",
        type=float,
        default=0.0,
        help="keep each transaction open this long after its audit event (the rest of a request's work)",
    )
    parser.add_argument("--rounds", type=int, default=1, help="interleaved before/after rounds")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--db-prefix", default="tcx_audit_bench")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    sources = ([("before", args.before.resolve())] if args.before else []) + [("after", HERE)]
    rows = []
    load = os.getloadavg()[0]
    for _ in range(args.rounds):
        for agencies in [int(a) for a in args.agencies.split(",")]:
            for label, source in sources:
                rows.append(measure(label, source, args, agencies))
    print(f"\nload average at the start: {load:.1f}; {os.cpu_count()} CPUs")
    print("| tree | agencies | workers | held after the event | audited reads/s | chain verifies |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        verified = row["verified"]
        assert isinstance(verified, dict)
        print(
            f"| {row['label']} | {row['agencies']} | {row['workers']} | {row['hold_ms']:g} ms | "
            f"{row['per_s']:,.0f} | {'yes' if verified['ok'] else 'NO'} "
            f"({verified['checked']} events, {verified['partitions']} partitions) |"
        )


if __name__ == "__main__":
    main()
