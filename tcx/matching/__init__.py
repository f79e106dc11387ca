"""The TCX matching engine: a plain Python library (no Django), see DESIGN.md.

Public API::

    from tcx.matching import parse_entity, MemoryIndex, Matcher, screen

    index = MemoryIndex(parse_entity(d) for d in watchlist_dicts)
    for query, hits in screen((parse_entity(d) for d in query_dicts), index, top=10):
        ...
    # a batch on every core: workers forked after the index is built share it copy-on-write
    for query, hits in screen(queries, index, top=10, workers=os.cpu_count() or 1):
        ...
"""

from tcx.matching.entity import Entity, EntityError, PartialDate, comparable, parse_entity
from tcx.matching.index import Index, MemoryIndex
from tcx.matching.keys import key_weight, keys_for, plan
from tcx.matching.scoring import MATCH_THRESHOLD, POSSIBLE_THRESHOLD, Matcher, Result
from tcx.matching.screening import Hit, screen, screen_one
from tcx.matching.text import NameForm, name_forms

__all__ = [
    "MATCH_THRESHOLD",
    "POSSIBLE_THRESHOLD",
    "Entity",
    "EntityError",
    "Hit",
    "Index",
    "Matcher",
    "MemoryIndex",
    "NameForm",
    "PartialDate",
    "Result",
    "comparable",
    "key_weight",
    "keys_for",
    "name_forms",
    "parse_entity",
    "plan",
    "screen",
    "screen_one",
]
