"""Import of subject records from FollowTheMoney JSON lines, CSV or XLSX (with a column mapping).

Idempotent by owner + external id (the file's ``id``): a re-import updates what changed and
duplicates nothing. Each bad row is reported with its number and reason and the good rows are
kept; rows are written in chunks, each chunk whole or not at all, with one audit event each,
by the service every record is created by (:func:`tcx.records.services.create_records`).
"""

from __future__ import annotations

import codecs
import collections
import dataclasses
import gc
import itertools
import json
import logging
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from tcx.jobs import services as job_queue
from tcx.jobs.pacing import WritePacer
from tcx.matching import keys_for
from tcx.matching.io import (
    FileRefused,
    RawRow,
    ReadLimits,
    check_xlsx,
    parse_row,
    read_csv_part,
    read_records,
    shown,
    split_csv,
)
from tcx.policy import rules
from tcx.policy.actors import Actor
from tcx.policy.rules import Policy
from tcx.records import index as match_index
from tcx.records import services
from tcx.records.models import MatchKey, Record, SubjectRole
from tcx.records.services import RecordError, _crime_areas, _editor_check, check_policy_text, record_update
from tcx.records.validation import RecordLimits, content_errors, external_id_error, record_limits

CHUNK = 500  # rows sent to a parsing process at a time
# Rows written per transaction. Postings are keyed by hash, so the rows of a chunk land on
# pages all over the postings B-tree: a transaction rewrites most of its pages whatever its
# size, and a big chunk writes each page once for many rows (SQLite's WAL, PostgreSQL's heap).
WRITE_CHUNK = 5000
ANALYZE_AFTER = 5_000  # records created by one import
MAX_FILE_BYTES = 512 * 1024 * 1024
logger = logging.getLogger(__name__)


def read_limits() -> ReadLimits:
    """What reading one import file may cost (settings ``TCX_IMPORT_MAX_*``, documented in the
    README); each limit is named in the error that refuses a file or a row past it."""
    return ReadLimits(
        max_rows=int(getattr(settings, "TCX_IMPORT_MAX_ROWS", 100_000)),
        max_columns=int(getattr(settings, "TCX_IMPORT_MAX_COLUMNS", 500)),
        max_cell_chars=int(getattr(settings, "TCX_IMPORT_MAX_CELL_CHARS", 65_536)),
        max_line_chars=int(getattr(settings, "TCX_IMPORT_MAX_LINE_CHARS", 1 << 20)),
        max_depth=int(getattr(settings, "TCX_IMPORT_MAX_DEPTH", 16)),
        max_expanded_bytes=int(getattr(settings, "TCX_IMPORT_MAX_EXPANDED_BYTES", 256 << 20)),
    )


@dataclasses.dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    # rows imported with a value that could not be read (a date, a phone ...), kept as written
    warnings: list[tuple[int, str]] = dataclasses.field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.errors)} rejected, {len(self.warnings)} with warnings"
        )


def check_file(path: Path, limits: ReadLimits | None = None) -> int:
    """Refuse, before a row is used, a file that is too big, not UTF-8 text, has more rows than
    an import takes, or is a workbook past its limits; return its rows (lines of a CSV or
    JSON-lines file, an upper bound for the progress bar; 0 for a workbook)."""
    limits = limits or read_limits()
    size = path.stat().st_size
    largest = int(getattr(settings, "TCX_IMPORT_MAX_BYTES", MAX_FILE_BYTES))
    if size > largest:
        reason = _("the file is %(size)d bytes; the largest import is %(limit)d bytes")
        raise RecordError({"file": reason % {"size": size, "limit": largest}})
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            check_xlsx(path, limits)
        except FileRefused as exc:
            raise RecordError({"file": str(exc)}) from exc
        return 0
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    offset = lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise RecordError(
                    {
                        "file": (
                            f"the file is not UTF-8 text (byte {offset + exc.start}); "
                            "save it as UTF-8 and import again"
                        )
                    }
                ) from exc
            offset += len(chunk)
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    lines += last != b"\n"
    rows = max(lines - 1, 0) if path.suffix.lower() == ".csv" else lines
    if limits.max_rows is not None and rows > limits.max_rows:
        raise RecordError(
            {
                "file": (
                    _(
                        "the file has %(rows)d rows (lines); an import takes at most %(limit)d (the limit): "
                        "split it into several files"
                    )
                    % {"rows": rows, "limit": limits.max_rows}
                )
            }
        )
    return rows


@dataclasses.dataclass(slots=True)
class Prepared:
    """A row made ready to write, or why it is refused. Prepared in worker processes when the
    import has some (parsing is the costly part), in the form the writer stores: the properties
    as JSON text, the match-index key hashes packed and as a JSON array (see
    :func:`tcx.records.index.index_packed`), so that the writer only unpickles strings."""

    line: int
    error: str | None = None
    warnings: list[str] = dataclasses.field(default_factory=list)
    external_id: str = ""  # "" when the file gave no id: the row cannot be recognised on re-import
    schema: str = ""
    properties_json: str = ""
    caption: str = ""
    packed_keys: bytes = b""
    keys_json: str = "[]"

    def __reduce__(self) -> tuple[Any, ...]:
        # a tuple of the fields: a fraction of the cost of the dataclass's state to unpickle
        return (Prepared, tuple(getattr(self, f) for f in self.__slots__))


