"""Build the matching evaluation set (runs in .venv-bench: needs Faker, pythainlp + onnxruntime, PyICU).

Writes bench/matching/data/eval/{watchlist,queries,labels}.jsonl and name_parts.json (name lists
for the synthetic speed-benchmark watchlists). Deterministic for a given --seed.

Sources and licences:
- pythainlp's Thai name corpus (person_names_male/female_th, family_names_th; Korkeat Wannapat,
  CC BY-SA 4.0) and its thai2rom ONNX romaniser (PyThaiNLP model, CC BY 4.0) — an independent
  romaniser, not the one TCX uses (TCX uses royin and ICU Thai-Latin);
- Faker (MIT) person lists: th_TH, en_TH, vi_VN, id_ID, zh_CN;
- ICU (Unicode licence) "Han-Latin" for pinyin of Han names;
- bench/matching/name_lists.py: hand-written Burmese, Khmer, Lao and Malay name parts and real
  public figures (Apache-2.0, with TCX).
The names-dataset package is not used (its data comes from a leak).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import icu
from faker import Faker
from name_lists import (
    BURMESE_HONORIFICS,
    BURMESE_SYLLABLES,
    KHMER_FAMILY,
    KHMER_GIVEN,
    LAO_FAMILY,
    LAO_GIVEN,
    MALAY_FATHERS,
    MALAY_FEMALE,
    MALAY_MALE,
    MUHAMMAD_FORMS,
    REAL_PAIRS,
)
from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names
from pythainlp.transliterate import romanize

OUT = Path(__file__).resolve().parent / "data"
HAN_LATIN = icu.Transliterator.createInstance("Han-Latin; Latin-ASCII")
NATIONALITY = {"th": "th", "th_latin": "th", "vi": "vn", "id": "id", "ms": "my", "zh": "cn", "my": "mm",
               "km": "kh", "lo": "la"}  # fmt: skip
PHONE = {"th": ("66", "8", 8), "vn": ("84", "9", 8), "id": ("62", "81", 9), "my": ("60", "12", 7),
         "cn": ("86", "13", 9), "mm": ("95", "9", 8), "kh": ("855", "12", 6), "la": ("856", "20", 8)}  # fmt: skip


@dataclass
class Subject:
    group: str
    name: str  # as written in the watchlist
    alt: str | None = None  # the same name in the other script / romanised
    latin_parts: list[str] = field(default_factory=list)  # Latin form, for Latin-side variants
    gender: str = "male"
    meta: dict = field(default_factory=dict)


def thai_rom(word: str) -> str:
    return romanize(word, engine="thai2rom_onnx").replace("-", "").capitalize()


class Generators:
    def __init__(self, rnd: random.Random, seed: int) -> None:
        self.rnd = rnd
        self.fakers = {}
        for loc in ("vi_VN", "id_ID", "en_TH", "th_TH", "zh_CN"):
            fake = Faker(loc)
            fake.seed_instance(seed)
            self.fakers[loc] = fake.provider("faker.providers.person")
        self.th_male = sorted(thai_male_names())
        self.th_female = sorted(thai_female_names())
        self.th_family = sorted(thai_family_names())
        self._rom_cache: dict[str, str] = {}

    def rom(self, word: str) -> str:
        if word not in self._rom_cache:
            self._rom_cache[word] = thai_rom(word)
        return self._rom_cache[word]

    def pick(self, seq):
        return self.rnd.choice(list(seq))

    def th(self) -> Subject:
        gender = self.pick(["male", "female"])
        given = self.pick(self.th_male if gender == "male" else self.th_female)
        family = self.pick(self.th_family)
        latin = [self.rom(given), self.rom(family)]
        return Subject("th", f"{given} {family}", " ".join(latin), latin, gender, {"script": (given, family)})

    def th_latin(self) -> Subject:
        p = self.fakers["en_TH"]
        parts = [self.pick(p.first_names), self.pick(p.last_names)]
        return Subject("th_latin", " ".join(parts), None, parts, self.pick(["male", "female"]))

    def vi(self) -> Subject:
        p = self.fakers["vi_VN"]
        gender = self.pick(["male", "female"])
        given = self.pick(p.first_names_male if gender == "male" else p.first_names_female)
        middle = "Thị" if gender == "female" and self.rnd.random() < 0.5 else self.pick(p.middle_names)
        parts = [self.pick(p.last_names), middle, given]
        if self.rnd.random() < 0.25:
            parts.insert(2, self.pick(p.middle_names))
        return Subject("vi", " ".join(parts), None, parts, gender)

    def id(self) -> Subject:
        p = self.fakers["id_ID"]
        gender = self.pick(["male", "female"])
        firsts = p.first_names_male if gender == "male" else p.first_names_female
        parts = [self.pick(firsts)]
        if self.rnd.random() < 0.4:
            parts.append(self.pick(firsts))
        if self.rnd.random() < 0.85:  # Indonesia has many mononyms
            parts.append(self.pick(p.last_names))
        return Subject("id", " ".join(parts), None, parts, gender)

    def ms(self) -> Subject:
        gender = self.pick(["male", "female"])
        if gender == "male":
            parts = ([self.pick(MUHAMMAD_FORMS)] if self.rnd.random() < 0.6 else []) + [self.pick(MALAY_MALE)]
            parts += ["bin", self.pick(MALAY_FATHERS)]
        else:
            parts = [self.pick(MALAY_FEMALE), "binti", self.pick(MALAY_FATHERS)]
        name = " ".join(parts)
        return Subject("ms", name, None, name.split(), gender)

    def zh(self) -> Subject:
        p = self.fakers["zh_CN"]
        family = self.pick(p.last_names)
        given = self.pick(p.first_names)
        pinyin = [HAN_LATIN.transliterate(c).strip() for c in family + given]
        latin = ["".join(pinyin[: len(family)]).capitalize(), "".join(pinyin[len(family) :]).capitalize()]
        return Subject("zh", family + given, " ".join(latin), latin, self.pick(["male", "female"]),
                       {"script": (family, given)})  # fmt: skip

    def my(self) -> Subject:
        n = self.rnd.choice([2, 2, 3])
        syl = [self.pick(BURMESE_SYLLABLES) for _ in range(n)]
        return Subject("my", "".join(s for s, _ in syl), " ".join(r for _, r in syl), [r for _, r in syl],
                       self.pick(["male", "female"]), {"syllables": syl})  # fmt: skip

    def km(self) -> Subject:
        family, given = self.pick(KHMER_FAMILY), self.pick(KHMER_GIVEN)
        return Subject("km", f"{family[0]} {given[0]}", f"{family[1]} {given[1]}", [family[1], given[1]],
                       self.pick(["male", "female"]), {"parts": (family, given)})  # fmt: skip

    def lo(self) -> Subject:
        given, family = self.pick(LAO_GIVEN), self.pick(LAO_FAMILY)
        return Subject("lo", f"{given[0]} {family[0]}", f"{given[1]} {family[1]}", [given[1], family[1]],
                       self.pick(["male", "female"]), {"parts": (given, family)})  # fmt: skip


SCRIPT_GROUPS = {"th", "zh", "my", "km", "lo", "real"}

# Romanisation spelling variants seen in passports and the press.
SPELLING_RULES = [("ch", "j"), ("j", "ch"), ("ph", "p"), ("th", "t"), ("ee", "i"), ("i", "ee"), ("ai", "ay"),
                  ("u", "oo"), ("o", "oh"), ("w", "v"), ("v", "w"), ("k", "g"), ("ng", "nk"), ("s", "ss"),
                  ("ou", "u"), ("a", "ar")]  # fmt: skip


def respell(rnd: random.Random, word: str) -> str:
    low = word.lower()
    options = [(a, b) for a, b in SPELLING_RULES if a in low[1:]]
    if not options:
        return word
    a, b = rnd.choice(options)
    pos = low.find(a, 1)
    return (low[:pos] + b + low[pos + len(a) :]).capitalize()


def typo(rnd: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rnd.randrange(1, len(word) - 1)
    kind = rnd.choice(["sub", "del", "swap", "ins"])
    letters = "aeioumnrtlkshg"
    if kind == "sub":
        return word[:i] + rnd.choice([c for c in letters if c != word[i].lower()]) + word[i + 1 :]
    if kind == "del":
        return word[:i] + word[i + 1 :]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rnd.choice(letters) + word[i:]


def strip_diacritics(text: str) -> str:
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


THAI_MARK_SWAPS = [("ี", "ุ"), ("ุ", "ี"), ("่", "้"), ("้", "่"), ("ิ", "ี"), ("ั", "ิ"), ("า", "ะ"), ("ู", "ุ")]


def near_name(gen: Generators, s: Subject) -> str | None:
    """A different person's name, one part away from ``s.name`` (same script as the watchlist)."""
    rnd = gen.rnd
    if s.group == "th" and s.name == s.meta["script"][0] + " " + s.meta["script"][1]:
        given, family = s.meta["script"]
        swaps = [(a, b) for a, b in THAI_MARK_SWAPS if a in given]
        if swaps:
            a, b = rnd.choice(swaps)
            return given.replace(a, b, 1) + " " + family
        return None
    if s.group == "zh" and len(s.meta["script"][1]) >= 1:
        family, given = s.meta["script"]
        other = gen.pick(gen.fakers["zh_CN"].first_names)
        return family + other if other != given else None
    if s.group == "my":
        syl = list(s.meta["syllables"])
        i = rnd.randrange(len(syl))
        syl[i] = gen.pick(BURMESE_SYLLABLES)
        name = "".join(x for x, _ in syl)
        return name if name != s.name else None
    if s.group in ("km", "lo"):
        pool = KHMER_GIVEN if s.group == "km" else LAO_GIVEN
        a, b = s.meta["parts"]
        if s.group == "km":
            new = gen.pick(pool)
            return f"{a[0]} {new[0]}" if new != b else None
        new = gen.pick(pool)
        return f"{new[0]} {b[0]}" if new != a else None
    # Latin: change the given name to a close one from the same list (Nam/Lam, Hanh/Hanh).
    parts = s.name.split()
    idx = len(parts) - 1 if s.group == "vi" else 0
    target = strip_diacritics(parts[idx]).lower()
    pools = {
        "vi": list(gen.fakers["vi_VN"].first_names_male) + list(gen.fakers["vi_VN"].first_names_female),
        "id": list(gen.fakers["id_ID"].first_names_male) + list(gen.fakers["id_ID"].first_names_female),
        "th_latin": list(gen.fakers["en_TH"].first_names),
        "ms": MALAY_MALE + MALAY_FEMALE,
        "real": [],
    }
    pool = [p for p in pools.get(s.group, []) if strip_diacritics(p).lower() != target]
    if not pool:
        return None
    from difflib import SequenceMatcher

    pool.sort(key=lambda p: -SequenceMatcher(None, strip_diacritics(p).lower(), target).ratio())
    parts[idx] = rnd.choice(pool[:3])
    return " ".join(parts)


