"""CPU cost and query count of each operation of the load mix, measured in one process (no
gunicorn, no client on the same cores): a figure that moves far less with other people's load
than the throughput does. Runs against a database the load bench seeded (``--db``).

    .venv/bin/python bench/load/profile_ops.py --db tcx_perf_load --repeat 50

Prints, per operation: CPU ms per request (this process only; PostgreSQL's own CPU is not in it)
and queries per request. Writes go to the benchmark database like the bench's own writes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="tcx_load_bench")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="", help="write a cProfile of all operations to this file")
    parser.add_argument(
        "--show-queries", action="store_true", help="print the queries of one request of each"
    )
    args = parser.parse_args()
    data_dir = Path(tempfile.gettempdir()) / f"{args.db}-data"  # where common.Bench keeps it
    os.environ.setdefault("TCX_DATABASE_URL", f"postgresql://postgres@127.0.0.1:5432/{args.db}")
    os.environ.setdefault("TCX_DATA_DIR", str(data_dir))
    os.environ.setdefault("TCX_JOBS", "worker")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcx.config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    sys.path.insert(0, str(HERE))
    import client as load_client

    seed = json.loads((data_dir / "seed.json").read_text())
    web = Client(raise_request_exception=True)

    class Args:
        tag = f"profile-{int(time.time())}"
        server = "http://127.0.0.1:1"

    worker = load_client.Worker(0, Args(), seed, 0)  # type: ignore[arg-type]
    worker.rng = random.Random(1)
    ops = [o for o in load_client.MIX if not args.only or o in args.only.split(",")]
    queries: list[str] = []

    def counter(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
    total_cpu = 0.0
    for op in ops:
        for n, user in enumerate(seed["users"][:2]):
            worker.user = user
            worker.n = n
            # warm up: first requests compile templates, read settings, fill caches
            for _ in range(3):
                _call(web, worker, op)
        cpu = 0.0
        count = 0
        statuses: dict[int, int] = {}
        with connection.execute_wrapper(counter):
            for i in range(args.repeat):
                worker.user = seed["users"][i % len(seed["users"])]
                worker.n = i
                before = len(queries)
                if profiler:
                    profiler.enable()
                start = time.process_time()
                status = _call(web, worker, op)
                cpu += time.process_time() - start
                if profiler:
                    profiler.disable()
                count += len(queries) - before
                statuses[status] = statuses.get(status, 0) + 1
        if args.show_queries:
            print("\n".join("    " + q[:300] for q in queries[-count // args.repeat :]))
        total_cpu += cpu * load_client.MIX[op] / sum(load_client.MIX[o] for o in ops)
        print(
            f"{op:15s} {cpu / args.repeat * 1000:6.2f} CPU ms/request  "
            f"{count / args.repeat:5.1f} queries/request  statuses {statuses}"
        )
    print(f"{'mix (weighted)':15s} {total_cpu / args.repeat * 1000:6.2f} CPU ms/request")
    if profiler:
        profiler.dump_stats(args.profile)
    return 0


def _call(web, worker, op: str) -> int:  # type: ignore[no-untyped-def]
    method, path, body = worker.op(op)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {worker.user['token']}", "HTTP_ACCEPT": "application/json"}
    if method == "GET":
        response = web.get(path, **headers)
    else:
        response = web.post(path, data=json.dumps(body), content_type="application/json", **headers)
    if response.status_code >= 400:
        print(op, response.status_code, response.content[:300], file=sys.stderr)
    return int(response.status_code)


if __name__ == "__main__":
    sys.exit(main())
