"""Reading entities from files: FollowTheMoney JSON lines, CSV and XLSX with a column mapping.

Readers yield :class:`Row` objects — a line (or row) number and either an entity or the reason it
was rejected — so that callers report each bad line and keep the good ones.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from xml.parsers import expat

from tcx.matching.entity import Entity, EntityError, parse_entity

MULTI_VALUE_SEPARATOR = ";"
# Characters no stored text may hold: C0 controls but tab and line breaks, DEL and C1 controls,
# the bidirectional embeddings, overrides and isolates (they make "gpj.exe" show as "exe.jpg"),
# and lone surrogates (JSON can write them; no database can store them).
UNSAFE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def shown(value: Any, limit: int = 60) -> str:
    """A value as an error message may echo it: quoted, control characters escaped, cut short."""
    text = repr(value if isinstance(value, str) else str(value)[: limit * 4])
    text = text.encode("ascii", "backslashreplace").decode("ascii") if UNSAFE_TEXT.search(text) else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


class FileRefused(ValueError):
    """A file refused whole before any of its rows is used: not what its name says, or past a
    limit that bounds what reading it would cost (the message names the limit)."""


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Bounds on what reading a file may cost, each refused with a message naming it. ``None``
    is no bound (the row count of ``tcx screen`` watchlists, say)."""

    max_rows: int | None = None  # data rows (lines of a JSON-lines file)
    max_columns: int = 500
    max_cell_chars: int = 65_536  # one CSV/XLSX cell, before it is split into values
    max_line_chars: int = 1 << 20  # one JSON line, one CSV row (all its lines)
    max_depth: int = 16  # JSON nesting
    max_expanded_bytes: int = 256 << 20  # an XLSX workbook's members, uncompressed


DEFAULT_LIMITS = ReadLimits()


@dataclass(slots=True)
class Row:
    """One input line: its number, and the entity or the reason it was rejected; ``record`` is
    the FollowTheMoney form the entity was parsed from (for callers that store it)."""

    line: int
    entity: Entity | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    record: dict[str, Any] | None = None


MAX_MAPPING_CHARS = 10_000
MAX_MAPPING_ENTRIES = 200


def parse_mapping(text: str | None) -> dict[str, str]:
    """Parse a column mapping sent as data: ``"name=Full name,birthDate=DOB"`` or a JSON object
    ``{"name": "Full name"}``. Never a path: a mapping that names a file is read only by a
    command line that asks for a file explicitly (:func:`read_mapping_file`).

    Keys are FollowTheMoney property names (plus ``id`` and ``schema``), values column headers.
    Raises ValueError on a malformed mapping.
    """
    if not text or not text.strip():
        return {}
    if len(text) > MAX_MAPPING_CHARS:
        raise ValueError(f"the mapping is {len(text)} characters long; at most {MAX_MAPPING_CHARS}")
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise ValueError("the mapping is not a JSON object of property -> column") from exc
        return _mapping_of(data)
    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        prop, sep, column = part.partition("=")
        if not sep or not prop.strip() or not column.strip():
            raise ValueError(f"mapping entries look like property=column, got {shown(part)}")
        mapping[prop.strip()] = column.strip()
    return _mapping_of(mapping)


def read_mapping_file(path: Path) -> dict[str, str]:
    """Read a column mapping from a JSON file that the operator names on a command line."""
    if path.stat().st_size > MAX_MAPPING_CHARS:
        raise ValueError(f"the mapping file is larger than {MAX_MAPPING_CHARS} bytes")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ValueError("the mapping file must hold a JSON object of property -> column") from exc
    return _mapping_of(data)


