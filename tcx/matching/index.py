"""Candidate indexes: the :class:`Index` interface and its in-memory implementation.

An index holds entities and answers ``candidates(query, n)``: the ids of up to ``n`` indexed
entities that share the rarest blocking keys with the query, with their key weight. Key
generation and weighting live in :mod:`tcx.matching.keys` so that a database-backed index (a
table of ``(key, entity_id)`` plus key document frequencies) ranks exactly as this one does.
"""

from __future__ import annotations

import heapq
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from operator import itemgetter

from tcx.matching.entity import Entity
from tcx.matching.keys import SCAN_BUDGET, keys_for, plan


class Index(ABC):
    """What screening needs from an index of entities."""

    @abstractmethod
    def add(self, entity: Entity) -> None:
        """Add an entity, replacing any entity with the same id."""

    def add_many(self, entities: Iterable[Entity]) -> int:
        """Add entities; return how many were added."""
        count = 0
        for entity in entities:
            self.add(entity)
            count += 1
        return count

    @abstractmethod
    def remove(self, entity_id: str) -> bool:
        """Remove an entity by id; return False if it was not indexed."""

    @abstractmethod
    def get(self, entity_id: str) -> Entity | None:
        """Return the indexed entity with this id, or None."""

    @abstractmethod
    def candidates(self, query: Entity, n: int) -> list[tuple[str, float]]:
        """Return up to ``n`` ``(entity_id, key_weight)`` pairs, best first."""

    @abstractmethod
    def __len__(self) -> int:
        """Number of indexed entities."""

    def candidate_entities(self, query: Entity, n: int) -> list[tuple[Entity, float]]:
        """Like :meth:`candidates` but returns the entities themselves. Indexes that can fetch
        many entities at once (a database) override it."""
        return [(e, w) for eid, w in self.candidates(query, n) if (e := self.get(eid)) is not None]


class MemoryIndex(Index):
    """An in-memory inverted index over blocking keys (files, batches, benchmarks).

    Entities are stored in their compact parsed form, so screening scores them without parsing
    again. Not thread-safe for writes.
    """

    def __init__(self, entities: Iterable[Entity] = (), budget: int = SCAN_BUDGET) -> None:
        """Create an index, optionally filled with ``entities``; ``budget`` bounds postings read
        per query (see :func:`tcx.matching.keys.plan`)."""
        self.budget = budget
        self._postings: dict[str, list[int]] = {}
        self._entities: list[Entity | None] = []
        self._slot: dict[str, int] = {}
        self.add_many(entities)

    def __len__(self) -> int:
        return len(self._slot)

    def __iter__(self) -> Iterator[Entity]:
        return (e for e in self._entities if e is not None)

    def add(self, entity: Entity) -> None:
        """Add an entity, replacing any entity with the same id."""
        if entity.id in self._slot:
            self.remove(entity.id)
        slot = len(self._entities)
        self._entities.append(entity)
        self._slot[entity.id] = slot
        postings = self._postings
        for key in keys_for(entity):
            bucket = postings.get(key)
            if bucket is None:
                postings[key] = [slot]
            else:
                bucket.append(slot)

    def remove(self, entity_id: str) -> bool:
        """Remove an entity by id; return False if it was not indexed."""
        slot = self._slot.pop(entity_id, None)
        if slot is None:
            return False
        entity = self._entities[slot]
        self._entities[slot] = None
        if entity is not None:
            for key in keys_for(entity):
                bucket = self._postings.get(key)
                if bucket is not None:
                    bucket.remove(slot)
                    if not bucket:
                        del self._postings[key]
        return True

    def get(self, entity_id: str) -> Entity | None:
        """Return the indexed entity with this id, or None."""
        slot = self._slot.get(entity_id)
        return None if slot is None else self._entities[slot]

    def document_frequency(self, key: str) -> int:
        """Number of indexed entities that have ``key``."""
        bucket = self._postings.get(key)
        return len(bucket) if bucket else 0

    def candidate_entities(self, query: Entity, n: int) -> list[tuple[Entity, float]]:
        """Like :meth:`candidates` but returns the entities themselves."""
        postings = self._postings
        keys = keys_for(query)
        df = {k: len(postings[k]) for k in keys if k in postings}
        scores: dict[int, float] = {}
        get = scores.get
        for key, weight, scan in plan(keys, df, len(self._slot) or 1, self.budget):
            if not scan:
                break  # plan() is sorted rarest first: the rest are common keys (the matcher re-ranks)
            for slot in postings[key]:
                scores[slot] = get(slot, 0.0) + weight
        best = heapq.nlargest(n, scores.items(), key=itemgetter(1))
        entities = self._entities
        return [(e, w) for slot, w in best if (e := entities[slot]) is not None]

    def candidates(self, query: Entity, n: int) -> list[tuple[str, float]]:
        """Return up to ``n`` ``(entity_id, key_weight)`` pairs sharing the rarest keys, best first."""
        return [(e.id, w) for e, w in self.candidate_entities(query, n)]
