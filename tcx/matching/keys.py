"""Blocking keys and their rarity weights — shared by every index implementation.

An index stores ``(key, entity_id)`` postings for ``keys_for(entity)`` and counts each key's
document frequency (df). To find candidates it calls :func:`plan` with the query's keys and their
dfs: keys are visited rarest first, each weighted by :func:`key_weight`; postings are read until
a budget is spent, so a very common name part (Nguyen, Mohd, Aung) neither floods the candidate
list nor is dropped — it still counts through the pair keys that combine it with the other
parts of the name (``b:anh|nguyen``), which are rare.

Key prefixes: ``i:`` identifier, ``n:`` name token (vowel-folded), ``p:`` phonetic skeleton,
``b:`` pair of name tokens, ``q:`` pair of phonetic skeletons, ``s:`` original-script token,
``y:`` name token with birth year, ``t:`` full date (of birth), ``d:`` one-letter deletions of a
single-part name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from tcx.matching.entity import Entity
from tcx.matching.text import LEGAL_FORMS, vowel_fold

# Postings read per query before only already-found candidates are considered.
SCAN_BUDGET = 1500
_MAX_PAIR_TOKENS = 5
_PREFIX_BOOST = {"i": 3.0, "b": 1.2, "y": 1.2, "q": 1.2, "n": 1.0, "s": 1.0, "p": 0.8, "d": 0.8}


def keys_for(entity: Entity) -> list[str]:
    """Return the blocking keys of an entity (deduplicated, stable order)."""
    keys: dict[str, None] = {}
    for ident in entity.identifiers:
        keys["i:" + ident.key] = None
    years = {d.year for d in entity.dates}
    for date in entity.dates:
        if date.day:
            # a full date of birth is rare in any watchlist (~1 in 20,000 at random): it finds a
            # person whose name is misspelt or differently romanised, among a million records
            keys[f"t:{date.year:04d}-{date.month:02d}-{date.day:02d}"] = None
    for form in entity.names:
        # name tokens are keyed vowel-folded (Ly / Lee / li share n:li); the matcher re-ranks
        folded = [vowel_fold(t) for t in form.tokens]
        tokens = [t for t in folded if len(t) > 1]
        for token, skel in zip(folded, form.skeletons, strict=True):
            if len(token) > 1:
                keys["n:" + token] = None
                if len(skel) > 1:
                    keys["p:" + skel] = None
                for year in years:
                    keys[f"y:{token}:{year}"] = None
        head = sorted(set(tokens[:_MAX_PAIR_TOKENS]))
        for i, a in enumerate(head):
            for b in head[i + 1 :]:
                keys[f"b:{a}|{b}"] = None
        skels = sorted({s for s in form.skeletons[:_MAX_PAIR_TOKENS] if s})
        for i, a in enumerate(skels):
            for b in skels[i + 1 :]:
                keys[f"q:{a}|{b}"] = None
        if len(tokens) > 1:
            # the name written as one word, without its legal form (PT Sinar Harapan / Sinarharapan)
            keys["n:" + "".join(t for t in folded if t not in LEGAL_FORMS)] = None
        elif len(tokens) == 1 and len(tokens[0]) >= 4:
            # a single-part name (common in Indonesia) has no other part to find it by when it
            # is misspelt: key it by its one-letter deletions too (Tmania / Tania share d:tania)
            token = tokens[0]
            keys["d:" + token] = None
            for i in range(len(token)):
                keys["d:" + token[:i] + token[i + 1 :]] = None
        for original in form.original:
            keys["s:" + original] = None
    return list(keys)


def key_weight(key: str, df: int, total: int) -> float:
    """Weight of a key found in ``df`` of ``total`` entities: inverse document frequency,
    boosted by the key's kind (an identifier counts three times a name token)."""
    if df <= 0:
        return 0.0
    return _PREFIX_BOOST.get(key[0], 1.0) * math.log(1.0 + total / df)


def plan(
    keys: Sequence[str], df: Mapping[str, int], total: int, budget: int = SCAN_BUDGET
) -> list[tuple[str, float, bool]]:
    """Order the query's keys for candidate retrieval.

    Returns ``(key, weight, scan)`` tuples, rarest first. ``scan`` is True while the running sum
    of dfs stays within ``budget`` (the first key is always scanned): scanned keys are read and
    their weights summed per entity; the others are too common to read (an index may still use
    them to break ties). Keys absent from the index are left out.
    """
    present = sorted((count, k) for k in keys if (count := df.get(k, 0)) > 0)
    out: list[tuple[str, float, bool]] = []
    spent = 0
    for count, key in present:
        scan = spent == 0 or spent + count <= budget
        if scan:
            spent += count
        else:
            spent = budget + 1  # once a key is skipped, every commoner one is too
        out.append((key, key_weight(key, count, total), scan))
    return out
