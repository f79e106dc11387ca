"""Fault bench (issue 12): the mixed load of ``load_bench.py`` at concurrency 8 while this script
kills things at random points — ``kill -9`` of gunicorn web workers, of ``tcx worker`` (restarted
at once, as a supervisor would) and of ``tcx import`` processes (each import is run again to the
end afterwards) — and restarts PostgreSQL once mid-load. Then it checks: every write the server
acknowledged is in the database, nothing is duplicated (external ids, exchange subjects, matching
jobs and matches, imported rows), every matching job a killed worker left ``running`` was
claimed again once its lease ran out, and ``tcx audit verify`` passes.

    .venv/bin/python bench/load/faults.py                     # 60 s of load, one PostgreSQL restart
    .venv/bin/python bench/load/faults.py --no-pg-restart     # on a server others are using

PostgreSQL here is the machine's shared server: ``--no-pg-restart`` when others run tests on it.
Leases are minutes long (each task kind's own: 5 min for matching, tcx/records/tasks.py); by default the script moves the
leases of the jobs it left running to the past (the clock a lease is checked against, not the
rule) and checks that a worker then takes them; ``--wait-lease`` waits for the real lease instead.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BIN, HERE, Bench

PG_RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]


def import_file(bench: Bench, n: int, rows: int) -> tuple[Path, str]:
    path = bench.data_dir / f"fault-import-{n}.jsonl"
    prefix = f"fault-{int(time.time())}-{n}"
    rng = random.Random(n)
    with path.open("w") as handle:
        for i in range(rows):
            entity = {
                "id": f"{prefix}-{i}",
                "schema": "Person",
                "properties": {
                    "name": [f"Imported {rng.choice(['Kham', 'Siti', 'Tran', 'Somchai'])} {prefix[-6:]} {i}"],
                    "birthDate": [f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"],
                },
            }
            handle.write(json.dumps(entity) + "\n")
    return path, prefix


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--web-kills", type=int, default=4)
    parser.add_argument("--worker-kills", type=int, default=3)
    parser.add_argument("--imports", type=int, default=2, help="imports started and killed mid-way")
    parser.add_argument("--import-rows", type=int, default=1500)
    parser.add_argument("--no-pg-restart", action="store_true")
    parser.add_argument("--wait-lease", action="store_true")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--db", default="tcx_load_faults")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    bench = Bench(args.db, args.port, keep=args.keep)
    bench.prepare()
    officer = json.loads(bench.seed_file.read_text())["users"][0]["username"]
    imports = [import_file(bench, n, args.import_rows) for n in range(args.imports)]
    events: list[str] = []

    def log(text: str) -> None:
        events.append(f"{time.monotonic() - t0:5.1f}s {text}")
        print(events[-1], file=sys.stderr)

    # the faults, at random points of the run
    schedule: list[tuple[float, str, int]] = []
    schedule += [(rng.uniform(3, args.duration - 5), "web", 0) for _ in range(args.web_kills)]
    schedule += [(rng.uniform(3, args.duration - 5), "worker", 0) for _ in range(args.worker_kills)]
    schedule += [(rng.uniform(2, args.duration / 2), "import", n) for n in range(args.imports)]
    if not args.no_pg_restart:
        schedule.append((rng.uniform(args.duration * 0.4, args.duration * 0.6), "postgresql", 0))
    schedule.sort()

    results = {}
    worker_deaths = 0
    killed_worker_at: list[float] = []
    t0 = time.monotonic()
    try:
        bench.start_server([])
        bench.start_worker()
        client = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "client.py"),
                "--server",
                f"http://127.0.0.1:{args.port}",
                "--seed-file",
                str(bench.seed_file),
                "--concurrency",
                str(args.concurrency),
                "--duration",
                str(args.duration),
                "--tag",
                f"faults-{int(time.time())}",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        t0 = time.monotonic()
        running_imports: list[tuple[subprocess.Popen[bytes], float]] = []
        for at, kind, n in schedule:
            while time.monotonic() - t0 < at:
                if bench.worker is not None and bench.worker.poll() is not None:
                    worker_deaths += 1
                    log(f"tcx worker exited by itself (code {bench.worker.returncode}); restarted")
                    bench.start_worker()
                for proc, kill_at in list(running_imports):
                    if time.monotonic() >= kill_at:
                        running_imports.remove((proc, kill_at))
                        if proc.poll() is None:
                            proc.send_signal(signal.SIGKILL)
                            proc.wait()
                            log(f"kill -9 tcx import (pid {proc.pid})")
                        else:
                            log(f"tcx import (pid {proc.pid}) ended before its kill (code {proc.returncode})")
                time.sleep(0.05)
            if kind == "web":
                pids = bench.web_workers()
                if pids:
                    pid = rng.choice(pids)
                    os.kill(pid, signal.SIGKILL)
                    log(f"kill -9 web worker {pid}")
            elif kind == "worker" and bench.worker is not None:
                bench.worker.send_signal(signal.SIGKILL)
                bench.worker.wait()
                killed_worker_at.append(time.time())
                log(f"kill -9 tcx worker {bench.worker.pid}; restarted")
                bench.start_worker()
            elif kind == "import":
                path, _ = imports[n]
                proc = subprocess.Popen(
                    [str(BIN / "tcx"), "import", str(path), "--as", officer, "--tlp", "AMBER"],
                    env=bench.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                running_imports.append((proc, time.monotonic() + rng.uniform(1.5, 6)))
                log(f"tcx import {path.name} started (pid {proc.pid})")
            elif kind == "postgresql":
                started = time.monotonic()
                subprocess.run(PG_RESTART, check=True)
                log(f"PostgreSQL restarted ({time.monotonic() - started:.1f} s)")
        for proc, _ in running_imports:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                log(f"kill -9 tcx import (pid {proc.pid}) at the end of the schedule")
        out, _ = client.communicate(timeout=args.duration + 120)
        results = json.loads(out)
        log(
            f"load ended: {results['ok']} ok, {results['errors']} errors {results['error_kinds']}, "
            f"{results['rps']} requests/s"
        )
        # imports killed mid-way are run again to the end: nothing duplicated, nothing missing
        for path, _ in imports:
            bench.tcx("import", str(path), "--as", officer, "--tlp", "AMBER", quiet=True)
        log("imports run again to the end")
        if bench.worker is None or bench.worker.poll() is not None:
            worker_deaths += 1
            bench.start_worker()
        # jobs a killed worker left running: claimed again once their lease ran out
        stuck = bench.psql("SELECT id, lease_until FROM jobs_job WHERE status = 'running' ORDER BY id")
        log(f"{len(stuck)} matching job(s) left running by killed workers")
        if stuck and not args.wait_lease:
            bench.psql(
                "UPDATE jobs_job SET lease_until = now() - interval '1 second' WHERE status = 'running'"
            )
            log("their leases moved to the past (the lease ran out)")
        deadline = time.monotonic() + (400 if args.wait_lease else 300)
        while time.monotonic() < deadline:
            left = bench.psql("SELECT count(*) FROM jobs_job WHERE status IN ('queued', 'running')")[0][0]
            if left == 0:
                break
            if bench.worker is not None and bench.worker.poll() is not None:
                worker_deaths += 1
                bench.start_worker()
            time.sleep(1)
        stuck_ids = [row[0] for row in stuck]
        resumed = bench.psql(
            "SELECT count(*) FROM jobs_job WHERE status = 'done' AND id = ANY(%s)", [stuck_ids]
        )[0][0]
        log(f"stuck jobs done since: {resumed} of {len(stuck)}")
    finally:
        bench.stop()

    checks = bench.check_writes([results] if results else [])
    checks["exchange_subjects_duplicated"] = bench.psql(
        "SELECT count(*) FROM (SELECT subject FROM exchange_exchange WHERE subject LIKE 'Load request faults-%' "
        "GROUP BY subject HAVING count(*) > 1) d"
    )[0][0]
    for path, prefix in imports:
        stored = bench.psql(
            "SELECT count(*), count(DISTINCT external_id) FROM records_record WHERE external_id LIKE %s",
            [f"{prefix}-%"],
        )[0]
        checks[f"import_{path.stem}_rows_stored"] = (
            f"{stored[0]} of {args.import_rows} ({stored[1]} distinct)"
        )
    checks["matching_jobs_not_done"] = bench.psql("SELECT count(*) FROM jobs_job WHERE status <> 'done'")[0][
        0
    ]
    checks["record_versions_without_done_job"] = bench.psql(
        "SELECT count(*) FROM records_record r WHERE NOT EXISTS (SELECT 1 FROM jobs_job j "
        "WHERE j.kind = 'records.match' AND j.key = r.id || ':' || r.version AND j.status = 'done')"
    )[0][0]
    checks["stuck_jobs_resumed"] = f"{resumed} of {len(stuck)}"
    checks["worker_exits_on_its_own"] = worker_deaths
    ok, verify_line = bench.audit_verify()
    print()
    print("faults:", *events, sep="\n  ")
    print(
        f"load under faults: {results.get('ok')} ok, {results.get('errors')} errors, {results.get('rps')} requests/s, "
        f"p50 {results.get('p50_ms')} ms, p95 {results.get('p95_ms')} ms; errors by kind: {results.get('error_kinds')}"
    )
    print("after the run:", json.dumps(checks, indent=1))
    print(f"tcx audit verify: {'passed' if ok else 'FAILED'} — {verify_line}")
    bad = (
        checks["records_missing"]
        + checks["exchanges_missing"]
        + checks["external_ids_duplicated"]
        + checks["exchange_subjects_duplicated"]
        + checks["matching_jobs_not_done"]
    )
    imported_ok = all(
        v.startswith(f"{args.import_rows} of") and v.endswith(f"({args.import_rows} distinct)")
        for k, v in checks.items()
        if k.startswith("import_")
    )
    return 0 if ok and not bad and imported_ok and resumed == len(stuck) else 1


if __name__ == "__main__":
    sys.exit(main())
