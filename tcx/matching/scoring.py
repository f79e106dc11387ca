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

from tcx.matching.entity import _ORGANISATIONAL, Entity, PartialDate, comparable
from tcx.matching.identifiers import CONFLICT_KINDS
from tcx.matching.text import HAN, LATIN, LEGAL_WEIGHT, NameForm, skeleton, vowel_fold

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
    "differs": -1.8,
    "conflict": -2.8,
}
ID_AGREE = {"phone_national": 2.5, "domain": 2.0, "plate": 2.5, "callsign": 2.0}
ID_AGREE_DEFAULT = 4.5
ID_CONFLICT = {"passport": -2.5, "id": -3.0, "imo": -4.0, "mmsi": -3.0, "vin": -4.0}
# Corroboration: a person compared on the name alone (no date of birth, no identifier on one
# side or the other) needs a stronger name to reach a match, and a name made only of common
# parts (Nguyen Van Minh, Muhammad Ali) never reaches it on its own.
NAME_ONLY = -0.3
NAME_ONLY_COMMON = -1.5
# ... and one whose name agrees only in part (Ho Son / Ho Son Hoa: a part missing on one side)
NAME_ONLY_PARTIAL = -1.0
COUNTRY_AGREE = 0.3
COUNTRY_CONFLICT = -0.6
GENDER_CONFLICT = -1.5

_lev = Levenshtein.normalized_similarity
_NO_KEYS: frozenset[str] = frozenset()

# Token pairs below this similarity are treated as unmatched name parts.
TOKEN_FLOOR = 0.6
# Unmatched name parts: each costs this share of its weight; parts unmatched on both sides
# (a part that differs rather than one that is missing) cost this much more.
MISSING_PENALTY = 0.3
# In Chinese names every syllable is part of the name: one syllable more or less (月 / 月燕)
# makes another name. (Not Burmese: its romanised syllables are split less reliably.)
SYLLABIC_MISSING_PENALTY = 0.7
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
    ta: tuple[str, ...],
    tb: tuple[str, ...],
    wa: tuple[float, ...],
    wb: tuple[float, ...],
    sims: list[float],
    missing: float = MISSING_PENALTY,
) -> float:
    """Greedy one-to-one alignment of name parts on precomputed pair similarities ``sims``."""
    num, den, _, _ = _align_full(ta, tb, wa, wb, sims, missing)
    return num / den if den else 0.0


def _align_full(
    ta: tuple[str, ...],
    tb: tuple[str, ...],
    wa: tuple[float, ...],
    wb: tuple[float, ...],
    sims: list[float],
    missing: float = MISSING_PENALTY,
) -> tuple[float, float, int, int]:
    """:func:`_align` as (numerator, denominator), with the bit masks of the parts aligned."""
    nb = len(tb)
    # pairs below the floor are never aligned: sort only the others (stable, best first)
    order = sorted(
        [idx for idx, sim in enumerate(sims) if sim >= TOKEN_FLOOR], key=sims.__getitem__, reverse=True
    )
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
    # weight of the parts left unaligned on each side (summed in order, as always)
    ua = 0.0
    for i, w in enumerate(wa):
        if not used_a >> i & 1:
            ua += w
    ub = 0.0
    for j, w in enumerate(wb):
        if not used_b >> j & 1:
            ub += w
    den += MISSING_PENALTY * (ua + ub) + DIFFERING_PENALTY * (ua if ua < ub else ub)
    if missing != MISSING_PENALTY:  # parts left over on one side only (a syllable more or less)
        den += (missing - MISSING_PENALTY) * abs(ua - ub)
    return num, den, used_a, used_b


# Two Vietnamese name parts spelled with the same letters but other marks (Hùng / Hưng, Lan /
# Lân) are different names when both sides carry their marks.
MARKS_DIFFER = 0.0


def marked_name_similarity(fa: NameForm, fb: NameForm) -> float:
    """Similarity of two name forms that both carry Vietnamese diacritics: as
    :func:`latin_name_similarity`, but parts whose marks differ do not align, and the given
    name (the last part) left without a partner makes the names differ (Minh / Minh Anh)."""
    key = (fa.tokens, fb.tokens, fa.marks, fb.marks)
    sim = _MARKED_CACHE.get(key)
    if sim is not None:
        return sim
    ta, tb = fa.tokens, fb.tokens
    sims = list(_token_sims(ta, tb, fa.skeletons, fb.skeletons))
    nb = len(tb)
    for idx in range(len(sims)):
        i, j = divmod(idx, nb)
        ma, mb = fa.marks[i], fb.marks[j]
        if ma and mb and ma != mb and ta[i] == tb[j]:
            sims[idx] = MARKS_DIFFER
    num, den, used_a, used_b = _align_full(ta, tb, fa.weights, fb.weights, sims)
    if len(ta) != len(tb):
        # a last part without partner is, in Vietnamese order, a given name that differs
        if not used_a >> (len(ta) - 1) & 1:
            den += DIFFERING_PENALTY * fa.weights[-1]
        elif not used_b >> (nb - 1) & 1:
            den += DIFFERING_PENALTY * fb.weights[-1]
    value = num / den if den else 0.0
    if len(_MARKED_CACHE) >= _TOKEN_CACHE_MAX:
        _MARKED_CACHE.clear()
    _MARKED_CACHE[key] = value
    return value


