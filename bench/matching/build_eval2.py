"""Build the second matching evaluation set (runs in .venv-bench), per category of issue 19.

Writes bench/matching/data/eval2/{watchlist,queries,labels}.jsonl. Deterministic for a --seed.
Every label carries ``category`` (also written as ``script``, so evaluate.py slices by it),
``variant`` and ``split``: ``tune`` or ``heldout``, drawn per watchlisted subject — the held-out
half is never used to choose a threshold, weight or rule.

Other sources and generators than the first set (build_eval.py), and none of TCX's tables:
- name_lists2.py: hand-written, hand-checked Sino-Vietnamese readings of Han names, Vietnamese
  names with their diacritic namesakes, Malay given/father names, Burmese syllables with their
  romanisation variants, Hokkien/Teochew surnames, organisation names (Apache-2.0, with TCX);
- OpenCC (Apache-2.0) for traditional <-> simplified characters;
- pypinyin (MIT) for pinyin and Wade-Giles;
- PyCantonese (MIT) for Jyutping, turned into Hong Kong government spellings by the rules below;
- taibun (MIT) for Hokkien (POJ) readings of given names.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import opencc
import pycantonese
from name_lists2 import (
    HAN_GIVEN,
    HAN_SURNAMES,
    HOKKIEN_SURNAMES,
    MS_FATHERS,
    MS_FEMALE,
    MS_MALE,
    MS_MUHAMMAD,
    MY_HONORIFICS,
    MY_SYLLABLES,
    ORG_CORES_EN,
    ORG_CORES_ID,
    ORG_CORES_MY,
    ORG_CORES_TH,
    ORG_CORES_VN,
    ORG_FORMS_VN,
    ORG_TRADES_EN,
    ORG_TRADES_VN,
    VI_FAMILY,
    VI_MIDDLE,
    VI_NAMESAKES,
    VI_SECOND_GIVEN,
)
from pypinyin import Style, lazy_pinyin
from taibun import Converter

OUT = Path(__file__).resolve().parent / "data" / "eval2"
T2S = opencc.OpenCC("t2s")
S2T = opencc.OpenCC("s2t")
POJ = Converter(system="POJ", dialect="south")
CATEGORIES = ["han_viet", "vi_diacritics", "ms_patronymic", "my_burmese", "zh_dialect", "trad_simp",
              "org", "name_only", "typo_case"]  # fmt: skip


def strip_marks(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# --- romanisers ---------------------------------------------------------------------------------


def pinyin(chars: str) -> list[str]:
    return [p.capitalize() for p in lazy_pinyin(chars)]


def wade_giles(chars: str, rnd: random.Random) -> str:
    syl = lazy_pinyin(chars, style=Style.WADEGILES)
    if rnd.random() < 0.4:  # the apostrophe is often dropped in passports
        syl = [s.replace("'", "") for s in syl]
    family, given = syl[0].capitalize(), syl[1:]
    joined = "-".join(given).capitalize() if rnd.random() < 0.7 else " ".join(s.capitalize() for s in given)
    return f"{family} {joined}"


_JP_INITIALS = {"b": "P", "p": "P", "d": "T", "t": "T", "g": "K", "k": "K", "gw": "Kw", "kw": "Kw",
                "j": "Y", "ng": "Ng", "h": "H", "f": "F", "l": "L", "m": "M", "n": "N", "s": "S", "w": "W",
                "z": "Ch", "c": "Ch", "": ""}  # fmt: skip
_JP_FINALS = [("oeng", "eung"), ("oek", "euk"), ("eoi", "ui"), ("eon", "un"), ("eot", "ut"), ("yun", "uen"),
              ("yut", "uet"), ("yu", "u"), ("aa", "a"), ("ou", "o"), ("oe", "oe")]  # fmt: skip


def hk_romanise(jyutping: str) -> str:
    """One Jyutping syllable in the Hong Kong government's spelling (Chan, Wong, Cheung, Tsang)."""
    syl = jyutping.rstrip("123456")
    if syl in ("ng", "m"):
        return syl.capitalize()
    initial = next((i for i in ("gw", "kw", "ng", "b", "p", "d", "t", "g", "k", "j", "h", "f", "l", "m", "n",
                                "s", "w", "z", "c") if syl.startswith(i)), "")  # fmt: skip
    final = syl[len(initial) :]
    for a, b in _JP_FINALS:
        if final.startswith(a):
            final = b + final[len(a) :]
            break
    head = _JP_INITIALS[initial]
    if initial in ("z", "c") and final[:1] in ("e", "u") and final not in ("eung", "euk", "ung", "uk", "u"):
        head = "Ts"  # Tse, Tsui, Tsun
    if initial in ("z", "c") and final.startswith("a") and not final.startswith(("an", "au")):
        head = "Ts"  # Tsang
    if initial == "j" and final.startswith("u"):
        head, final = "Y", final  # Yu, Yuen
    if final == "ei" and initial == "l":
        final = "ee"  # Lee
    if final == "i" and initial in ("s", "z", "c"):
        head, final = {"s": "Sz", "z": "Ch", "c": "Tsz"}[initial], "e" if initial != "z" else "i"
    if initial == "s" and final.startswith(("e", "a")) and final in ("ek", "am"):
        head = "Sh"  # Shek, Shum
    if final == "am" and initial == "s":
        final = "um"
    return (head + final).capitalize()


