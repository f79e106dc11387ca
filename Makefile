# TCX — the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgresql://postgres@127.0.0.1:5432/tcx_ci

.PHONY: setup run test test-sqlite test-pg test-browser lint format bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	./scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Run TCX with demo data on the embedded SQLite database at http://127.0.0.1:8000
run: setup
	$(BIN)/tcx demo

## The whole test suite on SQLite (browser tests included; they skip without Chromium unless CI is set)
test: setup
	$(BIN)/pytest -q

test-sqlite: test

## The same suite on PostgreSQL (a throw-away test database on the server at PG_URL)
test-pg: setup
	TCX_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m "not browser"

test-browser: setup
	$(BIN)/pytest -q -m browser

lint: setup
	$(BIN)/ruff check tcx bench
	$(BIN)/ruff format --check tcx
	$(BIN)/mypy tcx
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix tcx bench
	$(BIN)/ruff format tcx

## Benchmarks (never part of the tests): see bench/README.md
bench: setup
	$(MAKE) -C bench all

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-artifacts
