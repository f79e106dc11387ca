#!/usr/bin/env bash
# Build .venv-bench: the peers (nomenklatura logic-v1/logic-v2) and the name lists (Faker)
# used by the matching evaluation. Kept apart from .venv because nomenklatura pins its own
# followthemoney and rigour. Idempotent: re-running only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
if [ ! -x .venv-bench/bin/python ]; then
    "$PYTHON" -m venv .venv-bench
fi
.venv-bench/bin/python -m pip install --quiet --upgrade pip
.venv-bench/bin/python -m pip install --quiet -r bench/requirements.txt
.venv-bench/bin/python -c "import nomenklatura.matching, faker, pythainlp, icu; print('.venv-bench ready')"
