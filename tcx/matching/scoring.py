"""Pairwise scoring: features for names, dates, countries, gender and identifiers, combined into
one calibrated score in [0, 1] with an explanation of every feature that counted.

The features add up in log-odds (``logit``); the score is its logistic. Weights and the two
thresholds were set on the evaluation set built by ``bench/matching/build_eval.py`` (see
``bench/RESULTS.md``): a score of at least :data:`MATCH_THRESHOLD` is a match, at least
:data:`POSSIBLE_THRESHOLD` a possible match for an analyst to review.

On that set F1 is flat (0.988-0.989) for match thresholds from 0.5 to 0.8; 0.70 keeps
precision at 0.998 (a false match tells another country it holds your subject) for a recall
of 0.980, and sits inside the plateau so a small shift in the data flips few decisions.
0.50 for "possible" is where the logit is 0: evidence for and against balance, which is when
a human should look.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein

from tcx.matching.entity import Entity, PartialDate, comparable
from tcx.matching.identifiers import CONFLICT_KINDS
from tcx.matching.text import LATIN, NameForm, skeleton, vowel_fold

MATCH_THRESHOLD = 0.70
POSSIBLE_THRESHOLD = 0.50

# Log-odds contributions (see module docstring).
NAME_SLOPE = 10.0
NAME_CENTRE = 0.75
NO_NAME = -2.0
DATE_WEIGHTS = {
    "exact": 1.6,
    "swap": 0.9,
    "partial": 0.5,
    "year_near": -0.3,
    "differs": -1.2,
    "conflict": -2.8,
}
ID_AGREE = {"phone_national": 2.5, "domain": 2.0, "plate": 2.5, "callsign": 2.0}
ID_AGREE_DEFAULT = 4.5
ID_CONFLICT = {"passport": -2.5, "id": -3.0, "imo": -4.0, "mmsi": -3.0, "vin": -4.0}
COUNTRY_AGREE = 0.3
COUNTRY_CONFLICT = -0.6
GENDER_CONFLICT = -1.5

_lev = Levenshtein.normalized_similarity

# Token pairs below this similarity are treated as unmatched name parts.
TOKEN_FLOOR = 0.6
# Unmatched name parts: each costs this share of its weight; parts unmatched on both sides
# (a part that differs rather than one that is missing) cost this much more.
MISSING_PENALTY = 0.3
DIFFERING_PENALTY = 0.7


_TOKEN_CACHE: dict[tuple[str, str], float] = {}
_TOKEN_CACHE_MAX = 1_000_000


def cached_token_similarity(a: str, b: str, sa: str, sb: str) -> float:
    """:func:`token_similarity`, memoised: name parts recur, so most pairs were seen before."""
    key = (a, b)
    sim = _TOKEN_CACHE.get(key)
    if sim is None:
        if len(_TOKEN_CACHE) >= _TOKEN_CACHE_MAX:
            _TOKEN_CACHE.clear()
        sim = _TOKEN_CACHE[key] = token_similarity(a, b, sa, sb)
    return sim


def token_similarity(a: str, b: str, sa: str, sb: str) -> float:
    """Similarity of two ASCII name tokens given their phonetic skeletons ``sa``/``sb``.

    Levenshtein similarity (discounted for short tokens, where one letter makes another name),
    raised to 0.85 when the skeletons agree (Shinawatra / chinwatr); an initial that agrees
    with the first letter of the other token scores 0.6.
    """
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return 0.6 if a[0] == b[0] else 0.0
    if vowel_fold(a) == vowel_fold(b):
        return 0.9  # Su / Suu, Ly / Lee, Nay / Ne
    sim = _lev(a, b)
    if len(a) < 5 or len(b) < 5:
        sim *= 0.8  # one letter changes a short name: Nam / Lam, An / Anh are different people
    if sa == sb and len(sa) >= 2 and (a[0] == b[0] or (len(a) >= 5 and len(b) >= 5)):
        # short names must also agree on the first letter: Hun / Hon, but not Tung / Dang
        return sim if sim > 0.85 else 0.85
    if len(sa) >= 2 and len(sb) >= 2:
        ssim = 0.8 * _lev(sa, sb)
        if ssim > sim:
            return ssim
    return sim


def _align(
    ta: tuple[str, ...], tb: tuple[str, ...], wa: tuple[float, ...], wb: tuple[float, ...], sims: list[float]
) -> float:
    """Greedy one-to-one alignment of name parts on precomputed pair similarities ``sims``."""
    nb = len(tb)
    # pairs below the floor are never aligned: sort only the others (stable, best first)
    above = [idx for idx, sim in enumerate(sims) if sim >= TOKEN_FLOOR]
    order = sorted(above, key=sims.__getitem__, reverse=True)
    used_a = 0
    used_b = 0
    num = 0.0
    den = 0.0
    for idx in order:
        i, j = divmod(idx, nb)
        if used_a >> i & 1 or used_b >> j & 1:
            continue
        used_a |= 1 << i
        used_b |= 1 << j
        w = (wa[i] + wb[j]) * 0.5
        num += sims[idx] * w
        den += w
    ua = _unused(wa, used_a)
    ub = _unused(wb, used_b)
    den += MISSING_PENALTY * (ua + ub) + DIFFERING_PENALTY * min(ua, ub)
    return num / den if den else 0.0


def _unused(weights: tuple[float, ...], used: int) -> float:
    """Total weight of the parts not in the bit set ``used`` (summed in order, as always)."""
    if not used:
        return sum(weights)
    if used == (1 << len(weights)) - 1:
        return 0
    return sum(w for i, w in enumerate(weights) if not used >> i & 1)


def _token_sims(
    ta: tuple[str, ...], tb: tuple[str, ...], sa: tuple[str, ...], sb: tuple[str, ...]
) -> list[float]:
    """Similarity of every pair of parts, row by row (``ta[i]`` with each of ``tb``)."""
    get = _TOKEN_CACHE.get
    sims = []
    for i, a in enumerate(ta):
        for j, b in enumerate(tb):
            sim = get((a, b))
            sims.append(cached_token_similarity(a, b, sa[i], sb[j]) if sim is None else sim)
    return sims


_NAME_CACHE: dict[tuple[tuple[str, ...], tuple[str, ...]], float] = {}
_SCRIPT_CACHE: dict[tuple[tuple[str, ...], tuple[str, ...]], float] = {}


def cached_latin_name_similarity(fa: NameForm, fb: NameForm) -> float:
    """:func:`latin_name_similarity`, memoised on the two token tuples (names recur)."""
    key = (fa.tokens, fb.tokens)
    sim = _NAME_CACHE.get(key)
    if sim is None:
        if len(_NAME_CACHE) >= _TOKEN_CACHE_MAX:
            _NAME_CACHE.clear()
        sim = _NAME_CACHE[key] = latin_name_similarity(fa, fb)
    return sim


def latin_name_similarity(fa: NameForm, fb: NameForm) -> float:
    """Similarity of two name forms on their Latin tokens: the best of token alignment (any
    order, missing parts cost little, differing parts cost much) and of the names written
    without spaces (Jinping / Jin Ping)."""
    ta, tb = fa.tokens, fb.tokens
    if ta == tb or (len(ta) == len(tb) and sorted(ta) == sorted(tb)):
        return 1.0
    sims = _token_sims(ta, tb, fa.skeletons, fb.skeletons)
    best = _align(ta, tb, fa.weights, fb.weights, sims)
    if best < 1.0 and len(ta) != len(tb):
        joined = _lev(fa.joined, fb.joined)
        if len(ta) > 1:
            joined = max(joined, _lev("".join(ta[::-1]), fb.joined))
        if joined >= 0.9:
            best = max(best, joined * 0.97)
        if best < 0.95 and joined >= 0.6:  # only worth it when the letters largely agree
            best = max(best, _merged_similarity(fa, fb))
    return best


def _merged_similarity(fa: NameForm, fb: NameForm) -> float:
    """Align again after joining two adjacent parts of the longer name (Thi Da / Thida)."""
    if len(fa.tokens) < len(fb.tokens):
        fa, fb = fb, fa
    ta, wa = fa.tokens, fa.weights
    best = 0.0
    for i in range(len(ta) - 1):
        tokens = (*ta[:i], ta[i] + ta[i + 1], *ta[i + 2 :])
        weights = (*wa[:i], max(wa[i], wa[i + 1]), *wa[i + 2 :])
        skeletons = [skeleton(t) for t in tokens]
        sims = [
            cached_token_similarity(a, b, skeletons[x], fb.skeletons[y])
            for x, a in enumerate(tokens)
            for y, b in enumerate(fb.tokens)
        ]
        best = max(best, 0.98 * _align(tokens, fb.tokens, weights, fb.weights, sims))
    return best


def script_name_similarity(fa: NameForm, fb: NameForm) -> float:
    """Similarity of two names written in the same non-Latin script, on the original tokens
    with every mark kept: a part that differs by one vowel or tone mark is a different part."""
    oa, ob = fa.original, fb.original
    if oa == ob:
        return 1.0
    ones = tuple(1.0 for _ in oa)
    twos = tuple(1.0 for _ in ob)
    sims = [1.0 if a == b else 0.5 * _lev(a, b) for a in oa for b in ob]
    return _align(oa, ob, ones, twos, sims)


def name_similarity(a: Entity, b: Entity) -> tuple[float, NameForm | None, NameForm | None, str]:
    """Best similarity over all name forms of two entities, with the forms and method used.

    Forms of two names written in the same non-Latin script are compared in that script only
    (romanisation would erase the marks that tell the names apart); others on Latin tokens.
    """
    best = 0.0
    best_a: NameForm | None = None
    best_b: NameForm | None = None
    method = "none"
    for fa in a.names:
        for fb in b.names:
            if fa.script == fb.script and fa.script != LATIN and fa.original and fb.original:
                pair = (fa.original, fb.original)
                sim = _SCRIPT_CACHE.get(pair)
                if sim is None:
                    if len(_SCRIPT_CACHE) >= _TOKEN_CACHE_MAX:
                        _SCRIPT_CACHE.clear()
                    sim = _SCRIPT_CACHE[pair] = script_name_similarity(fa, fb)
                how = "script"
            else:
                sim = cached_latin_name_similarity(fa, fb)
                how = "latin" if fa.script == LATIN and fb.script == LATIN else "transliterated"
            if sim > best:
                best, best_a, best_b, method = sim, fa, fb, how
                if sim >= 1.0:
                    return best, best_a, best_b, method
    return best, best_a, best_b, method


def compare_dates(
    da: tuple[PartialDate, ...], db: tuple[PartialDate, ...]
) -> tuple[str, PartialDate, PartialDate]:
    """The most favourable relation between two sets of (partial) dates: ``exact``, ``swap``
    (day and month swapped), ``partial`` (agree as far as both go), ``year_near`` (±1 year),
    ``differs`` (same year, other month/day) or ``conflict`` (other year; ±1 year counts as
    ``year_near`` only when month and day agree or are unknown)."""
    rank = {"exact": 5, "swap": 4, "partial": 3, "year_near": 2, "differs": 1, "conflict": 0}
    best: tuple[str, PartialDate, PartialDate] | None = None
    for x in da:
        for y in db:
            if x.year == y.year:
                if x.month and y.month:
                    if x.month == y.month:
                        if x.day and y.day:
                            rel = "exact" if x.day == y.day else "differs"
                        else:
                            rel = "exact" if x.day == y.day else "partial"
                    elif x.day and y.day and x.day == y.month and x.month == y.day:
                        rel = "swap"
                    else:
                        rel = "differs"
                else:
                    rel = "exact" if (x.month, x.day) == (y.month, y.day) else "partial"
            elif abs(x.year - y.year) == 1:
                # a slip in the year only if the rest agrees (or is unknown)
                rel = (
                    "year_near"
                    if (x.month, x.day) == (y.month, y.day) or not (x.month and y.month)
                    else "conflict"
                )
            else:
                rel = "conflict"
            if best is None or rank[rel] > rank[best[0]]:
                best = (rel, x, y)
    assert best is not None
    return best


@dataclass(slots=True)
class Result:
    """The outcome of comparing two entities.

    ``score`` in [0, 1]; ``match`` when it reaches the match threshold; ``band`` is ``match``,
    ``possible`` or ``none``; ``explanation`` names each feature with its values and the
    log-odds weight it contributed.
    """

    score: float
    match: bool
    band: str
    explanation: dict[str, Any] = field(default_factory=dict)


@functools.lru_cache(maxsize=65_536)
def _date_text(date: PartialDate) -> str:
    return str(date)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _score(logit: float) -> float:
    return round(_sigmoid(logit), 4) if logit > -50 else 0.0


class Matcher:
    """Scores pairs of :class:`~tcx.matching.entity.Entity` objects.

    ``Matcher().score(query, candidate)`` returns a :class:`Result`; thresholds can be
    overridden per matcher (``Matcher(match_threshold=0.8)``).
    """

    def __init__(
        self, match_threshold: float = MATCH_THRESHOLD, possible_threshold: float = POSSIBLE_THRESHOLD
    ):
        """Create a matcher with the given decision thresholds (defaults from the evaluation set)."""
        if not 0.0 <= possible_threshold <= match_threshold <= 1.0:
            raise ValueError("thresholds must satisfy 0 <= possible <= match <= 1")
        self.match_threshold = match_threshold
        self.possible_threshold = possible_threshold

    def band(self, score: float) -> str:
        """Return ``match``, ``possible`` or ``none`` for a score."""
        if score >= self.match_threshold:
            return "match"
        if score >= self.possible_threshold:
            return "possible"
        return "none"

    def score(self, a: Entity, b: Entity, explain: bool = True) -> Result:
        """Compare entity ``a`` (the query) with ``b`` (the candidate).

        With ``explain=False`` the explanation is left empty (faster, for ranking).
        """
        logit, explanation = self._logit(a, b, explain)
        score = _score(logit)
        band = self.band(score)
        if explain:
            explanation["logit"] = round(logit, 3)
        return Result(score=score, match=band == "match", band=band, explanation=explanation)

    def rank(self, a: Entity, b: Entity) -> float:
        """The score of :meth:`score` alone, without building a result: screening ranks every
        candidate with it and explains only the best."""
        return _score(self._logit(a, b, False)[0])

    def _logit(self, a: Entity, b: Entity, explain: bool) -> tuple[float, dict[str, Any]]:
        exp: dict[str, Any] = {}
        same_kind = comparable(a, b)
        shared = a.id_keys & b.id_keys if a.id_keys and b.id_keys else frozenset()
        if not same_kind and not shared:
            if explain:
                exp["schema"] = {"query": a.schema, "candidate": b.schema, "comparable": False}
            return -60.0, exp

        # names
        if a.names and b.names and same_kind:
            sim, fa, fb, method = name_similarity(a, b)
            logit = NAME_SLOPE * (sim - NAME_CENTRE)
            if explain:
                exp["name"] = {
                    "similarity": round(sim, 3),
                    "method": method,
                    "query": " ".join(fa.original or fa.tokens) if fa else None,
                    "candidate": " ".join(fb.original or fb.tokens) if fb else None,
                    "weight": round(logit, 3),
                }
        else:
            logit = NO_NAME
            if explain:
                exp["name"] = {"similarity": None, "weight": NO_NAME}

        # identifiers
        if a.identifiers and b.identifiers:
            agree_weight = 0.0
            agreed_kinds: set[str] = set()
            for key in shared:
                family = key.split(":", 1)[0]
                weight = ID_AGREE.get(family, ID_AGREE_DEFAULT)
                agree_weight = max(agree_weight, weight)
            if shared:
                agreed_kinds = {i.kind for i in a.identifiers if i.key in shared}
                agreed_kinds |= {i.kind for i in b.identifiers if i.key in shared}
            conflict_weight = 0.0
            conflicts: list[str] = []
            if not shared:
                kinds_a = {i.kind for i in a.identifiers if i.kind in CONFLICT_KINDS}
                if kinds_a:
                    kinds_b = {i.kind for i in b.identifiers if i.kind in CONFLICT_KINDS}
                    for kind in kinds_a & kinds_b:
                        if kind not in agreed_kinds:
                            conflicts.append(kind)
                            conflict_weight = min(conflict_weight, ID_CONFLICT[kind])
            logit += agree_weight + conflict_weight
            if explain and (shared or conflicts):
                exp["identifiers"] = {
                    "agree": sorted(shared),
                    "conflict": sorted(conflicts),
                    "weight": round(agree_weight + conflict_weight, 3),
                }

        if same_kind:
            if a.dates and b.dates:
                rel, x, y = compare_dates(a.dates, b.dates)
                weight = DATE_WEIGHTS[rel]
                logit += weight
                if explain:
                    exp["date"] = {
                        "result": rel,
                        "query": _date_text(x),
                        "candidate": _date_text(y),
                        "weight": weight,
                    }
            if a.countries and b.countries:
                overlap = a.countries & b.countries
                weight = COUNTRY_AGREE if overlap else COUNTRY_CONFLICT
                logit += weight
                if explain:
                    exp["country"] = {
                        "result": "agree" if overlap else "conflict",
                        "query": sorted(a.countries),
                        "candidate": sorted(b.countries),
                        "weight": weight,
                    }
            if a.gender and b.gender and a.gender != b.gender:
                logit += GENDER_CONFLICT
                if explain:
                    exp["gender"] = {"result": "conflict", "query": a.gender, "candidate": b.gender,
                                     "weight": GENDER_CONFLICT}  # fmt: skip
        return logit, exp