def _mapping_of(data: Any) -> dict[str, str]:
    if not isinstance(data, dict) or not all(
        isinstance(v, str) and isinstance(k, str) for k, v in data.items()
    ):
        raise ValueError("the mapping must map each property (text) to a column (text)")
    if len(data) > MAX_MAPPING_ENTRIES:
        raise ValueError(f"the mapping has {len(data)} entries; at most {MAX_MAPPING_ENTRIES}")
    for key, value in data.items():
        if not key.strip() or not value.strip() or UNSAFE_TEXT.search(key + value):
            raise ValueError(
                f"the mapping entry {shown(key)}={shown(value)} is empty or holds control characters"
            )
    return {k.strip(): v.strip() for k, v in data.items()}


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
    could not be read (malformed JSON, missing columns, past a limit)."""

    line: int
    record: dict[str, Any] | None = None
    error: str | None = None


class _TooLong(Exception):
    """A line or row past its limit (raised between rows, so that the reader goes on)."""


class _Lines:
    """The lines of a text file, each read with a bound: a line past ``limit`` characters is
    skipped without ever being held whole and raises :class:`_TooLong`, as does a row whose
    lines add up past it (``row_chars`` counts since the reader last reset it). ``number``
    counts every line read; ``taken``, when given, keeps the lines handed out."""

    __slots__ = ("handle", "limit", "number", "row_chars", "taken")

    def __init__(self, handle: TextIO, limit: int, taken: list[str] | None = None):
        self.handle, self.limit, self.taken = handle, limit, taken
        self.number = 0
        self.row_chars = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        text = self.handle.readline(self.limit + 1)
        if not text:
            raise StopIteration
        self.number += 1
        if len(text) > self.limit and not text.endswith(("\n", "\r")):
            while (rest := self.handle.readline(1 << 16)) and not rest.endswith(("\n", "\r")):
                pass
            raise _TooLong(f"the line is longer than {self.limit} characters (the limit); it was not read")
        self.row_chars += len(text)
        if self.row_chars > self.limit:
            raise _TooLong(f"the row is longer than {self.limit} characters (the limit); it was not read")
        if self.taken is not None:
            self.taken.append(text)
        return text


_TOO_DEEP = object()


def _too_deep(value: Any, levels: int) -> bool:
    if isinstance(value, dict):
        return levels <= 0 or any(_too_deep(v, levels - 1) for v in value.values())
    if isinstance(value, list):
        return levels <= 0 or any(_too_deep(v, levels - 1) for v in value)
    return False


def _past_rows(line: int, limits: ReadLimits) -> RawRow:
    return RawRow(
        line,
        error=f"the file has more than {limits.max_rows} rows (the limit): this row and the rest not read",
    )


def read_jsonl_records(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[RawRow]:
    """Read FollowTheMoney entities, one JSON object per line (blank lines skipped), unparsed;
    a line past ``max_line_chars`` or nested deeper than ``max_depth`` is refused unread."""
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        lines = _Lines(handle, limits.max_line_chars)
        rows = 0
        while True:
            lines.row_chars = 0
            try:
                text = next(lines)
            except StopIteration:
                return
            except _TooLong as exc:
                yield RawRow(lines.number, error=str(exc))
                continue
            if not text.strip():
                continue
            rows += 1
            if limits.max_rows is not None and rows > limits.max_rows:
                yield _past_rows(lines.number, limits)
                return
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                yield RawRow(lines.number, error=f"malformed JSON: {exc.msg} (column {exc.colno})")
                continue
            except RecursionError:
                record = _TOO_DEEP  # nested deeper than the parser goes: refused below
            if record is _TOO_DEEP or _too_deep(record, limits.max_depth):
                yield RawRow(
                    lines.number,
                    error=f"the JSON is nested deeper than {limits.max_depth} levels (the limit)",
                )
                continue
            yield RawRow(lines.number, record=record)


def _csv_rows(lines: _Lines, limits: ReadLimits) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """``(line, cells, None)`` for each row of a CSV file, ``(line, None, reason)`` for a row the
    reader refuses (past a limit, malformed); the reader goes on with the next line."""
    csv.field_size_limit(limits.max_cell_chars)
    reader = csv.reader(lines)
    while True:
        lines.row_chars = 0
        try:
            cells = next(reader)
        except StopIteration:
            return
        except _TooLong as exc:
            yield lines.number, None, str(exc)
            continue
        except csv.Error as exc:
            reason = str(exc)
            if "field limit" in reason:
                reason = f"a cell is longer than {limits.max_cell_chars} characters (the limit)"
            yield lines.number, None, f"the row cannot be read: {reason}"
            continue
        if not cells:
            continue  # a blank line
        if len(cells) > limits.max_columns:
            yield lines.number, None, f"the row has {len(cells)} cells; the limit is {limits.max_columns}"
            continue
        yield lines.number, cells, None


def _csv_header(lines: _Lines, limits: ReadLimits) -> list[str] | None:
    for _, cells, error in _csv_rows(lines, limits):
        if error is not None:
            raise FileRefused(f"the header row cannot be read: {error}")
        return cells
    return None


def _csv_body(
    lines: _Lines,
    header: Sequence[str],
    mapping: Mapping[str, str],
    schema: str,
    limits: ReadLimits,
    lines_before: int = 0,
) -> Iterator[RawRow]:
    columns = list(header)
    rows = 0
    for number, cells, error in _csv_rows(lines, limits):
        line = lines_before + number
        if cells is None:
            yield RawRow(line, error=error)
            continue
        rows += 1
        if limits.max_rows is not None and rows > limits.max_rows:
            yield _past_rows(line, limits)
            return
        row = dict(zip(columns, cells, strict=False))
        yield RawRow(line, record=_record_from_columns(row, mapping, line, schema))


def _missing_columns(header: Sequence[str], mapping: Mapping[str, str]) -> RawRow | None:
    missing = [c for c in mapping.values() if c not in header]
    if not missing:
        return None
    return RawRow(1, error=f"columns not found in header: {', '.join(shown(c) for c in missing[:20])}")


def read_csv_records(
    path: Path, mapping: Mapping[str, str], schema: str = "Person", limits: ReadLimits = DEFAULT_LIMITS
) -> Iterator[RawRow]:
    """Read a CSV file with a header row; ``mapping`` maps properties to column headers (when
    empty, headers must be property names). Multiple values in a cell are separated by ``;``.
    A row past a limit is reported and skipped, never held whole."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        lines = _Lines(handle, limits.max_line_chars)
        header = _csv_header(lines, limits)
        if header is None:
            return
        missing = _missing_columns(header, mapping)
        if missing is not None:
            yield missing
            return
        yield from _csv_body(lines, header, mapping, schema, limits)


