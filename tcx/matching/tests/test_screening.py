import multiprocessing
import os
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from tcx.matching import Entity, Matcher, MemoryIndex, screen, screen_one
from tcx.matching import screening as screening_module
from tcx.matching.cli import main
from tcx.matching.io import read_entities
from tcx.matching.screening import parallel_workers

DATA = Path(__file__).parent / "data"
needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork")


def entities(name: str) -> list[Entity]:
    return [row.entity for row in read_entities(DATA / name, None, "Person") if row.entity is not None]


@pytest.fixture(scope="module")
def index() -> MemoryIndex:
    return MemoryIndex(entities("watchlist.jsonl"))


@pytest.fixture(scope="module")
def queries() -> list[Entity]:
    # the watchlist screened against itself (each query is an indexed object, skipped as its
    # own candidate) and the query file, three times over: many chunks, repeated ids
    return entities("watchlist.jsonl") + entities("queries.jsonl") * 3


def as_dicts(results) -> list[tuple[str, list[dict]]]:
    return [(query.id, [hit.to_dict() for hit in hits]) for query, hits in results]


@needs_fork
@pytest.mark.parametrize(("workers", "chunk_size"), [(2, 1), (2, 3), (3, 5), (2, 1000)])
def test_parallel_results_are_identical_and_in_input_order(index, queries, workers, chunk_size):
    own = list(index)
    batch = own + queries  # own: the very objects held by the index
    sequential = as_dicts(screen(batch, index, top=5))
    parallel = list(screen(iter(batch), index, top=5, workers=workers, chunk_size=chunk_size))
    assert [q for q, _ in parallel] == batch  # the caller's query objects, in input order
    assert as_dicts(parallel) == sequential
    assert sequential == [(q.id, [h.to_dict() for h in screen_one(q, index, Matcher(), 5)]) for q in batch]
    # an indexed entity is not its own hit, in a worker as in one process
    assert all(h["id"] != qid for qid, hits in as_dicts(parallel)[: len(own)] for h in hits)


def test_one_worker_never_forks(index, queries, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("workers=1 must not fork")

    monkeypatch.setattr(screening_module, "ProcessPoolExecutor", no_pool)
    assert len(list(screen(queries, index, workers=1))) == len(queries)


def test_without_fork_falls_back_to_one_worker(index, queries, monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])

    def no_pool(*args, **kwargs):
        raise AssertionError("must not fork")

    monkeypatch.setattr(screening_module, "ProcessPoolExecutor", no_pool)
    assert parallel_workers(4) == 1
    assert as_dicts(screen(queries, index, workers=4)) == as_dicts(screen(queries, index))


def test_bad_arguments(index, queries):
    with pytest.raises(ValueError):
        list(screen(queries, index, workers=0))
    with pytest.raises(ValueError):
        list(screen(queries, index, workers=2, chunk_size=0))


class FailingMatcher(Matcher):
    """Fails on one query: raises, or kills the worker process."""

    def __init__(self, fail_on: str, how: str) -> None:
        super().__init__()
        self.fail_on = fail_on
        self.how = how

    def ranked(self, a, b):
        if a.id == self.fail_on:
            if self.how == "exit":
                os._exit(3)
            raise KeyError(f"scoring {a.id} failed")
        return super().ranked(a, b)


@needs_fork
def test_error_in_a_worker_is_raised_here(index, queries):
    matcher = FailingMatcher(queries[-1].id, "raise")
    with pytest.raises(KeyError, match="failed"):
        list(screen(queries, index, matcher=matcher, workers=2, chunk_size=2))


@needs_fork
def test_dead_worker_raises_instead_of_hanging(index, queries):
    matcher = FailingMatcher(queries[-1].id, "exit")
    with pytest.raises(BrokenProcessPool):
        list(screen(queries, index, matcher=matcher, workers=2, chunk_size=2))


@needs_fork
def test_stopping_early_stops_the_workers(index, queries):
    results = screen(queries, index, workers=2, chunk_size=1)
    first = next(results)
    assert first[0] is queries[0]
    results.close()
    assert multiprocessing.active_children() == []


@needs_fork
def test_cli_workers_writes_the_same_output(capsys):
    argv = ["--no-progress", "--against", str(DATA / "watchlist.jsonl"), str(DATA / "queries.jsonl")]
    assert main(argv) == 0
    one = capsys.readouterr()
    assert main([*argv, "--workers", "2"]) == 0
    two = capsys.readouterr()
    assert two.out == one.out and two.out.count("\n") == 4
    assert two.err == one.err  # bad lines reported in order, same summary


def test_cli_rejects_zero_workers(capsys):
    argv = ["--against", str(DATA / "watchlist.jsonl"), str(DATA / "queries.jsonl"), "--workers", "0"]
    assert main(argv) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err
