# ruff: noqa: RUF001  (tables of Burmese, Khmer and Lao letters look like Latin ones)
"""Table-based romanisation for Burmese, Khmer and Lao, which ICU does not transliterate usefully.

These are approximations of the common (passport / press) spellings, good enough for matching
through :func:`tcx.matching.text.skeleton` and edit distance — not linguistic transcriptions.
Burmese is split into syllables because romanised Burmese names write each syllable as a word
("Aung San Suu Kyi"). Khmer register and Lao tone rules are not modelled.
"""

from __future__ import annotations

# --- Burmese ---------------------------------------------------------------------------------

_MY_CONSONANTS = {
    "က": "k", "ခ": "kh", "ဂ": "g", "ဃ": "g", "င": "ng", "စ": "s", "ဆ": "s", "ဇ": "z", "ဈ": "z",
    "ဉ": "ny", "ည": "ny", "ဋ": "t", "ဌ": "ht", "ဍ": "d", "ဎ": "d", "ဏ": "n", "တ": "t", "ထ": "ht",
    "ဒ": "d", "ဓ": "d", "န": "n", "ပ": "p", "ဖ": "ph", "ဗ": "b", "ဘ": "b", "မ": "m", "ယ": "y",
    "ရ": "y", "လ": "l", "ဝ": "w", "သ": "th", "ဟ": "h", "ဠ": "l", "အ": "",
}  # fmt: skip
_MY_INDEPENDENT = {"ဣ": "i", "ဤ": "i", "ဥ": "u", "ဦ": "u", "ဧ": "e", "ဩ": "aw", "ဪ": "aw"}
_ASAT = "\u103a"
_VIRAMA = "\u1039"
_YA_PIN = "\u103b"
_YA_YIT = "\u103c"
_WA = "\u103d"
_HA = "\u103e"
_ANUSVARA = "\u1036"
_MY_VOWELS = {"\u102b": "a", "\u102c": "a", "\u102d": "i", "\u102e": "i", "\u102f": "u", "\u1030": "u",
              "\u1031": "e", "\u1032": "e"}  # fmt: skip
_MY_RIME_OPEN = {"": "a", "a": "a", "i": "i", "u": "u", "e": "e", "ea": "aw", "iu": "o"}
_MY_RIME_FINAL = {
    ("ng", ""): "in", ("ng", "ea"): "aung", ("ng", "iu"): "aing", ("ng", "w"): "win",
    ("ny", ""): "i", ("n", ""): "an", ("n", "i"): "ein", ("n", "u"): "on", ("n", "w"): "un",
    ("m", ""): "an", ("m", "i"): "ein", ("m", "u"): "on", ("m", "w"): "un",
    ("t", ""): "at", ("t", "i"): "eik", ("t", "u"): "ok", ("t", "w"): "ut",
    ("p", ""): "at", ("p", "i"): "eik", ("p", "u"): "ok", ("p", "w"): "ut",
    ("k", ""): "et", ("k", "ea"): "auk", ("k", "iu"): "aik", ("s", ""): "it",
}  # fmt: skip


_DOT_BELOW = "\u1037"  # the creaky tone mark, written between a final consonant and its asat (မြင့်)


def _next_sign(word: str, i: int) -> str:
    """The character after ``word[i]``, looking past a dot below."""
    j = i + 1
    while j < len(word) and word[j] == _DOT_BELOW:
        j += 1
    return word[j] if j < len(word) else ""


def _my_segment(word: str) -> list[str]:
    # ဥ (the vowel u) is often typed for its look-alike ဉ (nya) in ဉာဏ် "Nyan"
    word = word.replace("\u1025\u102c", "\u1009\u102c")
    syllables: list[str] = []
    current = ""
    for i, char in enumerate(word):
        nxt = _next_sign(word, i)
        starts = (char in _MY_CONSONANTS or char in _MY_INDEPENDENT) and nxt not in (_ASAT, _VIRAMA)
        if starts and current:
            syllables.append(current)
            current = ""
        current += char
    if current:
        syllables.append(current)
    return syllables


def _my_render(syllable: str) -> str:
    initial = ""
    final = ""
    vowels = ""
    ya = wa = ha = anusvara = False
    for i, char in enumerate(syllable):
        nxt = _next_sign(syllable, i)
        if char in _MY_CONSONANTS and nxt in (_ASAT, _VIRAMA) and i > 0:
            final = _MY_CONSONANTS[char]
        elif char in _MY_CONSONANTS and i == 0:
            initial = _MY_CONSONANTS[char]
        elif char in _MY_INDEPENDENT:
            return _MY_INDEPENDENT[char]
        elif char in (_YA_PIN, _YA_YIT):
            ya = True
        elif char == _WA:
            wa = True
        elif char == _HA:
            ha = True
        elif char == _ANUSVARA:
            anusvara = True
        elif char in _MY_VOWELS:
            vowels += _MY_VOWELS[char]
    vowels = vowels.replace("aa", "a")
    if vowels in ("ea", "ae"):
        vowels = "ea"
    if ha:
        initial = "sh" if initial == "y" else "h" + initial
    if ya:
        initial = {"kh": "ch", "k": "ky", "g": "gy"}.get(initial, initial + "y")
    if anusvara and not final:
        final = "m"
    if final:
        key = (final, "w" if wa and not vowels else vowels)
        rime = _MY_RIME_FINAL.get(key) or _MY_RIME_FINAL.get((final, ""), "a" + final)
        if wa and key[1] != "w":
            initial += "w"
    else:
        rime = _MY_RIME_OPEN.get(vowels, vowels or "a")
        if wa:
            initial += "w"
    return initial + rime