def random_dob(rnd: random.Random) -> tuple[int, int, int]:
    return rnd.randint(1950, 2003), rnd.randint(1, 12), rnd.randint(1, 28)


def fmt_dob(d: tuple[int, int, int]) -> str:
    return f"{d[0]:04d}-{d[1]:02d}-{d[2]:02d}"


def phone_for(rnd: random.Random, country: str) -> tuple[str, str]:
    cc, prefix, n = PHONE[country]
    nsn = prefix + "".join(str(rnd.randint(0, 9)) for _ in range(n))
    local = "0" + nsn
    local = " ".join(local[i : i + 3] for i in range(0, len(local), 3))
    return f"+{cc}{nsn}", local


def passport(rnd: random.Random) -> str:
    return rnd.choice("ABCKNP") + "".join(str(rnd.randint(0, 9)) for _ in range(7))


HONORIFICS = {"th": ["นาย", "Mr", "Pol. Lt. Gen."], "th_latin": ["Mr", "Pol. Col.", "Khun"], "vi": ["Mr", "Dr"],
              "id": ["Bapak", "Haji", "Dr"], "ms": ["Haji", "Dato'", "Encik"], "zh": ["Mr"],
              "km": ["Mr", "H.E."], "lo": ["Mr", "Pol. Col."], "real": ["Mr"]}  # fmt: skip


