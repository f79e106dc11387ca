"""Score candidate pairs with the nomenklatura peers (runs in .venv-bench).

Reads the evaluation watchlist and queries and a pairs file ({"q": query id, "c": [candidate
ids]} per line, written by evaluate.py), scores every pair with logic-v1 and logic-v2, and
writes one line per pair with both scores, plus a timing summary as the last line.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from followthemoney import model
from nomenklatura.matching import get_algorithm

ALGORITHMS = ("logic-v1", "logic-v2")


def load(path: Path) -> dict:
    out = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            data = json.loads(line)
            # cleaned=False: let followthemoney clean values as it would in yente
            out[data["id"]] = model.get_proxy(data, cleaned=False)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--watchlist", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--pairs", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    watchlist = load(args.watchlist)
    queries = load(args.queries)
    pairs = [json.loads(line) for line in args.pairs.open(encoding="utf-8")]
    algos = {name: get_algorithm(name) for name in ALGORITHMS}
    configs = {name: algo.default_config() for name, algo in algos.items()}
    scores: dict[str, dict[tuple[str, str], float]] = {name: {} for name in ALGORITHMS}
    timing = {}
    for name, algo in algos.items():
        cfg = configs[name]
        n = 0
        start = time.perf_counter()
        for row in pairs:
            query = queries[row["q"]]
            for cid in row["c"]:
                scores[name][(row["q"], cid)] = float(algo.compare(query, watchlist[cid], cfg).score)
                n += 1
        elapsed = time.perf_counter() - start
        timing[name] = {"pairs": n, "seconds": round(elapsed, 2), "pairs_per_second": round(n / elapsed, 1)}
    with args.out.open("w", encoding="utf-8") as handle:
        for row in pairs:
            for cid in row["c"]:
                key = (row["q"], cid)
                handle.write(
                    json.dumps({"q": row["q"], "c": cid, **{n: scores[n][key] for n in ALGORITHMS}}) + "\n"
                )
        handle.write(json.dumps({"timing": timing}) + "\n")


if __name__ == "__main__":
    main()