def split_csv(
    path: Path, mapping: Mapping[str, str], size: int, limits: ReadLimits = DEFAULT_LIMITS
) -> tuple[list[str], Iterator[tuple[int, str] | RawRow]] | None:
    """A CSV file's header row, and its body cut between rows into parts of ``size`` rows for
    :func:`read_csv_part`: ``(lines of the file before the part, the part's text)``; a row the
    reader refuses comes between the parts as the :class:`RawRow` that reports it. None if the
    header lacks a mapped column (or the file is empty): read it whole, which reports that.
    Cutting only asks the C reader where rows end; reading the parts is left to the caller."""
    handle = path.open(encoding="utf-8-sig", errors="replace", newline="")
    taken: list[str] = []
    lines = _Lines(handle, limits.max_line_chars, taken)
    try:
        header = _csv_header(lines, limits)
    except BaseException:
        handle.close()
        raise
    if header is None or _missing_columns(header, mapping) is not None:
        handle.close()
        return None

    def parts() -> Iterator[tuple[int, str] | RawRow]:
        with handle:
            taken.clear()
            before, count, kept = lines.number, 0, 0
            for number, cells, error in _csv_rows(lines, limits):
                if cells is not None:
                    count += 1
                    kept = len(taken)
                    if count == size:
                        yield before, "".join(taken)
                        taken.clear()
                        before, count, kept = lines.number, 0, 0
                    continue
                # the rows before the refused one make a part; the refused row's lines none
                if kept:
                    yield before, "".join(taken[:kept])
                yield RawRow(number, error=error)
                taken.clear()
                before, count, kept = lines.number, 0, 0
            if taken:
                yield before, "".join(taken)

    return header, parts()


