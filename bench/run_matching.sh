#!/usr/bin/env bash
# The matching benchmarks in one command: quality vs peers on the evaluation set (TCX in .venv,
# nomenklatura in .venv-bench, same candidates, same run), then speed at 100k and 1M entities.
# Usage: bench/run_matching.sh [--quick]   (--quick: skip the 1M run)
# Results: bench/matching/results/quality.md, quality_eval2.md (+ .json), speed.jsonl (see bench/RESULTS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv-bench/bin/python ] || bash bench/setup.sh
if [ ! -f bench/matching/data/eval/labels.jsonl ]; then
    .venv-bench/bin/python bench/matching/build_eval.py
fi
if [ ! -f bench/matching/data/eval2/labels.jsonl ]; then
    .venv-bench/bin/python bench/matching/build_eval2.py
fi
mkdir -p bench/matching/results
.venv/bin/python bench/matching/evaluate.py              # first set  -> results/quality.md
.venv/bin/python bench/matching/evaluate.py --set eval2  # second set -> results/quality_eval2.md
sizes="100000 1000000"
[ "${1:-}" = "--quick" ] && sizes="100000"
: > bench/matching/results/speed.jsonl
for size in $sizes; do
    echo "speed: $size entities" >&2
    .venv/bin/python bench/matching/speed.py --size "$size" --queries 3000 | tee -a bench/matching/results/speed.jsonl
done
