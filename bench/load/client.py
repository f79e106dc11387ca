"""The load client: ``--concurrency`` threads, each a keep-alive HTTP/1.1 connection to the server
on loopback, running the mixed workload for ``--duration`` seconds (closed loop: each thread sends
its next request when the last one answered). Standard library only, so it runs in any venv.

Prints one JSON object: requests, errors by kind, throughput, latency percentiles per operation
and overall, and the ids of every acknowledged write (the server answered 201 with its id)
— the bench then checks each of them in the database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
from typing import Any

# operation -> weight in the mix
MIX = {
    "record_list": 20,
    "record_detail": 25,
    "record_search": 10,
    "exchange_list": 20,
    "record_create": 15,
    "exchange_send": 10,
}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Worker(threading.Thread):
    def __init__(self, n: int, args: argparse.Namespace, seed: dict[str, Any], stop_at: float):
        super().__init__(daemon=True)
        self.n = n
        self.args = args
        self.seed = seed
        self.stop_at = stop_at
        self.rng = random.Random(f"{args.tag}-{n}")
        self.user = seed["users"][n % len(seed["users"])]
        self.samples: list[tuple[str, float, int]] = []  # (operation, seconds, status)
        self.errors: dict[str, int] = {}
        self.acked: dict[str, list[int]] = {"record": [], "exchange": []}
        self.external_ids: list[str] = []
        self.conn: http.client.HTTPConnection | None = None
        url = urllib.parse.urlsplit(args.server)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {self.user['token']}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.args.timeout)
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            return response.status, response.read()
        except Exception:
            self.conn.close()
            self.conn = None
            raise

    def op(self, name: str) -> tuple[str, str, Any]:
        rng, seed = self.rng, self.seed
        org = self.user["organisation"]
        others = [o for o in seed["organisations"] if o != org]
        if name == "record_list":
            return "GET", "/api/v1/records?limit=20", None
        if name == "record_detail":
            return "GET", f"/api/v1/records/{rng.choice(seed['visible_sample'][str(org)])}", None
        if name == "record_search":
            return (
                "GET",
                "/api/v1/records/search?" + urllib.parse.urlencode({"q": rng.choice(seed["names"])}),
                None,
            )
        if name == "exchange_list":
            return "GET", "/api/v1/exchange/exchanges?limit=20", None
        if name == "record_create":
            external_id = f"{self.args.tag}-{self.n}-{len(self.external_ids)}"
            self.external_ids.append(external_id)
            return (
                "POST",
                "/api/v1/records",
                {
                    "schema": "Person",
                    "properties": {
                        "name": [rng.choice(seed["names"]) + " " + rng.choice(["Jr", "II", "Tran", "Lee"])],
                        "birthDate": [f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"],
                    },
                    "external_id": external_id,
                    "policy": {"tlp": "AMBER", "audience_organisations": [rng.choice(others)]},
                },
            )
        if name == "exchange_send":
            return (
                "POST",
                "/api/v1/exchange/exchanges",
                {
                    "subject": f"Load request {self.args.tag}-{self.n}-{len(self.samples)}",
                    "body": "Do you hold anything on this subject?",
                    "recipients": [rng.choice(others)],
                    "policy": {"tlp": "AMBER"},
                },
            )
        raise ValueError(name)

    def run(self) -> None:
        names, weights = list(MIX), list(MIX.values())
        while time.monotonic() < self.stop_at:
            name = self.rng.choices(names, weights)[0]
            method, path, body = self.op(name)
            start = time.perf_counter()
            try:
                status, content = self.request(method, path, body)
            except Exception as exc:
                elapsed = time.perf_counter() - start
                kind = f"{name}: {type(exc).__name__}"
                self.errors[kind] = self.errors.get(kind, 0) + 1
                self.samples.append((name, elapsed, 0))
                time.sleep(0.05)  # a refused connection answers at once: do not spin
                continue
            elapsed = time.perf_counter() - start
            self.samples.append((name, elapsed, status))
            if status >= 400:
                kind = f"{name}: HTTP {status}"
                self.errors[kind] = self.errors.get(kind, 0) + 1
                if len(self.errors) < 5 and self.args.verbose:
                    print(kind, content[:300], file=sys.stderr)
            elif method == "POST" and status == 201:
                self.acked["record" if name == "record_create" else "exchange"].append(
                    json.loads(content)["id"]
                )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", default="http://127.0.0.1:8765")
    parser.add_argument("--seed-file", required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--tag", default="load")
    parser.add_argument("--only", default="", help="comma-separated operations (default: the whole mix)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    if args.only:
        for name in list(MIX):
            if name not in args.only.split(","):
                del MIX[name]
    with open(args.seed_file) as handle:
        seed = json.load(handle)
    start = time.monotonic()
    workers = [Worker(n, args, seed, start + args.duration) for n in range(args.concurrency)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(args.duration + args.timeout + 5)
    wall = time.monotonic() - start
    samples = [s for w in workers for s in w.samples]
    errors: dict[str, int] = {}
    for worker in workers:
        for kind, count in worker.errors.items():
            errors[kind] = errors.get(kind, 0) + count
    ok = [s for s in samples if 0 < s[2] < 400]
    per_op = {}
    for name in MIX:
        times = [s[1] * 1000 for s in ok if s[0] == name]
        per_op[name] = {
            "n": len(times),
            "p50_ms": round(pct(times, 0.5), 1),
            "p95_ms": round(pct(times, 0.95), 1),
        }
    times = [s[1] * 1000 for s in ok]
    result = {
        "tag": args.tag,
        "concurrency": args.concurrency,
        "duration_s": round(wall, 2),
        "requests": len(samples),
        "ok": len(ok),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "rps": round(len(ok) / wall, 1),
        "p50_ms": round(pct(times, 0.5), 1),
        "p95_ms": round(pct(times, 0.95), 1),
        "p99_ms": round(pct(times, 0.99), 1),
        "per_op": per_op,
        "acked_records": [i for w in workers for i in w.acked["record"]],
        "acked_exchanges": [i for w in workers for i in w.acked["exchange"]],
        "external_ids_sent": sum(len(w.external_ids) for w in workers),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