def prepare(raw: RawRow, limits: RecordLimits | None = None) -> Prepared:
    """Check one row with the validation every write path uses (:mod:`tcx.records.validation`),
    then parse it with the engine and check what only the row can tell."""
    record = raw.record
    if record is None:
        return Prepared(raw.line, error=raw.error or "nothing to read")
    if not isinstance(record, dict):
        return Prepared(raw.line, error="the row is not a JSON object")
    schema = record.get("schema") or "LegalEntity"  # as the engine reads an entity without one
    errors = content_errors(schema, record.get("properties") or {}, limits)
    if record.get("id") is not None and (problem := external_id_error(record["id"])):
        errors["id"] = problem
    if errors:
        return Prepared(raw.line, error="; ".join(f"{field}: {reason}" for field, reason in errors.items()))
    row = parse_row(raw)
    if row.error or row.record is None or row.entity is None:
        return Prepared(row.line, error=row.error or "nothing to import")
    if not (row.entity.names or row.entity.identifiers):
        return Prepared(row.line, error="no name or identifier that can be matched")
    external_id = str(record.get("id") or "").strip()
    hashes = match_index.hash_keys(keys_for(row.entity))
    return Prepared(
        row.line,
        warnings=row.warnings,
        external_id="" if external_id.startswith("row-") else external_id,
        schema=schema,
        properties_json=json.dumps(record.get("properties") or {}, ensure_ascii=False),
        caption=row.entity.caption[:300],
        packed_keys=match_index.pack(hashes),
        keys_json="[" + ",".join(map(str, hashes)) + "]",
    )


def _prepare_chunk(rows: list[RawRow]) -> list[Prepared]:
    limits = record_limits()
    return [prepare(raw, limits) for raw in rows]


def _prepare_csv_part(
    text: str,
    header: list[str],
    mapping: dict[str, str],
    schema: str,
    lines_before: int,
    reading: ReadLimits,
) -> list[Prepared]:
    limits = record_limits()
    return [
        prepare(raw, limits) for raw in read_csv_part(text, header, mapping, schema, lines_before, reading)
    ]


def _init_worker() -> None:
    # The forked worker inherits the whole heap of its parent: freeze it, so that the garbage
    # collector never walks (and never copies) it, and collect the rows' garbage less often.
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def _chunks(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def prepared_rows(
    path: Path,
    mapping: dict[str, str] | None,
    schema: str,
    workers: int = 1,
    limits: ReadLimits | None = None,
) -> Iterator[Prepared]:
    """The file's rows, prepared, in file order: in this process, or with ``workers`` forked
    worker processes parsing chunks ahead of the writer (the CLI's ``--workers``); they also
    read the rows of a CSV file. Forking is only for a process that runs no other threads (the
    CLI, a benchmark), never a web server. The caller has run :func:`check_file` on it."""
    limits = limits or read_limits()
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        checks = record_limits()
        yield from (prepare(raw, checks) for raw in read_records(path, mapping, schema, limits, checked=True))
        return
    with ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_init_worker
    ) as pool:
        tasks = _csv_tasks(pool, path, mapping or {}, schema, limits)
        if tasks is None:
            rows = read_records(path, mapping, schema, limits, checked=True)
            tasks = (pool.submit(_prepare_chunk, chunk) for chunk in _chunks(rows, CHUNK))
        pending: collections.deque[Future[list[Prepared]]] = collections.deque()
        ahead = 2 * WRITE_CHUNK // CHUNK + 2 * workers
        for task in tasks:
            pending.append(task)
            # Read ahead by two write chunks, so that the parsing processes work while this
            # one writes and commits; bounded, so that memory stays flat on big files.
            if len(pending) > ahead:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _done(rows: list[Prepared]) -> Future[list[Prepared]]:
    future: Future[list[Prepared]] = Future()
    future.set_result(rows)
    return future


def _csv_tasks(
    pool: ProcessPoolExecutor, path: Path, mapping: dict[str, str], schema: str, limits: ReadLimits
) -> Iterator[Future[list[Prepared]]] | None:
    """The parts of a CSV file given to ``pool`` to read and prepare (a row refused while the
    file is cut comes as its report), or None when the file is not CSV or its header lacks a
    mapped column (then read here, which reports that)."""
    if path.suffix.lower() != ".csv":
        return None
    cut = split_csv(path, mapping, CHUNK, limits)
    if cut is None:
        return None
    header, parts = cut
    return (
        _done([Prepared(part.line, error=part.error)])
        if isinstance(part, RawRow)
        else pool.submit(_prepare_csv_part, part[1], header, mapping, schema, part[0], limits)
        for part in parts
    )


