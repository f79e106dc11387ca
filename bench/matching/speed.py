"""Speed of the TCX matching engine: index build, screening throughput and latency, pair scoring.

Generates a synthetic watchlist of N entities from the name lists written by build_eval.py
(Thai, Vietnamese, Indonesian, Chinese, Malay, Burmese, Khmer names; birth dates, nationalities,
passports, phones), indexes it in a MemoryIndex, and screens Q queries one at a time in this
process (half are variants of watchlisted entities — a typo or swapped name order, same birth
date — half unknown people), as ``tcx screen`` does, and checks that the variants find their
source entity (recall at scale, where common name parts have long posting lists).

With ``--workers 1,2`` it also screens the same queries with N forked worker processes
(``tcx.matching.screen(..., workers=N)``; the index is shared copy-on-write) after the
one-process run — which must come first: once a process has forked, its first write to each page
faults — with the matcher's name caches restored to what the one-process run started from, so
every run starts from the same warmed caches: queries/s is the wall time of the whole batch
(forking included); p50/p99 are per-query times measured inside the workers while they all run
(a second forked pass that times each query), and the results must be identical to the
one-process results.

Usage: .venv/bin/python bench/matching/speed.py --size 100000 [--queries 2000] [--workers 1,2]
Prints a JSON line with the figures; bench/run_matching.sh collects them.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tcx.matching import Matcher, MemoryIndex, parse_entity, scoring  # noqa: E402
from tcx.matching.screening import CANDIDATES, screen, screen_one  # noqa: E402

PARTS = json.loads((Path(__file__).resolve().parent / "data" / "name_parts.json").read_text(encoding="utf-8"))
NATIONALITY = {"th": "th", "vi": "vn", "id": "id", "zh": "cn", "ms": "my", "my": "mm", "km": "kh"}


def make_name(rnd: random.Random, group: str) -> str:
    p = PARTS
    if group == "th":
        return f"{rnd.choice(p['th_given'])} {rnd.choice(p['th_family'])}"
    if group == "vi":
        return f"{rnd.choice(p['vi_family'])} {rnd.choice(p['vi_middle'])} {rnd.choice(p['vi_given'])}"
    if group == "id":
        return f"{rnd.choice(p['id_given'])} {rnd.choice(p['id_family'])}"
    if group == "zh":
        return (
            rnd.choice(p["zh_family"])
            + rnd.choice(p["zh_given"])
            + (rnd.choice(p["zh_given"]) if rnd.random() < 0.5 else "")
        )
    if group == "ms":
        return f"Mohd {rnd.choice(p['ms_given'])} bin {rnd.choice(p['ms_father'])}"
    if group == "my":
        n = rnd.choice([2, 3])
        syllables = p["my_syllables"]
        half = len(syllables) // 2
        if rnd.random() < 0.5:
            return "".join(rnd.choice(syllables[:half]) for _ in range(n))
        return " ".join(rnd.choice(syllables[half:]) for _ in range(n))
    return f"{rnd.choice(p['km_family'])} {rnd.choice(p['km_given'])}"


def make_entity(rnd: random.Random, i: int) -> dict:
    group = rnd.choice(["th", "th", "vi", "vi", "id", "zh", "ms", "my", "km"])
    props: dict[str, list[str]] = {
        "name": [make_name(rnd, group)],
        "birthDate": [f"{rnd.randint(1950, 2003)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"],
        "nationality": [NATIONALITY[group]],
    }
    if rnd.random() < 0.5:
        props["passportNumber"] = [rnd.choice("ABCKNP") + str(rnd.randint(1000000, 9999999))]
    if rnd.random() < 0.1:
        props["phone"] = [f"+8491{rnd.randint(1000000, 9999999)}"]
    return {"id": f"e{i}", "schema": "Person", "properties": props}


def variant(rnd: random.Random, data: dict, qid: str) -> dict:
    name = data["properties"]["name"][0]
    parts = name.split()
    if len(parts) > 1 and rnd.random() < 0.5:
        name = " ".join(reversed(parts))
    elif len(name) > 5:
        i = rnd.randrange(1, len(name) - 1)
        name = name[:i] + name[i + 1 :]
    return {
        "id": qid,
        "schema": "Person",
        "properties": {"name": [name], "birthDate": data["properties"]["birthDate"]},
    }


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def private_mib() -> float:
    """This process's private (not shared with its parent) resident memory."""
    total = 0
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        if line.startswith(("Private_Clean:", "Private_Dirty:")):
            total += int(line.split()[1])
    return total / 1024


# Set before forking the timing workers; inherited, never pickled.
_TIMED: tuple[MemoryIndex, Matcher, list] | None = None


def _timed_slice(bounds: tuple[int, int]) -> tuple[list[float], float]:
    assert _TIMED is not None
    index, matcher, queries = _TIMED
    latencies = []
    for query in queries[bounds[0] : bounds[1]]:
        t0 = time.perf_counter()
        screen_one(query, index, matcher, top=10)
        latencies.append(time.perf_counter() - t0)
    return latencies, private_mib()


def timed_parallel(
    index: MemoryIndex, matcher: Matcher, queries: list, workers: int
) -> tuple[list[float], float]:
    """Per-query latencies with ``workers`` forked processes screening at once, and the largest
    private memory of a worker at the end of a chunk."""
    global _TIMED
    _TIMED = (index, matcher, queries)
    step = 64
    bounds = [(i, min(i + step, len(queries))) for i in range(0, len(queries), step)]
    with multiprocessing.get_context("fork").Pool(workers, initializer=gc.freeze) as pool:
        parts = pool.map(_timed_slice, bounds, chunksize=1)
    _TIMED = None
    return sorted(t for lat, _ in parts for t in lat), max(mib for _, mib in parts)