def myanmar_segments(word: str) -> list[str]:
    """Split a Burmese word into its written syllables (in Burmese script)."""
    return _my_segment(word)


def myanmar_syllables(word: str) -> list[str]:
    """Romanise a Burmese word into one Latin token per syllable (အောင်ဆန်း → ["aung", "san"])."""
    return [s for s in (_my_render(syl) for syl in _my_segment(word)) if s]


# --- Khmer -----------------------------------------------------------------------------------

_KM_CONSONANTS = {
    "ក": "k", "ខ": "kh", "គ": "k", "ឃ": "kh", "ង": "ng", "ច": "ch", "ឆ": "chh", "ជ": "ch", "ឈ": "chh",
    "ញ": "nh", "ដ": "d", "ឋ": "th", "ឌ": "d", "ឍ": "th", "ណ": "n", "ត": "t", "ថ": "th", "ទ": "t",
    "ធ": "th", "ន": "n", "ប": "b", "ផ": "ph", "ព": "p", "ភ": "ph", "ម": "m", "យ": "y", "រ": "r",
    "ល": "l", "វ": "v", "ឝ": "s", "ឞ": "s", "ស": "s", "ហ": "h", "ឡ": "l", "អ": "",
}  # fmt: skip
_KM_VOWELS = {
    "ា": "a", "ិ": "i", "ី": "i", "ឹ": "oe", "ឺ": "eu", "ុ": "o", "ូ": "ou", "ួ": "uo", "ើ": "aeu",
    "ឿ": "oea", "ៀ": "ie", "េ": "e", "ែ": "ae", "ៃ": "ai", "ោ": "ao", "ៅ": "ao", "ំ": "m", "ះ": "h",
    "ឥ": "e", "ឦ": "ei", "ឧ": "o", "ឩ": "ou", "ឪ": "ov", "ឫ": "rue", "ឬ": "rueu", "ឭ": "lue",
    "ឮ": "lueu", "ឯ": "ae", "ឰ": "ai", "ឱ": "ao", "ឲ": "ao", "ឳ": "au",
}  # fmt: skip
_KM_COENG = "\u17d2"
_KM_FIRST_SERIES = frozenset("កខចឆដឋណតថបផសហឡអឝឞ")


def khmer(word: str) -> str:
    """Romanise a Khmer word (approximate UNGEGN consonants and vowels, no register rules)."""
    out: list[str] = []
    for i, char in enumerate(word):
        if char in _KM_CONSONANTS:
            if i > 1 and word[i - 1] == _KM_COENG and _KM_CONSONANTS[char] == _KM_CONSONANTS.get(word[i - 2]):
                continue  # doubled consonant (ញ្ញ): written once
            out.append(_KM_CONSONANTS[char])
            j = i + 1
            while j < len(word) and "\u17c9" <= word[j] <= "\u17d1" and word[j] != _KM_COENG:
                j += 1  # register shifters and other signs
            nxt = word[j] if j < len(word) else ""
            if nxt in _KM_CONSONANTS and (i == 0 or word[i - 1] != _KM_COENG):
                # inherent vowel before the next consonant: "a" for the first series, "o" for the second
                out.append("a" if char in _KM_FIRST_SERIES else "o")
        elif char in _KM_VOWELS:
            out.append(_KM_VOWELS[char])
        elif char == _KM_COENG or "\u17c6" <= char <= "\u17dd":
            continue
        elif char.isascii() and char.isalnum():
            out.append(char.lower())
    return "".join(out)


# --- Lao -------------------------------------------------------------------------------------

_LO_CONSONANTS = {
    "ກ": "k", "ຂ": "kh", "ຄ": "kh", "ງ": "ng", "ຈ": "ch", "ສ": "s", "ຊ": "s", "ຍ": "ny", "ດ": "d",
    "ຕ": "t", "ຖ": "th", "ທ": "th", "ນ": "n", "ບ": "b", "ປ": "p", "ຜ": "ph", "ຝ": "f", "ພ": "ph",
    "ຟ": "f", "ມ": "m", "ຢ": "y", "ຣ": "r", "ລ": "l", "ວ": "v", "ຫ": "h", "ອ": "", "ຮ": "h",
    "ໜ": "n", "ໝ": "m",
}  # fmt: skip
_LO_VOWELS = {
    "ະ": "a", "ັ": "a", "າ": "a", "ິ": "i", "ີ": "i", "ຶ": "u", "ື": "u", "ຸ": "ou", "ູ": "ou",
    "ົ": "o", "ຽ": "ia", "ຳ": "am", "ໍ": "o", "ົ້": "o",
}  # fmt: skip
_LO_LEADING = {"ເ": "e", "ແ": "ae", "ໂ": "o", "ໃ": "ai", "ໄ": "ai"}


def lao(word: str) -> str:
    """Romanise a Lao word (common French-influenced spellings; leading vowels reordered)."""
    out: list[str] = []
    pending = ""
    word = word.replace("\u0ecd\u0eb2", "\u0eb3")  # decomposed am
    for i, char in enumerate(word):
        if char == "ອ" and i > 0 and word[i - 1] in _LO_CONSONANTS:
            out.append("o")  # ອ after a consonant is the vowel o, not a silent carrier
            continue
        if char in _LO_LEADING:
            pending = _LO_LEADING[char]
        elif char in _LO_CONSONANTS:
            out.append(_LO_CONSONANTS[char])
            if pending and char != "ຫ":
                out.append(pending)
                pending = ""
        elif char in _LO_VOWELS:
            out.append(_LO_VOWELS[char])
        elif char.isascii() and char.isalnum():
            out.append(char.lower())
    if pending:
        out.append(pending)
    return "".join(out)