def _token_sims(
    ta: tuple[str, ...], tb: tuple[str, ...], sa: tuple[str, ...], sb: tuple[str, ...]
) -> list[float]:
    """Similarity of every pair of parts, row by row (``ta[i]`` with each of ``tb``)."""
    get = _TOKEN_CACHE.get
    sims: list[float | None] = [get((a, b)) for a in ta for b in tb]
    if None in sims:
        nb = len(tb)
        for idx, sim in enumerate(sims):
            if sim is None:
                i, j = divmod(idx, nb)
                sims[idx] = cached_token_similarity(ta[i], tb[j], sa[i], sb[j])
    return sims  # type: ignore[return-value]  # no None is left


_NAME_CACHE: dict[tuple[tuple[str, ...], tuple[str, ...]], float] = {}
_MARKED_CACHE: dict[tuple[tuple[str, ...], ...], float] = {}
_SYLLABIC_CACHE: dict[tuple[tuple[str, ...], tuple[str, ...]], float] = {}
_SYLLABIC = frozenset({HAN})
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


def cached_syllabic_name_similarity(fa: NameForm, fb: NameForm) -> float:
    """:func:`latin_name_similarity` for a Han or Burmese name, where a missing syllable counts
    as a differing one (memoised)."""
    key = (fa.tokens, fb.tokens)
    sim = _SYLLABIC_CACHE.get(key)
    if sim is None:
        if len(_SYLLABIC_CACHE) >= _TOKEN_CACHE_MAX:
            _SYLLABIC_CACHE.clear()
        sim = _SYLLABIC_CACHE[key] = latin_name_similarity(fa, fb, SYLLABIC_MISSING_PENALTY)
    return sim


def latin_name_similarity(fa: NameForm, fb: NameForm, missing: float = MISSING_PENALTY) -> float:
    """Similarity of two name forms on their Latin tokens: the best of token alignment (any
    order, missing parts cost little, differing parts cost much) and of the names written
    without spaces (Jinping / Jin Ping)."""
    ta, tb = fa.tokens, fb.tokens
    if ta == tb or (len(ta) == len(tb) and sorted(ta) == sorted(tb)):
        return 1.0
    sims = _token_sims(ta, tb, fa.skeletons, fb.skeletons)
    best = _align(ta, tb, fa.weights, fb.weights, sims, missing)
    if best < 1.0 and len(ta) != len(tb):
        joined = _lev(fa.joined, fb.joined)
        if len(ta) > 1:
            joined = max(joined, _lev("".join(ta[::-1]), fb.joined))
        if joined >= 0.9:
            best = max(best, joined * 0.97)
        if best < 0.95 and joined >= 0.6:  # only worth it when the letters largely agree
            best = max(best, _merged_similarity(fa, fb, missing))
    return best


def _merged_similarity(fa: NameForm, fb: NameForm, missing: float = MISSING_PENALTY) -> float:
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
        best = max(best, 0.98 * _align(tokens, fb.tokens, weights, fb.weights, sims, missing))
    return best


def script_name_similarity(fa: NameForm, fb: NameForm) -> float:
    """Similarity of two names written in the same non-Latin script, on the original tokens
    with every mark kept: a part that differs by one vowel or tone mark is a different part."""
    oa, ob = fa.original, fb.original
    if oa == ob:
        return 1.0
    ones = (1.0,) * len(oa)
    twos = (1.0,) * len(ob)
    sims = [1.0 if a == b else 0.5 * _lev(a, b) for a in oa for b in ob]
    missing = SYLLABIC_MISSING_PENALTY if fa.script in _SYLLABIC else MISSING_PENALTY
    return _align(oa, ob, ones, twos, sims, missing)


