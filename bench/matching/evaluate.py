"""Quality evaluation of TCX against the peers, on the same set and the same candidates, in one run.

1. index the evaluation watchlist with TCX's MemoryIndex; for each query take the candidate pool
   (the top CANDIDATES by key weight, as screening does);
2. score every (query, candidate) pair with TCX, the rapidfuzz baseline, and — in a subprocess
   in .venv-bench — nomenklatura logic-v1 and logic-v2;
3. each system ranks the pool by its own score: recall@1 / recall@10 over positive queries; the
   top-ranked candidate is that system's decision (a match if its score reaches the system's
   threshold): precision, recall and F1, in total, per script and per variant.

Writes bench/matching/results/quality.md and quality.json. Run: bench/run_matching.sh
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402

from tcx.matching import MATCH_THRESHOLD, Matcher, MemoryIndex, parse_entity  # noqa: E402
from tcx.matching.screening import CANDIDATES  # noqa: E402
from tcx.matching.text import fold  # noqa: E402

DATA_ROOT = Path(__file__).resolve().parent / "data"
RESULTS = Path(__file__).resolve().parent / "results"
PEER_THRESHOLD = 0.7  # yente's default match threshold
RAPIDFUZZ_THRESHOLD = 0.85
SYSTEMS = ("tcx", "logic-v1", "logic-v2", "rapidfuzz")
THRESHOLDS = {"tcx": MATCH_THRESHOLD, "logic-v1": PEER_THRESHOLD, "logic-v2": PEER_THRESHOLD,
              "rapidfuzz": RAPIDFUZZ_THRESHOLD}  # fmt: skip


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def rapidfuzz_score(q: dict, c: dict) -> float:
    names_q = [fold(n) for n in q["properties"].get("name", [])]
    names_c = [fold(n) for n in c["properties"].get("name", [])]
    best = 0.0
    for a in names_q:
        for b in names_c:
            if a and b:
                best = max(best, fuzz.token_sort_ratio(a, b) / 100.0)
    return best


def prf(tp: int, fp: int, positives: int) -> tuple[float | None, float | None, float | None]:
    if not positives:  # a slice of negatives only: see negatives_rejected
        return None, None, None
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / positives
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(systems: list[str], scores: dict, pools: dict, labels: list[dict], thresholds: dict) -> dict:
    """Metrics per system and per slice (all, script:X, variant:Y, cross-script, hard-negatives)."""
    out: dict = {}
    for system in systems:
        slices: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for label in labels:
            qid, expected = label["query"], label["expected"]
            pool = pools[qid]
            ranked = sorted(pool, key=lambda cid: -scores[system].get((qid, cid), 0.0))
            top = ranked[0] if ranked else None
            top_score = scores[system].get((qid, top), 0.0) if top else 0.0
            matched = top is not None and top_score >= thresholds[system]
            keys = ["all", f"script:{label['script']}", f"variant:{label['variant']}"]
            if label["variant"] == "script_changed":
                keys.append("cross-script")
            if expected is None:
                keys.append("hard-negatives")
            if "split" in label:  # the second set: every figure per split (tune / heldout) too
                split = label["split"]
                keys += [f"{split}:all", f"{split}:category:{label['category']}"]
                if expected is None:
                    keys.append(f"{split}:hard-negatives")
            for key in keys:
                s = slices[key]
                s["queries"] += 1
                if expected is not None:
                    s["positives"] += 1
                    s["r1"] += 1 if ranked[:1] == [expected] else 0
                    s["r10"] += 1 if expected in ranked[:10] else 0
                    s["in_pool"] += 1 if expected in pool else 0
                    if matched and top == expected:
                        s["tp"] += 1
                    elif matched:
                        s["fp"] += 1
                else:
                    s["negatives"] += 1
                    if matched:
                        s["fp"] += 1
                        s["neg_fp"] += 1
        result = {}
        for key, s in slices.items():
            precision, recall, f1 = prf(int(s["tp"]), int(s["fp"]), int(s["positives"]))
            result[key] = {
                "queries": int(s["queries"]),
                "positives": int(s["positives"]),
                "negatives": int(s["negatives"]),
                "recall@1": s["r1"] / s["positives"] if s["positives"] else None,
                "recall@10": s["r10"] / s["positives"] if s["positives"] else None,
                "candidate_recall": s["in_pool"] / s["positives"] if s["positives"] else None,
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "negatives_rejected": 1 - s["neg_fp"] / s["negatives"] if s["negatives"] else None,
            }
        out[system] = result
    return out


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def table(metrics: dict, systems: list[str], keys: list[str], columns: list[str]) -> str:
    lines = ["| slice | n | " + " | ".join(f"{s} {c}" for c in columns for s in systems) + " |"]
    lines.append("|" + "---|" * (2 + len(columns) * len(systems)))
    for key in keys:
        n = metrics[systems[0]].get(key, {}).get("queries", 0)
        cells = [fmt(metrics[s].get(key, {}).get(c)) for c in columns for s in systems]
        lines.append(f"| {key} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="TCX matching quality vs peers")
    parser.add_argument("--no-peers", action="store_true", help="skip nomenklatura (no .venv-bench)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N queries (quick check)")
    parser.add_argument("--pool", type=int, default=CANDIDATES, help="candidates per query")
    parser.add_argument(
        "--set", default="eval", choices=["eval", "eval2"], help="evaluation set (data/<set>)"
    )
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    DATA = DATA_ROOT / args.set
    suffix = "" if args.set == "eval" else f"_{args.set}"

    wl_raw = read_jsonl(DATA / "watchlist.jsonl")
    q_raw = read_jsonl(DATA / "queries.jsonl")
    labels = read_jsonl(DATA / "labels.jsonl")
    if args.limit:
        q_raw, labels = q_raw[: args.limit], labels[: args.limit]
    wl_by_id = {d["id"]: d for d in wl_raw}
    q_by_id = {d["id"]: d for d in q_raw}

    start = time.perf_counter()
    index = MemoryIndex(parse_entity(d) for d in wl_raw)
    build_seconds = time.perf_counter() - start
    queries = {d["id"]: parse_entity(d) for d in q_raw}

    matcher = Matcher()
    pools: dict[str, list[str]] = {}
    scores: dict[str, dict[tuple[str, str], float]] = {s: {} for s in SYSTEMS}
    start = time.perf_counter()
    candidates = {}
    for qid, query in queries.items():
        found = index.candidate_entities(query, args.pool)
        candidates[qid] = found
        pools[qid] = [e.id for e, _ in found]
    candidate_seconds = time.perf_counter() - start
    pair_count = sum(len(p) for p in pools.values())
    start = time.perf_counter()
    for qid, found in candidates.items():
        query = queries[qid]
        for entity, _ in found:
            scores["tcx"][(qid, entity.id)] = matcher.score(query, entity, explain=False).score
    tcx_seconds = time.perf_counter() - start
    for qid, pool in pools.items():
        for cid in pool:
            scores["rapidfuzz"][(qid, cid)] = rapidfuzz_score(q_by_id[qid], wl_by_id[cid])

    systems = ["tcx", "rapidfuzz"]
    timing = {"tcx": {"pairs": pair_count, "seconds": round(tcx_seconds, 2),
                      "pairs_per_second": round(pair_count / tcx_seconds, 1)}}  # fmt: skip
    if not args.no_peers:
        pairs_path = RESULTS / "pairs.jsonl"
        with pairs_path.open("w", encoding="utf-8") as handle:
            for qid, pool in pools.items():
                handle.write(json.dumps({"q": qid, "c": pool}) + "\n")
        peer_out = RESULTS / "peer_scores.jsonl"
        subset_q = RESULTS / "queries_subset.jsonl"
        with subset_q.open("w", encoding="utf-8") as handle:
            for d in q_raw:
                handle.write(json.dumps(d, ensure_ascii=False) + "\n")
        python = ROOT / ".venv-bench" / "bin" / "python"
        subprocess.run(
            [str(python), str(Path(__file__).with_name("peers.py")), "--watchlist", str(DATA / "watchlist.jsonl"),
             "--queries", str(subset_q), "--pairs", str(pairs_path), "--out", str(peer_out)],
            check=True,
        )  # fmt: skip
        for row in read_jsonl(peer_out):
            if "timing" in row:
                timing.update(row["timing"])
                continue
            for name in ("logic-v1", "logic-v2"):
                scores[name][(row["q"], row["c"])] = row[name]
        systems = ["tcx", "logic-v1", "logic-v2", "rapidfuzz"]
        for path in (pairs_path, peer_out, subset_q):
            path.unlink()

    metrics = evaluate(systems, scores, pools, labels, THRESHOLDS)
    # threshold sweep for TCX (how the default was chosen)
    sweep = {}
    for t in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
        m = evaluate(["tcx"], scores, pools, labels, {"tcx": t})["tcx"]
        worst = min(v["f1"] for k, v in m.items() if k.startswith("script:") and v["f1"] is not None)
        sweep[t] = {"f1": m["all"]["f1"], "precision": m["all"]["precision"], "recall": m["all"]["recall"],
                    "worst_script_f1": worst}  # fmt: skip

    scripts = sorted(k for k in metrics["tcx"] if k.startswith("script:"))
    variants = sorted(k for k in metrics["tcx"] if k.startswith("variant:"))
    keys = ["all", "cross-script", "hard-negatives", *scripts, *variants]
    md = []
    if any("split" in label for label in labels):
        for system in systems:
            for value in metrics[system].values():
                if value.get("negatives_rejected") is not None:
                    value["negative_fp_rate"] = 1 - value["negatives_rejected"]
        for split in ("heldout", "tune"):
            cats = sorted(k for k in metrics["tcx"] if k.startswith(f"{split}:category:"))
            md += [
                f"### Second set, {split} split: per category (recall@10, F1, hard-negative false-positive rate)",
                "",
                table(metrics, systems, [f"{split}:all", *cats], ["recall@10"]),
                "",
                table(metrics, systems, [f"{split}:all", *cats], ["f1"]),
                "",
                table(metrics, systems, [f"{split}:all", *cats], ["negative_fp_rate"]),
                "",
            ]
    md += [
        f"Evaluation set: {len(wl_raw)} watchlist entities, {len(labels)} queries "
        f"({metrics['tcx']['all']['positives']} positives, {metrics['tcx']['all']['negatives']} hard negatives); "
        f"candidate pool {args.pool} per query from TCX's index ({pair_count} pairs), the same for every system.",
        f"Thresholds: TCX {MATCH_THRESHOLD}, logic-v1/logic-v2 {PEER_THRESHOLD}, rapidfuzz {RAPIDFUZZ_THRESHOLD}.",
        "",
        "### Ranking (positives): recall@1 and recall@10 within the same candidate pool",
        "",
        table(metrics, systems, [k for k in keys if k != "hard-negatives"], ["recall@1", "recall@10"]),
        "",
        "### Decisions: F1 (precision and recall below)",
        "",
        table(metrics, systems, keys, ["f1"]),
        "",
        table(metrics, systems, ["all", "cross-script", *scripts], ["precision", "recall"]),
        "",
        "### Hard negatives: share of negative queries with no match decided",
        "",
        table(
            metrics,
            systems,
            ["hard-negatives", "variant:hard_negative_name", "variant:hard_negative_same_name"],
            ["negatives_rejected"],
        ),
        "",
        "### TCX candidate recall (expected entity in the candidate pool)",
        "",
        table(metrics, ["tcx"], [k for k in keys if k != "hard-negatives"], ["candidate_recall"]),
        "",
        "### TCX threshold sweep (all queries)",
        "",
        "| threshold | precision | recall | F1 | worst script F1 |",
        "|---|---|---|---|---|",
        *[
            f"| {t} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['worst_script_f1']:.3f} |"
            for t, v in sweep.items()
        ],
        "",
        "### Scoring speed on the evaluation pairs (single process)",
        "",
        "| system | pairs | seconds | pairs/s |",
        "|---|---|---|---|",
        *[
            f"| {s} | {t['pairs']} | {t['seconds']} | {t['pairs_per_second']:,.0f} |"
            for s, t in timing.items()
        ],
        "",
        f"TCX index build: {len(wl_raw)} entities in {build_seconds:.1f} s; candidate retrieval for "
        f"{len(queries)} queries in {candidate_seconds:.2f} s.",
    ]
    text = "\n".join(md)
    (RESULTS / f"quality{suffix}.md").write_text(text + "\n", encoding="utf-8")
    (RESULTS / f"quality{suffix}.json").write_text(
        json.dumps({"metrics": metrics, "sweep": sweep, "timing": timing}, indent=1), encoding="utf-8"
    )
    print(text)


if __name__ == "__main__":
    main()
