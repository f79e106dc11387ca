"""Reading entities from files: FollowTheMoney JSON lines, CSV and XLSX with a column mapping.

Readers yield :class:`Row` objects — a line (or row) number and either an entity or the reason it
was rejected — so that callers report each bad line and keep the good ones.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tcx.matching.entity import Entity, EntityError, parse_entity

MULTI_VALUE_SEPARATOR = ";"


@dataclass(slots=True)
class Row:
    """One input line: its number, and the entity or the reason it was rejected; ``record`` is
    the FollowTheMoney form the entity was parsed from (for callers that store it)."""

    line: int
    entity: Entity | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    record: dict[str, Any] | None = None


def parse_mapping(text: str | None) -> dict[str, str]:
    """Parse a column mapping: ``"name=Full name,birthDate=DOB"`` or a path to a JSON object.

    Keys are FollowTheMoney property names (plus ``id`` and ``schema``), values column headers.
    Raises ValueError on a malformed mapping.
    """
    if not text:
        return {}
    path = Path(text)
    if text.endswith(".json") and path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise ValueError("mapping file must hold a JSON object of property -> column")
        return {str(k): v for k, v in data.items()}
    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        prop, sep, column = part.partition("=")
        if not sep or not prop.strip() or not column.strip():
            raise ValueError(f"mapping entries look like property=column, got {part!r}")
        mapping[prop.strip()] = column.strip()
    return mapping


def _record_from_columns(
    row: Mapping[str, Any], mapping: Mapping[str, str], line: int, default_schema: str
) -> dict[str, Any]:
    columns = mapping or {k: k for k in row if k}
    props: dict[str, list[str]] = {}
    entity_id: str | None = None
    schema = default_schema
    for prop, column in columns.items():
        value = row.get(column)
        if value is None:
            continue
        text = str(value).strip()
        if not text:
            continue
        if prop == "id":
            entity_id = text
        elif prop == "schema":
            schema = text
        else:
            props.setdefault(prop, []).extend(
                v.strip() for v in text.split(MULTI_VALUE_SEPARATOR) if v.strip()
            )
    return {"id": entity_id or f"row-{line}", "schema": schema, "properties": props}


def _parse(record: Any, line: int) -> Row:
    try:
        entity = parse_entity(record)
    except EntityError as exc:
        return Row(line, error=str(exc))
    return Row(line, entity=entity, warnings=entity.warnings, record=record)


@dataclass(slots=True)
class RawRow:
    """One input line before parsing: its number and its FollowTheMoney form, or the reason it
    could not be read (malformed JSON, missing columns)."""

    line: int
    record: dict[str, Any] | None = None
    error: str | None = None


def read_jsonl_records(path: Path) -> Iterator[RawRow]:
    """Read FollowTheMoney entities, one JSON object per line (blank lines skipped), unparsed."""
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                yield RawRow(number, error=f"malformed JSON: {exc.msg} (column {exc.colno})")
                continue
            yield RawRow(number, record=record)


def read_csv_records(path: Path, mapping: Mapping[str, str], schema: str = "Person") -> Iterator[RawRow]:
    """Read a CSV file with a header row; ``mapping`` maps properties to column headers (when
    empty, headers must be property names). Multiple values in a cell are separated by ``;``."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [
            c for c in mapping.values() if reader.fieldnames is not None and c not in reader.fieldnames
        ]
        if missing:
            yield RawRow(1, error=f"columns not found in header: {', '.join(missing)}")
            return
        for row in reader:
            yield RawRow(reader.line_num, record=_record_from_columns(row, mapping, reader.line_num, schema))


def read_csv_part(
    text: str,
    header: Sequence[str],
    mapping: Mapping[str, str],
    schema: str = "Person",
    lines_before: int = 0,
) -> Iterator[RawRow]:
    """Read a part of a CSV file cut between rows, as :func:`read_csv_records` reads the whole
    file (for callers that read a file in parts, in worker processes say): ``header`` is the
    file's header row, ``lines_before`` the number of lines of the file before ``text``."""
    reader = csv.DictReader(io.StringIO(text, newline=""), fieldnames=list(header))
    for row in reader:
        line = lines_before + reader.line_num
        yield RawRow(line, record=_record_from_columns(row, mapping, line, schema))


def read_xlsx_records(path: Path, mapping: Mapping[str, str], schema: str = "Person") -> Iterator[RawRow]:
    """Read the first sheet of an XLSX workbook (header in row 1) like :func:`read_csv_records`."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        names = [str(h).strip() if h is not None else "" for h in header]
        missing = [c for c in mapping.values() if c not in names]
        if missing:
            yield RawRow(1, error=f"columns not found in header: {', '.join(missing)}")
            return
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            row = {n: v for n, v in zip(names, values, strict=False) if n}
            for key, value in row.items():
                if hasattr(value, "isoformat"):
                    row[key] = value.isoformat()[:10]
            yield RawRow(number, record=_record_from_columns(row, mapping, number, schema))
    finally:
        workbook.close()


def read_records(
    path: Path, mapping: Mapping[str, str] | None = None, schema: str = "Person"
) -> Iterator[RawRow]:
    """Read the rows of a ``.jsonl``/``.json``/``.ndjson``, ``.csv`` or ``.xlsx`` file, unparsed
    (for callers that parse elsewhere — in worker processes, say)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_records(path, mapping or {}, schema)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_records(path, mapping or {}, schema)
    return read_jsonl_records(path)


def parse_row(raw: RawRow) -> Row:
    """Parse one row read by :func:`read_records`."""
    if raw.record is None:
        return Row(raw.line, error=raw.error or "nothing to read")
    return _parse(raw.record, raw.line)


def read_jsonl(path: Path) -> Iterator[Row]:
    """Read and parse FollowTheMoney entities, one JSON object per line."""
    return map(parse_row, read_jsonl_records(path))


def read_csv(path: Path, mapping: Mapping[str, str], schema: str = "Person") -> Iterator[Row]:
    """Read and parse a CSV file (see :func:`read_csv_records`)."""
    return map(parse_row, read_csv_records(path, mapping, schema))


def read_xlsx(path: Path, mapping: Mapping[str, str], schema: str = "Person") -> Iterator[Row]:
    """Read and parse the first sheet of an XLSX workbook (see :func:`read_xlsx_records`)."""
    return map(parse_row, read_xlsx_records(path, mapping, schema))


def read_entities(
    path: Path, mapping: Mapping[str, str] | None = None, schema: str = "Person"
) -> Iterator[Row]:
    """Read entities from a ``.jsonl``/``.json``/``.ndjson``, ``.csv`` or ``.xlsx`` file."""
    return map(parse_row, read_records(path, mapping, schema))