def _guarded(rows: Iterator[Prepared], report: ImportReport) -> Iterator[Prepared]:
    """The rows of a file until reading it fails: a file refused whole (before its first row) is
    a RecordError; a failure part-way is reported on the line after the last row read, and the
    rows before it are kept."""
    last = 0
    try:
        for row in rows:
            last = row.line
            yield row
    except FileRefused as exc:
        raise RecordError({"file": str(exc)}) from exc
    except Exception as exc:  # a reader's or parsing process's failure must never lose the report
        logger.exception("import stopped reading after line %s", last)
        report.errors.append(
            (
                last + 1,
                _("the file cannot be read past line %(line)d (%(error)s); the rest was not imported")
                % {"line": last, "error": type(exc).__name__},
            )
        )


def import_file(
    *,
    actor: Actor,
    path: Path,
    policy: Policy,
    mapping: dict[str, str] | None = None,
    schema: str = "Person",
    crime_areas: list[str] | None = None,
    subject_role: str = "",
    progress: Callable[[int], Any] | None = None,
    workers: int = 1,
) -> ImportReport:
    """Import a file into the actor's agency, every record with ``policy``."""
    _editor_check(actor)
    check_policy_text(policy)
    policy = rules.validate_policy(policy, owner=actor.organisation)
    _crime_areas(crime_areas or [])  # refused before the file is read
    areas = list(crime_areas or [])
    if subject_role and subject_role not in SubjectRole.values:
        raise RecordError(
            {
                "subject_role": (
                    f"unknown role {shown(subject_role)}; use one of {', '.join(SubjectRole.values)}"
                )
            }
        )
    limits = read_limits()
    check_file(path, limits)
    report = ImportReport()
    pacer = WritePacer()
    chunk: list[Prepared] = []
    seen: set[str] = set()
    for row in _guarded(prepared_rows(path, mapping, schema, workers, limits), report):
        if progress is not None:
            progress(1)
        if row.error:
            report.errors.append((row.line, row.error))
            continue
        external_id = row.external_id
        if external_id and external_id in seen:
            twice = _("id %(id)s appears twice in the file") % {"id": shown(external_id)}
            report.errors.append((row.line, twice))
            continue
        seen.add(external_id)
        report.warnings.extend((row.line, warning) for warning in row.warnings)
        chunk.append(row)
        if len(chunk) >= WRITE_CHUNK:
            _write_chunk(actor, chunk, policy, areas, subject_role, report, pacer)
            chunk = []
    if chunk:
        _write_chunk(actor, chunk, policy, areas, subject_role, report, pacer)
    if (
        report.created >= ANALYZE_AFTER
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    ):
        # fresh statistics, so that the matching jobs the import queued search the postings by
        # index rather than by the plan made for the empty table (autovacuum comes much later)
        with connection.cursor() as cursor:
            tables = [Record._meta.db_table, MatchKey._meta.db_table, job_queue.JOB_TABLE]
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
    return report


def _write_chunk(
    actor: Actor,
    rows: list[Prepared],
    policy: Policy,
    crime_areas: list[str],
    subject_role: str,
    report: ImportReport,
    pacer: WritePacer,
) -> None:
    """Write a chunk: its new records in one transaction, then each changed record in its own
    short one (a record update costs a thousand times an insert: thousands of them in one
    transaction held SQLite's write lock past every other writer's busy timeout), leaving the
    lock to other writers now and then (:class:`tcx.jobs.pacing.WritePacer`)."""
    changed = _insert_chunk(actor, rows, policy, crime_areas, subject_role, report)
    pacer.tick()
    for current, row, properties in changed:
        record_update(actor=actor, record=current, data={"schema": row.schema, "properties": properties})
        report.updated += 1
        pacer.tick()


@transaction.atomic
def _insert_chunk(
    actor: Actor,
    rows: list[Prepared],
    policy: Policy,
    crime_areas: list[str],
    subject_role: str,
    report: ImportReport,
) -> list[tuple[Record, Prepared, dict[str, Any]]]:
    """Insert the chunk's new records (:func:`tcx.records.services.create_records`, the path
    every record is created by); return the records it changes, to update."""
    owner = actor.organisation
    held = services.held_external_ids(owner.pk, [r.external_id for r in rows if r.external_id])
    known = Record.objects.filter(owner=owner, external_id__in=held).exclude(external_id="").order_by()
    existing = {r.external_id: r for r in known} if held else {}
    new: list[Prepared] = []
    changed: list[tuple[Record, Prepared, dict[str, Any]]] = []
    for row in rows:
        current = existing.get(row.external_id) if row.external_id else None
        if current is None:
            new.append(row)
            continue
        properties = json.loads(row.properties_json)
        if current.schema == row.schema and current.properties == properties:
            report.unchanged += 1
        else:
            changed.append((current, row, properties))
    if new:
        created = services.create_records(
            actor=actor, rows=new, policy=policy, crime_areas=crime_areas, subject_role=subject_role
        )
        report.created += len(created)
    return changed
