import json
import subprocess
import sys
from pathlib import Path

from tcx.matching.cli import main

DATA = Path(__file__).parent / "data"
WATCHLIST = str(DATA / "watchlist.jsonl")


def run(capsys, *argv):
    code = main(["--no-progress", *argv])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_screen_jsonl_reports_bad_lines_and_keeps_the_rest(capsys):
    code, records, err = run(capsys, "--against", WATCHLIST, str(DATA / "queries.jsonl"), "--top", "3")
    assert code == 0
    assert [r["query"] for r in records] == ["q-thaksin", "q-xi", "q-nguyen", "q-vessel"]
    best = {r["query"]: r["results"][0] for r in records}
    assert best["q-thaksin"]["id"] == "wl-th-001" and best["q-thaksin"]["match"] is True
    assert best["q-xi"]["id"] == "wl-cn-001" and best["q-xi"]["match"] is True
    assert best["q-nguyen"]["id"] == "wl-vn-001"
    assert "phone:+84912345678" in best["q-nguyen"]["explanation"]["identifiers"]["agree"]
    assert best["q-vessel"]["id"] == "wl-vessel-001"
    assert all(len(r["results"]) <= 3 for r in records)
    assert "queries.jsonl:2: rejected: malformed JSON" in err
    assert "queries.jsonl:4: rejected: unknown or unsupported schema 'Spaceship'" in err
    assert "queries.jsonl:6: warning: birthDate" in err
    assert "queries.jsonl:7: rejected: entity has no id" in err
    assert "screened 4 queries" in err and "rejected 0 watchlist and 3 query lines" in err
    assert "Traceback" not in err


def test_screen_csv_with_mapping_to_file(capsys, tmp_path):
    output = tmp_path / "hits.jsonl"
    mapping = "id=Seq,name=Full name,birthDate=Date of birth,nationality=Nationality,"
    mapping += "passportNumber=Passport No,gender=Sex"
    code = main(
        [
            "--no-progress",
            "--against",
            WATCHLIST,
            str(DATA / "manifest.csv"),
            "--mapping",
            mapping,
            "--output",
            str(output),
        ]
    )
    err = capsys.readouterr().err
    assert code == 0
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert [r["query"] for r in records] == ["1", "2", "3", "4"]
    assert records[0]["results"][0]["id"] == "wl-th-001"
    assert records[1]["results"][0]["explanation"]["identifiers"]["agree"] == ["doc:C1234567"]
    assert records[2]["results"][0]["id"] == "wl-my-001" and records[2]["results"][0]["match"]
    assert not any(h["match"] for h in records[3]["results"])
    assert "manifest.csv:5: warning: birthDate" in err  # 31/02/1980 does not exist


def test_screen_xlsx(capsys, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "birthDate"])
    sheet.append(["Xi Jinping", "1953-06-15"])
    path = tmp_path / "queries.xlsx"
    workbook.save(path)
    code, records, _ = run(capsys, "--against", WATCHLIST, str(path), "--top", "1")
    assert code == 0
    assert records == [{"query": "row-2", "results": [records[0]["results"][0]]}]
    assert records[0]["results"][0]["id"] == "wl-cn-001"


def test_threshold_changes_decision(capsys):
    _, records, _ = run(capsys, "--against", WATCHLIST, str(DATA / "queries.jsonl"), "--threshold", "0.999")
    assert not any(h["match"] for r in records for h in r["results"] if r["query"] == "q-xi")


def test_usage_errors(capsys, tmp_path):
    assert main(["--against", WATCHLIST]) == 2
    assert main(["--against", WATCHLIST, str(DATA / "queries.jsonl"), "--top", "0"]) == 2
    assert main(["--against", WATCHLIST, str(DATA / "queries.jsonl"), "--mapping", "nonsense"]) == 2
    assert main(["--against", str(tmp_path / "missing.jsonl"), str(DATA / "queries.jsonl")]) == 1
    empty = tmp_path / "empty.jsonl"
    empty.write_text("not json\n")
    assert main(["--no-progress", "--against", str(empty), str(DATA / "queries.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "empty.jsonl:1: rejected: malformed JSON" in err
    assert "Traceback" not in err


def test_module_entry_point():
    completed = subprocess.run(
        [sys.executable, "-m", "tcx.matching.cli", "--against", WATCHLIST, str(DATA / "manifest.csv"),
         "--top", "1", "--mapping", "id=Seq,name=Full name"],
        capture_output=True, text=True, check=False, timeout=120, cwd=Path(__file__).parents[3],
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert len(completed.stdout.splitlines()) == 4
    assert "Traceback" not in completed.stderr