# The matcher's memo tables: name-part, name and script-name similarities.
_CACHES = (scoring._TOKEN_CACHE, scoring._NAME_CACHE, scoring._SCRIPT_CACHE)


def scoring_caches() -> list[dict]:
    """Copies of the matcher's memo tables."""
    return [dict(cache) for cache in _CACHES]


def restore_scoring_caches(saved: list[dict]) -> None:
    for cache, content in zip(_CACHES, saved, strict=True):
        cache.clear()
        cache.update(content)


def pct(latencies: list[float], q: float) -> float:
    return round(latencies[max(int(len(latencies) * q) - 1, 0)] * 1000, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--workers", default="1", help="comma-separated worker counts to measure, e.g. 1,2 (1 is always run)"
    )
    args = parser.parse_args()
    worker_counts = sorted({int(w) for w in args.workers.split(",")} - {1})
    rnd = random.Random(args.seed)

    base_rss = rss_mib()
    start = time.perf_counter()
    index = MemoryIndex()
    kept: list[dict] = []
    for i in range(args.size):
        data = make_entity(rnd, i)
        if len(kept) < args.queries and rnd.random() < 0.01:
            kept.append(data)
        index.add(parse_entity(data))
    index.compact()  # postings into arrays (a query would do it first otherwise)
    build_seconds = time.perf_counter() - start
    gc.collect()
    gc.freeze()  # the index is long-lived: keep the collector from walking it during queries
    index_rss = rss_mib()

    queries = []
    expected: dict[str, str] = {}
    for q in range(args.queries):
        if q % 2 == 0 and kept:
            source = rnd.choice(kept)
            expected[f"q{q}"] = source["id"]
            queries.append(parse_entity(variant(rnd, source, f"q{q}")))
        else:
            queries.append(parse_entity(make_entity(rnd, 10_000_000 + q) | {"id": f"q{q}"}))

    matcher = Matcher()
    for query in queries[:50]:  # warm caches
        screen_one(query, index, matcher, top=10)

    # The one-process run first: a process that has forked pays a page fault on its first write
    # to each page after the fork (the kernel write-protects them), which at 1M entities cost
    # about 130 µs a query on this VM — a screening process that never forks never pays it.
    # The name caches are restored after it, so the forked runs start from the same caches.
    caches = scoring_caches()
    load = Path("/proc/loadavg").read_text().split()[0]
    latencies = []
    sequential_results = []
    found_1 = found_10 = 0
    start = time.perf_counter()
    for query in queries:
        t0 = time.perf_counter()
        hits = screen_one(query, index, matcher, top=10)
        latencies.append(time.perf_counter() - t0)
        sequential_results.append([h.entity_id for h in hits])
        target = expected.get(query.id)
        if target:
            ids = [h.entity_id for h in hits]
            found_1 += ids[:1] == [target]
            found_10 += target in ids
    screen_seconds = time.perf_counter() - start
    latencies.sort()
    restore_scoring_caches(caches)

    parallel = []
    parallel_results = {}
    for workers in worker_counts:
        load_parallel = Path("/proc/loadavg").read_text().split()[0]
        start = time.perf_counter()
        parallel_results[workers] = [
            [h.entity_id for h in hits]
            for _, hits in screen(queries, index, top=10, matcher=matcher, workers=workers)
        ]
        seconds = time.perf_counter() - start
        timed, worker_private = timed_parallel(index, matcher, queries, workers)
        parallel.append(
            {
                "workers": workers,
                "load_before": float(load_parallel),
                "queries_per_second": round(len(queries) / seconds),
                "p50_ms": round(statistics.median(timed) * 1000, 3),
                "p99_ms": pct(timed, 0.99),
                "max_ms": round(timed[-1] * 1000, 3),
                "worker_private_mib": round(worker_private),
            }
        )
        restore_scoring_caches(caches)

    pairs = [
        (query, entity)
        for query in queries[:1000]
        for entity, _ in index.candidate_entities(query, CANDIDATES)
    ]
    start = time.perf_counter()
    for a, b in pairs:
        matcher.score(a, b, explain=False)
    pair_seconds = time.perf_counter() - start

    result = {
        "size": args.size,
        "build_seconds": round(build_seconds, 1),
        "build_entities_per_second": round(args.size / build_seconds),
        "peak_rss_mib": round(index_rss),
        "index_rss_mib": round(index_rss - base_rss),
        "queries": len(queries),
        "queries_per_second": round(len(queries) / screen_seconds),
        "p50_ms": round(statistics.median(latencies) * 1000, 3),
        "p99_ms": pct(latencies, 0.99),
        "max_ms": round(latencies[-1] * 1000, 3),
        "variant_queries": len(expected),
        "variant_recall@1": round(found_1 / len(expected), 4) if expected else None,
        "variant_recall@10": round(found_10 / len(expected), 4) if expected else None,
        "pairs": len(pairs),
        "pairs_per_second": round(len(pairs) / pair_seconds),
        "load_before": float(load),
        "parallel": [
            run | {"identical_to_one_process": parallel_results[run["workers"]] == sequential_results}
            for run in parallel
        ],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