def cantonese(chars: str, rnd: random.Random) -> str:
    jp = " ".join(j for _, j in pycantonese.characters_to_jyutping(chars) if j).split()
    if len(jp) != len(chars):
        return ""
    syl = [hk_romanise(j) for j in jp]
    given = syl[1:]
    joined = "-".join(given).capitalize() if rnd.random() < 0.5 else " ".join(given)
    return f"{syl[0]} {joined}" if rnd.random() < 0.7 else f"{joined} {syl[0]}"


def hokkien(trad: str, rnd: random.Random) -> str:
    family = HOKKIEN_SURNAMES.get(trad[0])
    if not family:
        return ""
    given = []
    for char in trad[1:]:
        reading = strip_marks(POJ.get(char)).replace("ⁿ", "").replace("o͘", "oo").replace("\u0358", "o")
        given.append(reading.split()[0].capitalize() if reading.strip() else "")
    if not all(given):
        return ""
    return f"{family} {' '.join(given)}"


# --- subjects per category ----------------------------------------------------------------------


class Gen:
    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.identities: set[str] = set()  # the Han names (simplified) of every subject made
        self.other_identity: list[str] = []  # of the last negative names made

    def pick(self, seq):
        return self.rnd.choice(list(seq))

    def han(self) -> tuple[str, str, str, list[tuple[str, str, str]]]:
        """(traditional, simplified, Hán-Việt, parts) of a new Han name."""
        parts = [self.pick(HAN_SURNAMES)] + [self.pick(HAN_GIVEN) for _ in range(self.rnd.choice([1, 2, 2]))]
        self.identities.add("".join(p[1] for p in parts))
        return (
            "".join(p[0] for p in parts),
            "".join(p[1] for p in parts),
            " ".join(p[2] for p in parts),
            parts,
        )

    def han_other(self, parts: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        other = list(parts)
        i = self.rnd.randrange(1, len(parts))
        other[i] = self.pick([g for g in HAN_GIVEN if strip_marks(g[2]) != strip_marks(parts[i][2])])
        self.other_identity.append("".join(p[1] for p in other))
        return other

    def vi(self) -> list[str]:
        family, middle = self.pick(VI_FAMILY), self.pick(VI_MIDDLE)
        group = self.pick(VI_NAMESAKES)
        given = [group[0] if self.rnd.random() < 0.6 else self.pick(group)]
        if self.rnd.random() < 0.2:
            given.append(self.pick(VI_SECOND_GIVEN))
        return [family, middle, *given]

    def ms(self) -> tuple[list[str], str, str]:
        male = self.rnd.random() < 0.6
        given = self.pick(MS_MALE if male else MS_FEMALE).split()
        if male and self.rnd.random() < 0.4:
            given = [self.pick(MS_MUHAMMAD), *given]
        return given, "bin" if male else "binti", self.pick(MS_FATHERS)

    def my(self) -> list[tuple[str, list[str]]]:
        return [self.pick(MY_SYLLABLES) for _ in range(self.rnd.choice([2, 3, 3]))]


_FORM_WORDS = {"pt", "tbk", "sdn", "bhd", "sendirian", "berhad", "syarikat", "perseroan", "terbatas", "co",
               "ltd", "company", "limited", "inc", "incorporated", "corp", "corporation", "pte", "private",
               "jsc", "joint", "stock", "ctcp", "cty", "cong", "ty", "phan", "tnhh", "public", "pcl"}  # fmt: skip


def key(name: str) -> str:
    """A name without case, marks, punctuation, spaces or legal form (to find the same name twice)."""
    words = "".join(c if c.isalnum() else " " for c in strip_marks(name).casefold()).split()
    words = ["muhammad" if w in _MUHAMMAD else w for w in words if w not in ("bin", "binti", "b", "bt")]
    return "".join(w for w in words if w not in _FORM_WORDS) or "".join(words)


_MUHAMMAD = {m.casefold() for m in MS_MUHAMMAD}


def typo(rnd: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rnd.randrange(1, len(word) - 1)
    kind = rnd.choice(["sub", "del", "swap", "ins", "double"])
    if kind == "sub":
        return word[:i] + rnd.choice([c for c in "aeiounrhgl" if c != word[i].lower()]) + word[i + 1 :]
    if kind == "del":
        return word[:i] + word[i + 1 :]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "double":
        return word[: i + 1] + word[i] + word[i + 1 :]
    return word[:i] + rnd.choice("aeioun") + word[i:]


def build(seed: int, targets: int, distractors: int, negatives: int, heldout: float) -> None:
    rnd = random.Random(seed)
    gen = Gen(rnd)
    watchlist: list[dict] = []
    queries: list[dict] = []
    labels: list[dict] = []
    counter = 0

    def new_id(prefix: str) -> str:
        nonlocal counter
        counter += 1
        return f"{prefix}2-{counter:06d}"

    def dob() -> str:
        return f"{rnd.randint(1955, 2004):04d}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"

    def entity(schema: str, names: list[str], country: str | None, gender: str | None) -> dict:
        props: dict[str, list[str]] = {"name": names}
        if schema == "Person":
            props["birthDate"] = [dob()]
            if country and rnd.random() < 0.7:
                props["nationality"] = [country]
            if gender and rnd.random() < 0.4:
                props["gender"] = [gender]
            if rnd.random() < 0.4:
                props["passportNumber"] = [rnd.choice("BCEKMN") + str(rnd.randint(1000000, 9999999))]
        else:
            if country and rnd.random() < 0.7:
                props["jurisdiction"] = [country]
            if rnd.random() < 0.3:
                props["registrationNumber"] = [str(rnd.randint(100000000, 999999999))]
        row = {"id": new_id("wl"), "schema": schema, "properties": props}
        watchlist.append(row)
        return row

    def query(
        rec: dict | None, name: str, category: str, variant: str, split: str, *, schema: str = "Person",
        with_dob: str = "auto", other_dob: bool = False,
    ) -> None:  # fmt: skip
        props: dict[str, list[str]] = {"name": [name]}
        if schema == "Person" and with_dob != "none":
            if other_dob or rec is None:
                if with_dob == "full" or rnd.random() < 0.5:
                    props["birthDate"] = [dob()]
            else:
                base = rec["properties"]["birthDate"][0]
                r = rnd.random()
                props["birthDate"] = [base] if with_dob == "full" or r < 0.75 else [base[:4]]
        if rec is not None and rnd.random() < 0.4:
            for key in ("nationality", "jurisdiction"):
                if key in rec["properties"]:
                    props[key] = rec["properties"][key]
        qid = new_id("q")
        queries.append({"id": qid, "schema": schema, "properties": props})
        labels.append({"query": qid, "expected": rec["id"] if rec and not other_dob else None,
                       "subject": rec["id"] if rec else None,
                       "category": category, "script": category, "variant": variant, "split": split})  # fmt: skip

    def split_of() -> str:
        return "heldout" if rnd.random() < heldout else "tune"

    # Each maker returns (schema, watchlist names, country, gender, positive variants, negative variants);
    # variants are (name, variant) pairs. Negatives are other people (names one part away).
    def make_han_viet():
        trad, simp, hv, parts = gen.han()
        other = gen.han_other(parts)
        ohv = " ".join(p[2] for p in other)
        script = simp if rnd.random() < 0.6 else trad
        if rnd.random() < 0.3:  # the Vietnamese record holds the reading, the query the characters
            names, pos = [hv], [(script, "han_to_hanviet"), (strip_marks(hv), "diacritics_dropped")]
            neg = [("".join(p[1] for p in other), "other_name_han"), (ohv, "other_name_hanviet")]
        else:
            names = [script]
            pos = [(hv, "hanviet"), (strip_marks(hv), "hanviet_plain"), (hv.upper(), "hanviet_upper")]
            neg = [(ohv, "other_name_hanviet"), (strip_marks(ohv), "other_name_plain")]
        return "Person", names, "vn" if rnd.random() < 0.5 else "cn", None, pos, neg

    def make_vi():
        parts = gen.vi()
        name = " ".join(parts)
        group = next(g for g in VI_NAMESAKES if parts[2] in g)
        pos = [(strip_marks(name), "diacritics_dropped"), (name.upper(), "upper"),
               (" ".join([*parts[2:], *parts[:2]]), "western_order"),
               (strip_marks(" ".join([*parts[2:], *parts[:2]])), "western_order_plain"),
               (name, "exact")]  # fmt: skip
        neg = []
        others = [g for g in group if g != parts[2]]
        if others:
            neg += [(" ".join([*parts[:2], rnd.choice(others), *parts[3:]]), "diacritic_namesake")] * 2
        if len(parts) == 3:
            neg.append((name + " " + rnd.choice(VI_SECOND_GIVEN), "extra_given"))
        else:
            neg.append((" ".join(parts[:3]), "missing_given"))
        return "Person", [name], "vn", None, pos, neg

    def make_ms():
        given, particle, father = gen.ms()
        name = " ".join([*given, particle, father])
        core = [g for g in given if g not in MS_MUHAMMAD]
        pos = [(" ".join([*given, father]), "particle_dropped"),
               (" ".join([*given, "B." if particle == "bin" else "Bt.", father]), "particle_abbrev"),
               (name.upper(), "upper"), (("Encik " if particle == "bin" else "Puan ") + name, "honorific")]  # fmt: skip
        if len(given) > len(core):
            pos.append((" ".join([rnd.choice([m for m in MS_MUHAMMAD if m != given[0]]), *core, particle,
                                  father]), "muhammad_form"))  # fmt: skip
        pool = MS_MALE if particle == "bin" else MS_FEMALE
        other = rnd.choice([g for g in pool if g.split() != core]).split()
        neg = [
            (
                " ".join([*given[: len(given) - len(core)], *other, particle, father]),
                "other_given_same_father",
            )
        ] * 2
        return "Person", [name], "my", "male" if particle == "bin" else "female", pos, neg

    def make_my():
        syl = gen.my()
        script = "".join(s for s, _ in syl)
        usual = " ".join(r[0] for _, r in syl)
        male = rnd.random() < 0.5
        hons = [h for h in MY_HONORIFICS if h[3] == ("male" if male else "female")]
        hon = rnd.choice(hons)
        names = [script] if rnd.random() < 0.5 else [usual]
        variant_syl = [rnd.choice(r) for _, r in syl]
        pos = [(f"{hon[1]} {usual}", "honorific"), (f"{hon[2] or hon[1]} {' '.join(variant_syl)}", "honorific_respelled"),
               ("".join(r[0] for _, r in syl[:2]) + (" " + " ".join(r[0] for _, r in syl[2:]) if len(syl) > 2 else ""),
                "syllables_joined"),
               (" ".join(variant_syl), "respelled"), (hon[0] + script, "script_honorific"),
               (usual if names[0] == script else script, "script_changed")]  # fmt: skip
        other = list(syl)
        i = rnd.randrange(len(other))
        other[i] = rnd.choice([s for s in MY_SYLLABLES if s[0] != syl[i][0]])
        neg = [
            (" ".join(r[0] for _, r in other), "other_syllable"),
            ("".join(s for s, _ in other), "other_syllable_script"),
        ]
        return "Person", names, "mm", "male" if male else "female", pos, neg

    def make_zh_dialect():
        trad, _simp, _, parts = gen.han()
        other = gen.han_other(parts)
        otrad = "".join(p[0] for p in other)
        names = (
            [trad] if rnd.random() < 0.6 else [trad, " ".join([pinyin(trad)[0], "".join(pinyin(trad)[1:])])]
        )
        pos, neg = [], []
        for variant, fn in (("wade_giles", lambda t: wade_giles(t, rnd)), ("cantonese", lambda t: cantonese(t, rnd)),
                            ("hokkien", lambda t: hokkien(t, rnd))):  # fmt: skip
            a, b = fn(trad), fn(otrad)
            if a:
                pos.append((a, variant))
            if b and b != a:
                neg.append((b, f"other_name_{variant}"))
        return "Person", names, rnd.choice(["sg", "my", "tw", "hk"]), None, pos, neg

    def make_trad_simp():
        trad, simp, _, parts = gen.han()
        other = gen.han_other(parts)
        if rnd.random() < 0.5:
            names, pos = [trad], [(T2S.convert(trad), "simplified")]
            neg = [("".join(p[1] for p in other), "other_name_simplified")]
        else:
            names, pos = [simp], [(S2T.convert(simp), "traditional")]
            neg = [("".join(p[0] for p in other), "other_name_traditional")]
        if rnd.random() < 0.4:  # entities that carry both names
            py = pinyin(simp)
            names.append(f"{py[0]} {''.join(py[1:])}")
            pos.append((f"{''.join(py[1:])} {py[0]}".upper(), "latin_of_both"))
        return "Person", names, "cn", None, pos, neg

    def make_org():
        kind = rnd.choice(["vn", "th", "my", "id", "en"])

        def mix(cores: list[str]) -> str:  # two words of two different names: Maju Bintang
            return f"{rnd.choice(cores).split()[0]} {rnd.choice(cores).split()[-1]}"

        if kind == "vn":
            a, b = rnd.choice(ORG_CORES_VN), rnd.choice(ORG_CORES_VN)
            core, core_en = f"{a[0].split()[0]} {b[0].split()[-1]}", f"{a[1].split()[0]} {b[1].split()[-1]}"
            trade, trade_en = rnd.choice(ORG_TRADES_VN)
            form, abbr, en = rnd.choice(ORG_FORMS_VN)
            name = f"{form} {trade} {core}"
            pos = [(f"{abbr} {trade} {core}", "abbreviated_form"), (f"{core_en} {trade_en} {en}", "translated"),
                   (f"{core_en} {trade_en} {'Joint Stock Company' if en == 'JSC' else 'Company Limited'}".upper(),
                    "translated_upper")]  # fmt: skip
            oc = rnd.choice([c for c in ORG_CORES_VN if c[0] != core])
            ot = rnd.choice([t for t in ORG_TRADES_VN if t[0] != trade])
            neg = [(f"{form} {trade} {oc[0]}", "other_core"), (f"{oc[1]} {trade_en} {en}", "other_core_translated"),
                   (f"{core_en} {ot[1]} {en}", "other_trade")]  # fmt: skip
        elif kind == "th":
            core, core_en = rnd.choice(ORG_CORES_TH)
            public = rnd.random() < 0.3
            name = f"บริษัท {core} จำกัด" + (" (มหาชน)" if public else "")
            pos = [(f"{core_en} {'Public Company Limited' if public else 'Co., Ltd.'}", "translated"),
                   (f"{core_en} {'PCL' if public else 'Company Limited'}".upper(), "translated_upper"),
                   (f"บจก.{core}" if not public else f"บมจ. {core}", "abbreviated_form")]  # fmt: skip
            oc = rnd.choice([c for c in ORG_CORES_TH if c[0] != core])
            neg = [(f"บริษัท {oc[0]} จำกัด", "other_core"), (f"{oc[1]} Co., Ltd.", "other_core_translated")]
        elif kind == "my":
            core = mix(ORG_CORES_MY)
            trade = rnd.choice(ORG_TRADES_EN)
            name = f"{core} {trade} Sdn. Bhd."
            pos = [(f"{core} {trade} Sdn Bhd", "form_spelling"), (f"{core} {trade} Sendirian Berhad".upper(), "form_spelled_out"),
                   (f"Syarikat {core} {trade}", "form_dropped")]  # fmt: skip
            oc = rnd.choice([c for c in ORG_CORES_MY if c != core])
            neg = [(f"{oc} {trade} Sdn Bhd", "other_core"),
                   (f"{core} {rnd.choice([t for t in ORG_TRADES_EN if t != trade])} Sdn Bhd", "other_trade")]  # fmt: skip
        elif kind == "id":
            core = mix(ORG_CORES_ID)
            tbk = rnd.random() < 0.4
            name = f"PT {core}" + (" Tbk" if tbk else "")
            pos = [(f"PT. {core}" + (" Tbk." if tbk else ""), "form_spelling"), (f"{core}" + (" Tbk" if tbk else ""), "form_dropped"),
                   (f"Perseroan Terbatas {core}".upper(), "form_spelled_out")]  # fmt: skip
            oc = rnd.choice([c for c in ORG_CORES_ID if c != core])
            neg = [
                (f"PT {oc}", "other_core"),
                (f"PT {core.split()[0]} {rnd.choice(ORG_CORES_ID).split()[1]}", "other_word"),
            ]
        else:
            core = mix(ORG_CORES_EN)
            trade = rnd.choice(ORG_TRADES_EN)
            form, spelled = rnd.choice([("Inc.", "Incorporated"), ("Corp.", "Corporation"), ("Ltd", "Limited"),
                                        ("Pte. Ltd.", "Private Limited")])  # fmt: skip
            name = f"{core} {trade} {form}"
            pos = [
                (f"{core} {trade} {spelled}", "form_spelled_out"),
                (f"{core} {trade}".upper(), "form_dropped"),
            ]
            oc = rnd.choice([c for c in ORG_CORES_EN if c != core])
            neg = [(f"{oc} {trade} {form}", "other_core"),
                   (f"{core} {rnd.choice([t for t in ORG_TRADES_EN if t != trade])} {form}", "other_trade")]  # fmt: skip
        return "Company", [name], kind if kind != "en" else "sg", None, pos, neg

    def org_identity(name: str) -> str:
        """An organisation's name in English, without legal form, in any word order: a
        Vietnamese or Thai name and its translation are one name."""
        for local, english in [*ORG_TRADES_VN, *ORG_CORES_TH, ("บริษัท", ""), ("บจก.", ""), ("บมจ.", ""),
                               ("จำกัด", ""), ("มหาชน", "")]:  # fmt: skip
            name = name.replace(local, english)
        words = "".join(c if c.isalnum() else " " for c in strip_marks(name).casefold()).split()
        return " ".join(sorted(w for w in words if w not in _FORM_WORDS))

    makers = {"han_viet": make_han_viet, "vi_diacritics": make_vi, "ms_patronymic": make_ms,
              "my_burmese": make_my, "zh_dialect": make_zh_dialect, "trad_simp": make_trad_simp, "org": make_org}  # fmt: skip

    org_names: set[str] = set()
    other_of: dict[str, str] = {}  # subject -> the Han name its negatives were made from
    for category in CATEGORIES:
        made_neg = 0
        for i in range(targets + distractors):
            if category in makers:
                maker = makers[category]
            else:  # name-only and typo queries are made on subjects of the other categories
                maker = makers[
                    rnd.choice(["han_viet", "vi_diacritics", "ms_patronymic", "my_burmese", "zh_dialect"])
                ]
            made_others = len(gen.other_identity)
            schema, names, country, gender, pos, neg = maker()
            if schema != "Person":  # organisation names are unique in a register
                for _ in range(20):
                    if key(names[0]) not in org_names:
                        break
                    schema, names, country, gender, pos, neg = maker()
                else:
                    continue
                org_names.add(key(names[0]))
            rec = entity(schema, names, country, gender)
            if len(gen.other_identity) > made_others:
                other_of[rec["id"]] = gen.other_identity[-1]
            if i >= targets or not pos:
                continue
            split = split_of()
            if category == "name_only":
                for name, variant in rnd.sample(pos, k=min(2, len(pos))):
                    query(rec, name, category, variant, split, with_dob="none")
                if neg and made_neg < negatives:
                    name, variant = rnd.choice(neg)
                    query(rec, name, category, variant, split, with_dob="none", other_dob=True)
                    made_neg += 1
                continue
            if category == "typo_case":
                latin = [n for n, v in pos if n.isascii() or v in ("hanviet", "exact", "upper")]
                if not latin:
                    continue
                for _ in range(2):
                    words = rnd.choice(latin).split()
                    j = max(range(len(words)), key=lambda k: (len(words[k]), rnd.random()))
                    words[j] = typo(rnd, words[j])
                    how = rnd.choice(["upper", "lower", "swap", "plain"])
                    name = " ".join(words)
                    name = {"upper": name.upper(), "lower": name.lower(), "swap": " ".join(words[::-1]),
                            "plain": strip_marks(name)}[how]  # fmt: skip
                    query(rec, name, category, f"typo_{how}", split)
                if neg and made_neg < negatives:
                    name, variant = rnd.choice(neg)
                    query(
                        rec,
                        name.upper() if rnd.random() < 0.5 else name,
                        category,
                        variant,
                        split,
                        other_dob=True,
                    )
                    made_neg += 1
                continue
            for name, variant in rnd.sample(pos, k=min(2, len(pos))):
                query(rec, name, category, variant, split, schema=schema)
            if neg and made_neg < negatives:
                name, variant = rnd.choice(neg)
                query(rec, name, category, variant, split, schema=schema, other_dob=True)
                made_neg += 1

    # A hard negative with nothing but a name must not be another watchlisted entity's very
    # name: that query would be a true match, or undecidable (a namesake with another date of
    # birth stays: the date tells them apart).
    taken = {key(n) for row in watchlist for n in row["properties"]["name"]}
    taken |= {
        org_identity(n) for row in watchlist if row["schema"] != "Person" for n in row["properties"]["name"]
    }
    keep = {lab["query"] for lab, q in zip(labels, queries, strict=True)
            if lab["expected"] is not None or "birthDate" in q["properties"]
            or (key(q["properties"]["name"][0]) not in taken
                and (q["schema"] == "Person" or org_identity(q["properties"]["name"][0]) not in taken)
                and other_of.get(lab["subject"]) not in gen.identities)}  # fmt: skip
    queries = [q for q in queries if q["id"] in keep]
    labels = [lab for lab in labels if lab["query"] in keep]
    OUT.mkdir(parents=True, exist_ok=True)
    for fname, rows in (("watchlist.jsonl", watchlist), ("queries.jsonl", queries), ("labels.jsonl", labels)):
        with (OUT / fname).open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    held = sum(1 for lab in labels if lab["split"] == "heldout")
    print(f"watchlist {len(watchlist)}, queries {len(queries)} "
          f"({sum(1 for lab in labels if lab['expected'])} positives; {held} held out)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--targets", type=int, default=120, help="subjects with queries per category")
    parser.add_argument("--distractors", type=int, default=500, help="other watchlist entities per category")
    parser.add_argument("--negatives", type=int, default=90, help="hard negative queries per category")
    parser.add_argument("--heldout", type=float, default=0.5, help="share of subjects held out")
    args = parser.parse_args()
    build(args.seed, args.targets, args.distractors, args.negatives, args.heldout)


if __name__ == "__main__":
    main()
