"""Load benchmark (issue 12): a mixed workload of authenticated API reads and writes through
gunicorn (``tcx serve``) on PostgreSQL, at several concurrencies, from a client in a separate
process on loopback. Bounded: each run lasts ``--duration`` seconds; the bench stops the server
when it is done.

    .venv/bin/python bench/load/load_bench.py                       # c = 1, 8, 32, 64; 3 runs each
    .venv/bin/python bench/load/load_bench.py --concurrency 8 --runs 5 --keep

The mix (``client.MIX``): record list (``GET /api/v1/records?limit=20``) 20 %, record detail
25 %, record search 10 %, exchange inbox 20 %, record create 15 %, exchange send 10 %; sixteen
officers of eight agencies, each with a read-write API token, each seeing ~960 of ~4,600
records. A ``tcx worker`` runs beside the server (production shape: matching after commit).

Afterwards: every acknowledged write is looked up by id in the database, external ids are
checked for duplicates, and ``tcx audit verify`` must pass. Prints a table and one JSON line per
run; medians over the runs are what to quote (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Bench


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--concurrency", default="1,8,32,64")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per run")
    parser.add_argument("--runs", type=int, default=3, help="runs per concurrency")
    parser.add_argument(
        "--serve-args", default="", help="extra arguments for `tcx serve` (e.g. '--workers 2')"
    )
    parser.add_argument("--only", default="", help="comma-separated operations instead of the whole mix")
    parser.add_argument("--db", default="tcx_load_bench")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep", action="store_true", help="reuse the seeded database of an earlier run")
    args = parser.parse_args()

    bench = Bench(args.db, args.port, keep=args.keep)
    seed = bench.prepare()
    print(
        f"{seed['records']} records; {len(seed['users'])} officers of {len(seed['organisations'])} agencies, "
        f"each seeing {min(seed['visible_count'].values())}-{max(seed['visible_count'].values())}",
        file=sys.stderr,
    )
    results = []
    try:
        bench.start_server(args.serve_args.split())
        bench.start_worker()
        bench.run_client(concurrency=4, duration=3, tag=f"warmup-{int(time.time())}", only=args.only)
        for concurrency in [int(c) for c in args.concurrency.split(",")]:
            for run in range(args.runs):
                result = bench.run_client(
                    concurrency=concurrency,
                    duration=args.duration,
                    tag=f"load-{int(time.time())}-c{concurrency}-{run}",
                    only=args.only,
                )
                results.append(result)
                slim = {k: v for k, v in result.items() if not k.startswith("acked_")}
                print(json.dumps(slim), flush=True)
    finally:
        bench.stop()
    checks = bench.check_writes(results)
    ok, verify_line = bench.audit_verify()
    print()
    print(f"`tcx serve {args.serve_args}`; {args.duration:.0f} s runs; mix: {args.only or 'full'}")
    print(
        "| concurrency | runs | requests/s (median; all) | p50 ms | p95 ms | p99 ms | errors "
        "| server CPU ms/request | PostgreSQL CPU ms/request | client CPU ms/request |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for concurrency in sorted({r["concurrency"] for r in results}):
        rows = [r for r in results if r["concurrency"] == concurrency]
        keys = (
            "rps",
            "p50_ms",
            "p95_ms",
            "p99_ms",
            "server_cpu_ms_per_request",
            "db_cpu_ms_per_request",
            "client_cpu_ms_per_request",
        )
        med = {k: statistics.median(r[k] for r in rows) for k in keys}
        print(
            f"| {concurrency} | {len(rows)} | {med['rps']:.1f} ({', '.join(str(r['rps']) for r in rows)}) "
            f"| {med['p50_ms']:.0f} | {med['p95_ms']:.0f} | {med['p99_ms']:.0f} | {sum(r['errors'] for r in rows)} "
            f"| {med['server_cpu_ms_per_request']:.1f} | {med['db_cpu_ms_per_request']:.1f} "
            f"| {med['client_cpu_ms_per_request']:.1f} |"
        )
    print()
    print("per operation, median p50 / p95 ms at each concurrency:")
    for concurrency in sorted({r["concurrency"] for r in results}):
        rows = [r for r in results if r["concurrency"] == concurrency]
        parts = []
        for op in rows[0]["per_op"]:
            p50 = statistics.median(r["per_op"][op]["p50_ms"] for r in rows)
            p95 = statistics.median(r["per_op"][op]["p95_ms"] for r in rows)
            parts.append(f"{op} {p50:.0f}/{p95:.0f}")
        print(f"  c={concurrency}: " + ", ".join(parts))
    print()
    print("after the runs:", json.dumps(checks))
    print(f"tcx audit verify: {'passed' if ok else 'FAILED'} — {verify_line}")
    errors = sum(r["errors"] for r in results)
    lost = checks["records_missing"] + checks["exchanges_missing"] + checks["external_ids_duplicated"]
    return 0 if ok and not lost and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