def read_csv_part(
    text: str,
    header: Sequence[str],
    mapping: Mapping[str, str],
    schema: str = "Person",
    lines_before: int = 0,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Iterator[RawRow]:
    """Read a part of a CSV file cut between rows, as :func:`read_csv_records` reads the whole
    file (for callers that read a file in parts, in worker processes say): ``header`` is the
    file's header row, ``lines_before`` the number of lines of the file before ``text``."""
    lines = _Lines(io.StringIO(text, newline=""), limits.max_line_chars)
    return _csv_body(lines, header, mapping, schema, dataclasses.replace(limits, max_rows=None), lines_before)


_MAX_MEMBERS = 10_000
_MAX_XML_DEPTH = 64


def _column_number(ref: str) -> int:
    number = 0
    for char in ref:
        if not "A" <= char <= "Z":
            break
        number = number * 26 + ord(char) - 64
    return number


def check_xlsx(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Refuse a workbook before anything reads it whole: not a zip archive, members that expand
    past ``max_expanded_bytes``, XML with a document type (entity bombs), a cell past
    ``max_cell_chars``, a sheet with more rows or columns than allowed. Each XML member is read
    in pieces by a streaming parser that counts, so a 300 MB cell is refused, never held."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused("the file is not an XLSX workbook (it is not a zip archive)") from exc
    with archive:
        members = archive.infolist()
        if len(members) > _MAX_MEMBERS:
            raise FileRefused(f"the workbook has {len(members)} parts; the limit is {_MAX_MEMBERS}")
        expanded = sum(m.file_size for m in members)
        if expanded > limits.max_expanded_bytes:
            raise FileRefused(
                f"the workbook expands to {expanded} bytes; the limit is {limits.max_expanded_bytes} bytes"
            )
        if "[Content_Types].xml" not in archive.namelist():
            raise FileRefused("the file is a zip archive but not an XLSX workbook")
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels", ".vml")):
                try:
                    _scan_xml(archive, member, limits)
                except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
                    raise FileRefused(f"the workbook's part {shown(member.filename)} cannot be read") from exc
                except expat.ExpatError as exc:
                    raise FileRefused(
                        f"the workbook's part {shown(member.filename)} is not well-formed XML ({exc})"
                    ) from exc


def _scan_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: ReadLimits) -> None:
    """Parse one XML part of a workbook as a stream, counting what it would cost to read."""
    name = shown(member.filename)
    most_rows = None if limits.max_rows is None else limits.max_rows + 1  # and the header row
    state = {"depth": 0, "unit": 0, "chars": 0, "rows": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        state["depth"] += 1
        if state["depth"] > _MAX_XML_DEPTH:
            raise FileRefused(f"the workbook's part {name} is nested deeper than {_MAX_XML_DEPTH} levels")
        local = tag.rpartition(":")[2]
        if local in ("c", "si", "is"):
            if not state["unit"]:
                state["unit"], state["chars"] = state["depth"], 0
            if local == "c" and _column_number(attrs.get("r", "")) > limits.max_columns:
                raise FileRefused(
                    f"the workbook has a cell in column {shown(attrs['r'])}; the limit is "
                    f"{limits.max_columns} columns"
                )
        elif not state["unit"]:
            state["chars"] = 0
        if local == "row" and most_rows is not None:
            state["rows"] += 1
            number = attrs.get("r", "")
            if state["rows"] > most_rows or (number.isdigit() and int(number) > most_rows):
                raise FileRefused(f"the workbook has more than {limits.max_rows} rows (the limit)")

    def end(tag: str) -> None:
        if state["unit"] == state["depth"]:
            state["unit"] = 0
        state["depth"] -= 1

    def text(data: str) -> None:
        state["chars"] += len(data)
        if state["chars"] > limits.max_cell_chars:
            raise FileRefused(
                f"the workbook has a cell longer than {limits.max_cell_chars} characters (the limit)"
            )

    def doctype(*_: Any) -> None:
        raise FileRefused(f"the workbook's part {name} declares a document type; workbooks have none")

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 16):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def read_xlsx_records(
    path: Path,
    mapping: Mapping[str, str],
    schema: str = "Person",
    limits: ReadLimits = DEFAULT_LIMITS,
    checked: bool = False,
) -> Iterator[RawRow]:
    """Read the first sheet of an XLSX workbook (header in row 1) like :func:`read_csv_records`,
    once :func:`check_xlsx` has bounded it (here, unless the caller says it did: ``checked``),
    with openpyxl's streaming (read-only) reader."""
    from openpyxl import load_workbook

    if not checked:
        check_xlsx(path, limits)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise FileRefused(f"the workbook cannot be read ({type(exc).__name__})") from exc
    try:
        sheet: Any = workbook.worksheets[0]
        sheet.reset_dimensions()  # rows as written, never padded to a claimed size
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        names = [str(h).strip() if h is not None else "" for h in header]
        missing = _missing_columns(names, mapping)
        if missing is not None:
            yield missing
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
    path: Path,
    mapping: Mapping[str, str] | None = None,
    schema: str = "Person",
    limits: ReadLimits = DEFAULT_LIMITS,
    checked: bool = False,
) -> Iterator[RawRow]:
    """Read the rows of a ``.jsonl``/``.json``/``.ndjson``, ``.csv`` or ``.xlsx`` file, unparsed
    (for callers that parse elsewhere — in worker processes, say). Raises :class:`FileRefused`
    for a file refused whole (an XLSX workbook past its limits, say); ``checked``: the caller
    ran :func:`check_xlsx` on this file with these limits already."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_records(path, mapping or {}, schema, limits)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_records(path, mapping or {}, schema, limits, checked)
    return read_jsonl_records(path, limits)


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
