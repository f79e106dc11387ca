"""Screening: candidates from an index, scored by a matcher, best first."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tcx.matching.entity import Entity
from tcx.matching.index import Index
from tcx.matching.scoring import Matcher

# Candidates re-scored per query, at least; more when ``top`` is large.
CANDIDATES = 30


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
        score = matcher.score(query, entity, explain=False).score
        if score > 0.0:
            scored.append((score, entity.id, entity))
    scored.sort(key=lambda item: (-item[0], item[1]))
    hits = []
    for _, eid, entity in scored[:top]:
        # explained again for the hits only; the name similarities come from the matcher's caches
        result = matcher.score(query, entity, explain=True)
        hits.append(Hit(eid, result.score, result.match, result.band, result.explanation))
    return hits


def screen(
    queries: Iterable[Entity], index: Index, top: int = 10, matcher: Matcher | None = None
) -> Iterator[tuple[Entity, list[Hit]]]:
    """Screen each query against ``index``; yield ``(query, hits)`` in input order."""
    matcher = matcher or Matcher()
    for query in queries:
        yield query, screen_one(query, index, matcher, top)