def name_similarity(a: Entity, b: Entity) -> tuple[float, NameForm | None, NameForm | None, str]:
    """Best similarity over all name forms of two entities, with the forms and method used.

    Forms of two names written in the same non-Latin script are compared in that script only
    (romanisation would erase the marks that tell the names apart); others on Latin tokens.
    """
    best = 0.0
    best_a: NameForm | None = None
    best_b: NameForm | None = None
    method = "none"
    last = None
    for fa in a.names:
        for fb in b.names:
            if fa.script == fb.script and fa.script != LATIN and fa.original and fb.original:
                pair = (fa.original, fb.original)
                if pair == last:
                    continue  # the forms of one name share its original: compared just now
                last = pair
                sim = _SCRIPT_CACHE.get(pair)
                if sim is None:
                    if len(_SCRIPT_CACHE) >= _TOKEN_CACHE_MAX:
                        _SCRIPT_CACHE.clear()
                    sim = _SCRIPT_CACHE[pair] = script_name_similarity(fa, fb)
                how = "script"
            elif fa.marks and fb.marks:
                sim = marked_name_similarity(fa, fb)
                how = "latin" if fa.script == LATIN and fb.script == LATIN else "transliterated"
            elif fa.script in _SYLLABIC or fb.script in _SYLLABIC:
                sim = cached_syllabic_name_similarity(fa, fb)
                how = "transliterated"
            else:
                sim = _NAME_CACHE.get((fa.tokens, fb.tokens))
                if sim is None:
                    sim = cached_latin_name_similarity(fa, fb)
                how = "latin" if fa.script == LATIN and fb.script == LATIN else "transliterated"
            if sim > best:
                best, best_a, best_b, method = sim, fa, fb, how
                if sim >= 1.0:
                    return best, best_a, best_b, method
    return best, best_a, best_b, method


_DATE_RANK = {"exact": 5, "swap": 4, "partial": 3, "year_near": 2, "differs": 1, "conflict": 0}


def compare_dates(
    da: tuple[PartialDate, ...], db: tuple[PartialDate, ...]
) -> tuple[str, PartialDate, PartialDate]:
    """The most favourable relation between two sets of (partial) dates: ``exact``, ``swap``
    (day and month swapped), ``partial`` (agree as far as both go), ``year_near`` (±1 year),
    ``differs`` (same year, other month/day) or ``conflict`` (other year; ±1 year counts as
    ``year_near`` only when month and day agree or are unknown). Of equally favourable pairs,
    the first (in the order of ``da``, then ``db``)."""
    best: tuple[str, PartialDate, PartialDate] | None = None
    best_rank = -1
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
            rank = _DATE_RANK[rel]
            if rank > best_rank:
                best, best_rank = (rel, x, y), rank
                if rank == 5:
                    return best  # nothing beats exact
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


def _score(logit: float) -> float:
    """The score of a log-odds sum: its logistic, to 4 decimals (0 for incomparable pairs)."""
    return round(1.0 / (1.0 + math.exp(-logit)), 4) if logit > -50 else 0.0


# What :func:`compare` found for a pair, as a plain tuple (it is built for every candidate):
# (logit, comparable, name, identifiers, date, countries_agree, gender_conflict), where
#   name        = (similarity, query form, candidate form, method), or None without names;
#   identifiers = (agreeing keys, conflicting kinds, weight), or None when not both have some;
#   date        = (relation, query date, candidate date), or None;
#   countries_agree is None when not both have countries.
Features = tuple[
    float,
    bool,
    tuple[float, NameForm | None, NameForm | None, str] | None,
    tuple[frozenset[str], list[str], float] | None,
    tuple[str, PartialDate, PartialDate] | None,
    bool | None,
    bool,
]


def compare(a: Entity, b: Entity) -> Features:
    """Compare entity ``a`` (the query) with ``b``: every feature, and their log-odds sum."""
    same_kind = comparable(a, b)
    shared = a.id_keys & b.id_keys if a.id_keys and b.id_keys else _NO_KEYS
    if not same_kind and not shared:
        return (-60.0, False, None, None, None, None, False)

    name = None
    if same_kind and a.names and b.names:
        name = name_similarity(a, b)
        logit = NAME_SLOPE * (name[0] - NAME_CENTRE)
    else:
        logit = NO_NAME

    # identifiers: agreement on any counts (the strongest family); a conflict counts only when
    # nothing agrees
    idents = None
    if a.identifiers and b.identifiers:
        id_weight = 0.0
        conflicts: list[str] = []
        if shared:
            for key in shared:
                weight = ID_AGREE.get(key.split(":", 1)[0], ID_AGREE_DEFAULT)
                if weight > id_weight:
                    id_weight = weight
        else:
            kinds_a = {i.kind for i in a.identifiers if i.kind in CONFLICT_KINDS}
            if kinds_a:
                for kind in kinds_a.intersection([i.kind for i in b.identifiers]):
                    conflicts.append(kind)
                    if ID_CONFLICT[kind] < id_weight:
                        id_weight = ID_CONFLICT[kind]
        logit += id_weight
        idents = (shared, conflicts, id_weight)

    date = None
    agree = None
    gender_conflict = False
    if same_kind:
        if a.dates and b.dates:
            date = compare_dates(a.dates, b.dates)
            logit += DATE_WEIGHTS[date[0]]
        if a.countries and b.countries:
            agree = not a.countries.isdisjoint(b.countries)
            logit += COUNTRY_AGREE if agree else COUNTRY_CONFLICT
        if a.gender and b.gender and a.gender != b.gender:
            gender_conflict = True
            logit += GENDER_CONFLICT
        if name is not None and date is None and idents is None:
            logit += name_only_weight(a, name[1], name[2])
    return (logit, same_kind, name, idents, date, agree, gender_conflict)