def build(seed: int, targets_per_group: int, distractors_per_group: int, negatives_per_group: int) -> None:
    rnd = random.Random(seed)
    gen = Generators(rnd, seed)
    groups = ["th", "th_latin", "vi", "id", "ms", "zh", "my", "km", "lo"]
    watchlist: list[dict] = []
    queries: list[dict] = []
    labels: list[dict] = []
    counter = 0

    def new_id(prefix: str) -> str:
        nonlocal counter
        counter += 1
        return f"{prefix}-{counter:06d}"

    def record(
        s: Subject, name: str, nat: str | None, dob: tuple[int, int, int] | None, with_ids: bool
    ) -> dict:
        props: dict[str, list[str]] = {"name": [name]}
        if dob:
            props["birthDate"] = [fmt_dob(dob)]
        if nat:
            props["nationality"] = [nat]
        if rnd.random() < 0.5:
            props["gender"] = [s.gender]
        if with_ids:
            props["passportNumber"] = [passport(rnd)]
            if rnd.random() < 0.3 and nat in PHONE:
                props["phone"] = [phone_for(rnd, nat)[0]]
        return {"id": new_id("wl"), "schema": "Person", "properties": props}

    subjects: list[tuple[Subject, dict, tuple[int, int, int]]] = []
    for group in groups:
        make = getattr(gen, group)
        nat = NATIONALITY[group]
        for i in range(targets_per_group + distractors_per_group):
            s = make()
            # Script groups: most watchlists hold the original script, some the romanised form.
            if s.alt and rnd.random() < 0.3:
                s.name, s.alt = s.alt, s.name
            dob = random_dob(rnd)
            rec = record(s, s.name, nat if rnd.random() < 0.8 else None, dob, with_ids=rnd.random() < 0.6)
            watchlist.append(rec)
            if i < targets_per_group:
                subjects.append((s, rec, dob))
    for group, script_name, latin in REAL_PAIRS:
        s = Subject("real", script_name, latin, latin.split(), "male", {"origin": group})
        dob = random_dob(rnd)
        rec = record(s, script_name, None, dob, with_ids=False)
        watchlist.append(rec)
        subjects.append((s, rec, dob))

    def add_query(props: dict, expected: str | None, group: str, variant: str, script: str) -> None:
        qid = new_id("q")
        queries.append({"id": qid, "schema": "Person", "properties": props})
        labels.append(
            {"query": qid, "expected": expected, "group": group, "variant": variant, "script": script}
        )

    def latin_name(s: Subject) -> str:
        if s.group == "real" or (s.alt and is_script(s.name)):
            return s.alt or s.name
        return s.name

    def is_script(text: str) -> bool:
        return any(ord(c) > 0x2FF and not (0x1E00 <= ord(c) <= 0x1EFF) for c in text)

    for s, rec, dob in subjects:
        props = rec["properties"]
        base_dob = fmt_dob(dob)
        script = s.meta.get("origin", s.group)
        variants = ["exact", "order_swapped", "typo", "honorific", "dob_year_only", "dob_swapped"]
        if s.alt:
            variants += ["script_changed", "script_changed", "romanised_differently"]
        if s.group in ("th_latin",):
            variants.append("romanised_differently")
        if s.group == "vi":
            variants += ["diacritics_dropped", "diacritics_dropped"]
        if len(s.latin_parts) >= 3 and s.group in ("vi", "id", "ms"):
            variants.append("middle_missing")
        if s.group == "ms":
            variants.append("patronymic")
        if "phone" in props:
            variants.append("phone_format")
        if s.group == "real":
            variants = ["script_changed"]
        for variant in rnd.sample(variants, k=min(2, len(variants))):
            name = s.name
            q: dict[str, list[str]] = {"birthDate": [base_dob]}
            if rnd.random() < 0.5 and "nationality" in props:
                q["nationality"] = props["nationality"]
            if variant == "script_changed":
                name = s.alt or name
            elif variant == "romanised_differently":
                parts = latin_name(s).split()
                i = rnd.randrange(len(parts))
                parts[i] = respell(rnd, parts[i])
                name = " ".join(parts)
            elif variant == "order_swapped":
                if is_script(name) and s.group in ("zh", "my"):
                    name = " ".join(reversed(latin_name(s).split()))
                else:
                    name = " ".join(reversed(name.split()))
            elif variant == "typo":
                parts = latin_name(s).split()
                candidates = [i for i, p in enumerate(parts) if len(p) >= 5] or [0]
                i = rnd.choice(candidates)
                parts[i] = typo(rnd, parts[i])
                name = " ".join(parts)
            elif variant == "honorific":
                if s.group == "my":
                    h = BURMESE_HONORIFICS[0 if s.gender == "male" else 1]
                    name = (h[0] + name) if is_script(name) else f"{h[1]} {name}"
                else:
                    name = f"{rnd.choice(HONORIFICS.get(s.group, ['Mr']))} {name}"
            elif variant == "dob_year_only":
                q["birthDate"] = [str(dob[0])]
            elif variant == "dob_swapped":
                if dob[2] <= 12 and dob[2] != dob[1]:
                    q["birthDate"] = [f"{dob[0]:04d}-{dob[2]:02d}-{dob[1]:02d}"]
                else:
                    q["birthDate"] = [f"{dob[0] + rnd.choice([-1, 1]):04d}-{dob[1]:02d}-{dob[2]:02d}"]
                    variant = "dob_year_off"
            elif variant == "diacritics_dropped":
                name = strip_diacritics(name)
                if rnd.random() < 0.5:  # often also written in Western order abroad
                    parts = name.split()
                    name = " ".join(parts[-1:] + parts[:-1])
            elif variant == "middle_missing":
                parts = name.split()
                del parts[1]
                name = " ".join(parts)
            elif variant == "patronymic":
                parts = [p for p in name.split() if p not in ("bin", "binti")]
                if parts[0] in MUHAMMAD_FORMS:
                    parts[0] = rnd.choice([m for m in MUHAMMAD_FORMS if m != parts[0]])
                name = " ".join(parts)
            elif variant == "phone_format":
                e164 = props["phone"][0]
                nat = props.get("nationality", [NATIONALITY.get(s.group, "th")])[0]
                cc = PHONE[nat][0]
                nsn = e164[len(cc) + 1 :]
                local = "0" + nsn
                q["phone"] = [" ".join(local[i : i + 3] for i in range(0, len(local), 3))]
                q["nationality"] = [nat]
                if rnd.random() < 0.5:
                    name = latin_name(s)
            q["name"] = [name]
            add_query(q, rec["id"], s.group, variant, script)

    # Hard negatives
    by_group: dict[str, list[tuple[Subject, dict, tuple[int, int, int]]]] = {}
    for item in subjects:
        by_group.setdefault(item[0].group, []).append(item)
    for group, items in by_group.items():
        if group == "real":
            continue
        made = 0
        for s, rec, dob in rnd.sample(items, len(items)):
            if made >= negatives_per_group:
                break
            other = near_name(gen, s)
            if other:
                q = {"name": [other], "birthDate": [fmt_dob(random_dob(rnd))]}
                add_query(q, None, group, "hard_negative_name", group)
                made += 1
            if "passportNumber" in rec["properties"] and made < negatives_per_group:
                far = (
                    dob[0] + rnd.choice([-1, 1]) * rnd.randint(3, 20),
                    rnd.randint(1, 12),
                    rnd.randint(1, 28),
                )
                q = {"name": [s.name], "birthDate": [fmt_dob(far)], "passportNumber": [passport(rnd)]}
                add_query(q, None, group, "hard_negative_same_name", group)
                made += 1

    eval_dir = OUT / "eval"
    eval_dir.mkdir(parents=True, exist_ok=True)
    for fname, rows in (("watchlist.jsonl", watchlist), ("queries.jsonl", queries), ("labels.jsonl", labels)):
        with (eval_dir / fname).open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")

    parts = {
        "th_given": gen.th_male[:3000] + gen.th_female[:3000],
        "th_family": gen.th_family[:6000],
        "vi_family": list(gen.fakers["vi_VN"].last_names),
        "vi_middle": list(gen.fakers["vi_VN"].middle_names),
        "vi_given": list(gen.fakers["vi_VN"].first_names_male) + list(gen.fakers["vi_VN"].first_names_female),
        "id_given": list(gen.fakers["id_ID"].first_names_male) + list(gen.fakers["id_ID"].first_names_female),
        "id_family": list(gen.fakers["id_ID"].last_names),
        "th_latin_given": list(gen.fakers["en_TH"].first_names),
        "th_latin_family": list(gen.fakers["en_TH"].last_names),
        "zh_family": list(gen.fakers["zh_CN"].last_names),
        "zh_given": list(gen.fakers["zh_CN"].first_names),
        "ms_given": MALAY_MALE + MALAY_FEMALE,
        "ms_father": MALAY_FATHERS,
        "my_syllables": [s for s, _ in BURMESE_SYLLABLES] + [r for _, r in BURMESE_SYLLABLES],
        "km_family": [s for s, _ in KHMER_FAMILY] + [r for _, r in KHMER_FAMILY],
        "km_given": [s for s, _ in KHMER_GIVEN] + [r for _, r in KHMER_GIVEN],
    }
    (OUT / "name_parts.json").write_text(json.dumps(parts, ensure_ascii=False, indent=0), encoding="utf-8")
    print(f"watchlist {len(watchlist)}, queries {len(queries)} "
          f"({sum(1 for lab in labels if lab['expected'])} positives)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument(
        "--targets", type=int, default=160, help="watchlisted subjects per group with queries"
    )
    parser.add_argument("--distractors", type=int, default=1000, help="other watchlist entities per group")
    parser.add_argument("--negatives", type=int, default=60, help="hard negative queries per group")
    args = parser.parse_args()
    build(args.seed, args.targets, args.distractors, args.negatives)


if __name__ == "__main__":
    main()
