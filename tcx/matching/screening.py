"""Screening: candidates from an index, scored by a matcher, best first."""

from __future__ import annotations

import gc
import multiprocessing
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any

from tcx.matching.entity import Entity
from tcx.matching.index import Index
from tcx.matching.scoring import Matcher

# Candidates re-scored per query, at least; more when ``top`` is large.
CANDIDATES = 30
# Queries sent to a worker process at a time by ``screen(..., workers > 1)``.
CHUNK_SIZE = 64


@dataclass(slots=True)
class Hit:
    """One screening result: the indexed entity, its score and the decision."""

    entity_id: str
    score: float
    match: bool
    band: str
    explanation: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form written by ``tcx screen``."""
        return {
            "id": self.entity_id,
            "score": self.score,
            "match": self.match,
            "band": self.band,
            "explanation": self.explanation,
        }


def screen_one(
    query: Entity, index: Index, matcher: Matcher | None = None, top: int = 10, candidates: int | None = None
) -> list[Hit]:
    """Screen one entity: retrieve candidates, score them, return the ``top`` best hits with
    an explanation each (hits scoring 0 — e.g. another kind of subject — are left out)."""
    matcher = matcher or Matcher()
    pool = max(candidates or CANDIDATES, 2 * top)
    found = [e for e, _ in index.candidate_entities(query, pool)]
    scored = []
    for entity in found:
        if entity is query:
            continue
        score, features = matcher.ranked(query, entity)
        if score > 0.0:
            scored.append((score, entity.id, entity, features))
    scored.sort(key=lambda item: (-item[0], item[1]))
    hits = []
    for _, eid, entity, features in scored[:top]:
        # explained for the hits only, from the features ranking read
        result = matcher.result(query, entity, features)
        hits.append(Hit(eid, result.score, result.match, result.band, result.explanation))
    return hits


def screen(
    queries: Iterable[Entity],
    index: Index,
    top: int = 10,
    matcher: Matcher | None = None,
    workers: int = 1,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[tuple[Entity, list[Hit]]]:
    """Screen each query against ``index``; yield ``(query, hits)`` in input order.

    ``workers=1`` (the default) screens in this process, one query at a time, exactly as
    :func:`screen_one` does. ``workers > 1`` screens a batch (a passenger manifest) in that many
    worker processes forked from this one: the index and the matcher are inherited copy-on-write,
    never pickled; only the queries (in chunks of ``chunk_size``) and the hits travel between
    processes. Results are the same as with one worker and come back in input order. Workers are
    forked when the first chunk is submitted and stopped when the iteration ends (or is closed).

    Forking needs the ``fork`` start method (Linux, and other Unix): where it is not available,
    ``workers`` falls back to 1. Fork from a process whose index is fully built and which runs no
    other threads that hold locks the workers need; fork only in-memory indexes such as
    :class:`~tcx.matching.index.MemoryIndex` (an index holding a database connection must not be
    shared with forked children). The platform screens one record at a time with
    :func:`screen_one` and never forks. An exception raised while screening a query is
    raised here; a worker that dies (killed, out of memory) raises
    :class:`concurrent.futures.process.BrokenProcessPool` — neither hangs. Use :func:`parallel_workers`
    to see how many workers a request will get.
    """
    matcher = matcher or Matcher()
    workers = parallel_workers(workers)
    if workers == 1:
        for query in queries:
            yield query, screen_one(query, index, matcher, top)
        return
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    yield from _screen_forked(queries, index, matcher, top, workers, chunk_size)


def parallel_workers(requested: int) -> int:
    """The number of worker processes :func:`screen` uses for ``requested``: ``requested`` where
    the ``fork`` start method exists, else 1. ``requested`` below 1 is an error."""
    if requested < 1:
        raise ValueError("workers must be at least 1")
    if requested > 1 and "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return requested


# The worker's copy of what it screens against, set by _init_worker in each forked child.
_WORKER: tuple[Index, Matcher, int] | None = None


def _init_worker(index: Index, matcher: Matcher, top: int) -> None:
    # Under 'fork', initargs are inherited, not pickled. Freeze the inherited objects so the
    # child's garbage collector never walks (and so never copies) the pages of the index.
    global _WORKER
    gc.freeze()
    _WORKER = (index, matcher, top)


def _screen_chunk(chunk: list[tuple[Entity, bool]]) -> list[list[Hit]]:
    if _WORKER is None:  # pragma: no cover - only if a worker was started without _init_worker
        raise RuntimeError("screening worker not initialised")
    index, matcher, top = _WORKER
    results = []
    for query, indexed in chunk:
        if indexed:
            # The query is itself an indexed entity (screening a watchlist against itself): use
            # this process's inherited copy, so screen_one skips it as it does in one process.
            query = index.get(query.id) or query
        results.append(screen_one(query, index, matcher, top))
    return results


def _task(chunk: list[Entity], index: Index) -> list[tuple[Entity, bool]]:
    # A pickled query is a copy: mark the queries that are the indexed objects themselves.
    return [(query, index.get(query.id) is query) for query in chunk]


def _chunks(queries: Iterable[Entity], size: int) -> Iterator[list[Entity]]:
    it = iter(queries)
    while chunk := list(islice(it, size)):
        yield chunk


def _screen_forked(
    queries: Iterable[Entity], index: Index, matcher: Matcher, top: int, workers: int, chunk_size: int
) -> Iterator[tuple[Entity, list[Hit]]]:
    # Chunks are read from ``queries`` in this thread only, at most 2 per worker ahead of the one
    # being yielded, so a large manifest is never held in memory at once and a reader that reports
    # bad lines as it goes reports them in order.
    sys.stdout.flush()  # a forked child flushes what it inherited when it exits: leave it nothing
    sys.stderr.flush()
    context = multiprocessing.get_context("fork")
    executor = ProcessPoolExecutor(workers, context, initializer=_init_worker, initargs=(index, matcher, top))
    pending: deque[tuple[list[Entity], Future[list[list[Hit]]]]] = deque()
    chunks = _chunks(queries, chunk_size)
    try:
        for chunk in chunks:
            pending.append((chunk, executor.submit(_screen_chunk, _task(chunk, index))))
            if len(pending) >= 2 * workers:
                break
        while pending:
            chunk, future = pending.popleft()
            results = future.result()
            nxt = next(chunks, None)
            if nxt is not None:
                pending.append((nxt, executor.submit(_screen_chunk, _task(nxt, index))))
            yield from zip(chunk, results, strict=True)
    finally:
        for _, future in pending:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)