def name_only_weight(a: Entity, form: NameForm | None, other: NameForm | None) -> float:
    """The log-odds a pair loses when nothing but the name can be compared (see NAME_ONLY)."""
    weight = NAME_ONLY if a.group == "party" and a.schema not in _ORGANISATIONAL else 0.0
    if form is None or other is None:
        return weight
    if max(form.weights) < 1.0:
        weight += NAME_ONLY_COMMON
    # a part more on one side, not the same letters written as fewer words (Thida / Thi Da)
    na = sum(1 for w in form.weights if w > LEGAL_WEIGHT)
    nb = sum(1 for w in other.weights if w > LEGAL_WEIGHT)
    if na != nb and min(len(form.joined), len(other.joined)) < 0.8 * max(len(form.joined), len(other.joined)):
        weight += NAME_ONLY_PARTIAL
    return weight


def explain_features(a: Entity, b: Entity, features: Features) -> dict[str, Any]:
    """The explanation of a comparison: each feature that counted, with its values and the
    log-odds weight it contributed, and the total (``logit``)."""
    logit, same_kind, name, idents, date, agree, gender_conflict = features
    exp: dict[str, Any] = {}
    if not same_kind and idents is None:  # nothing in common to compare
        exp["schema"] = {"query": a.schema, "candidate": b.schema, "comparable": False}
        exp["logit"] = logit
        return exp
    if name is not None:
        sim, fa, fb, method = name
        exp["name"] = {
            "similarity": round(sim, 3),
            "method": method,
            "query": " ".join(fa.original or fa.tokens) if fa else None,
            "candidate": " ".join(fb.original or fb.tokens) if fb else None,
            "weight": round(NAME_SLOPE * (sim - NAME_CENTRE), 3),
        }
    else:
        exp["name"] = {"similarity": None, "weight": NO_NAME}
    if idents is not None and (idents[0] or idents[1]):
        shared, conflicts, weight = idents
        exp["identifiers"] = {
            "agree": sorted(shared),
            "conflict": sorted(conflicts),
            "weight": round(weight, 3),
        }
    if date is not None:
        rel, x, y = date
        exp["date"] = {
            "result": rel,
            "query": _date_text(x),
            "candidate": _date_text(y),
            "weight": DATE_WEIGHTS[rel],
        }
    if agree is not None:
        exp["country"] = {
            "result": "agree" if agree else "conflict",
            "query": sorted(a.countries),
            "candidate": sorted(b.countries),
            "weight": COUNTRY_AGREE if agree else COUNTRY_CONFLICT,
        }
    if name is not None and date is None and idents is None and name_only_weight(a, name[1], name[2]):
        exp["corroboration"] = {"result": "name only", "weight": name_only_weight(a, name[1], name[2])}
    if gender_conflict:
        exp["gender"] = {
            "result": "conflict",
            "query": a.gender,
            "candidate": b.gender,
            "weight": GENDER_CONFLICT,
        }
    exp["logit"] = round(logit, 3)
    return exp


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
        return self.result(a, b, compare(a, b), explain)

    def rank(self, a: Entity, b: Entity) -> float:
        """The score of :meth:`score` alone, without building a result."""
        return self.ranked(a, b)[0]

    def ranked(self, a: Entity, b: Entity) -> tuple[float, Features]:
        """The score of :meth:`score` and the features it comes from, for :meth:`result`."""
        features = compare(a, b)
        return _score(features[0]), features

    def result(self, a: Entity, b: Entity, features: Features, explain: bool = True) -> Result:
        """The :class:`Result` of :meth:`score` from the features :func:`compare` found for the
        pair: screening ranks every candidate on its features and explains only the best."""
        score = _score(features[0])
        band = self.band(score)
        return Result(
            score=score,
            match=band == "match",
            band=band,
            explanation=explain_features(a, b, features) if explain else {},
        )
