"""Import of subject records from FollowTheMoney JSON lines, CSV or XLSX (with a column mapping).

Idempotent by owner + external id (the file's ``id``): a re-import updates what changed and
duplicates nothing. Each bad row is reported with its number and reason and the good rows are
kept; rows are written in chunks, each chunk whole or not at all, with one audit event each.
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
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
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
from tcx.policy.rules import Policy
from tcx.records import bulk
from tcx.records import index as match_index
from tcx.records.models import Record, RecordVersion, SubjectRole
from tcx.records.services import (
    MATCH_TASK,
    RecordError,
    _crime_areas,
    _editor_check,
    check_policy_text,
    match_key,
    record_update,
)
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
    actor: Any,
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
    areas = _crime_areas(crime_areas or [])
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
            tables = [Record._meta.db_table, match_index.MatchKey._meta.db_table, job_queue.JOB_TABLE]
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
    return report


def _reserve_ids(count: int) -> list[int]:
    """Take ``count`` new record ids inside the current transaction (TCX runs on SQLite and
    PostgreSQL only, see ``tcx.config.settings``).

    On SQLite the transaction holds the write lock from its start (``BEGIN IMMEDIATE``), so the
    next ids are the table's highest; on PostgreSQL they come from the table's sequence."""
    table = Record._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        sequence = "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0)"
        highest = f"SELECT MAX({sequence}, COALESCE((SELECT MAX(id) FROM {table}), 0))"  # noqa: S608
        cursor.execute(highest, [table])
        start = int(cursor.fetchone()[0]) + 1
        return list(range(start, start + count))


def _insert_records(template: Record, new: list[Prepared]) -> list[int]:
    """Insert records that differ from ``template`` only in their content, with
    ``executemany``, and return their ids: the ORM's ``bulk_create`` builds and prepares every
    field of every row, most of an import's time."""
    ids = _reserve_ids(len(new))
    fields = Record._meta.concrete_fields
    constant = {f.attname: f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields}
    base = [constant[f.attname] for f in fields]
    at = {f.attname: i for i, f in enumerate(fields)}
    pk_at, schema_at, properties_at = at["id"], at["schema"], at["properties"]
    caption_at, external_id_at, keys_at = at["caption"], at["external_id"], at["indexed_keys"]
    gid_field = Record._meta.get_field("gid")
    rows: list[list[Any]] = []
    for row, pk in zip(new, ids, strict=True):
        line = base.copy()
        line[pk_at] = pk
        # Each record its own global id (the template's default would give every row the same).
        line[at["gid"]] = gid_field.get_db_prep_save(uuid.uuid4(), connection)
        line[schema_at] = row.schema
        line[properties_at] = row.properties_json
        line[caption_at] = row.caption
        line[external_id_at] = row.external_id
        line[keys_at] = row.packed_keys
        rows.append(line)
    bulk.insert(Record._meta.db_table, [str(f.column) for f in fields], rows)
    return ids


def _held_ids(owner_id: int, external_ids: list[str]) -> list[str]:
    """Which of ``external_ids`` the owner holds already: asked with the ids as one parameter
    (the ORM's ``__in`` prepares each of a chunk's thousands of ids, a tenth of the writer's
    time). ``NOT (external_id = '')`` lets the database search the partial unique index on
    (owner, external_id) instead of every record of the agency (that made a big import
    quadratic)."""
    if not external_ids:
        return []
    table = connection.ops.quote_name(Record._meta.db_table)
    param: str | list[str]
    if connection.vendor == "sqlite":
        ids, param = "(SELECT value FROM json_each(%s))", json.dumps(external_ids)
    else:
        ids, param = "(SELECT unnest(%s::text[]))", external_ids
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT external_id FROM {table} WHERE owner_id = %s "  # noqa: S608
            f"AND NOT (external_id = '') AND external_id IN {ids}",
            [owner_id, param],
        )
        return [row[0] for row in cursor.fetchall()]


def _write_chunk(
    actor: Any,
    rows: list[Prepared],
    policy: Policy,
    areas: list[Any],
    subject_role: str,
    report: ImportReport,
    pacer: WritePacer,
) -> None:
    """Write a chunk: its new records in one transaction, then each changed record in its own
    short one (a record update costs a thousand times an insert: thousands of them in one
    transaction held SQLite's write lock past every other writer's busy timeout), leaving the
    lock to other writers now and then (:class:`tcx.jobs.pacing.WritePacer`)."""
    changed = _insert_chunk(actor, rows, policy, areas, subject_role, report)
    pacer.tick()
    for current, row, properties in changed:
        record_update(actor=actor, record=current, data={"schema": row.schema, "properties": properties})
        report.updated += 1
        pacer.tick()


@transaction.atomic
def _insert_chunk(
    actor: Any,
    rows: list[Prepared],
    policy: Policy,
    areas: list[Any],
    subject_role: str,
    report: ImportReport,
) -> list[tuple[Record, Prepared, dict[str, Any]]]:
    """Insert the chunk's new records; return the records it changes, to update."""
    owner = actor.organisation
    held = _held_ids(owner.pk, [r.external_id for r in rows if r.external_id])
    known = Record.objects.filter(owner=owner, external_id__in=held).exclude(external_id="").order_by()
    existing = {r.external_id: r for r in known} if held else {}
    now = timezone.now()
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
    if not new:
        return changed
    template = Record(
        owner=owner,
        subject_role=subject_role,
        created_by=actor,
        created_at=now,
        updated_at=now,
        tlp=policy.tlp,
        handling_codes=policy.handling_codes,
        handling_h3_text=policy.handling_h3_text,
        evaluation_source=policy.evaluation_source,
        evaluation_information=policy.evaluation_information,
        legal_basis=policy.legal_basis,
        review_date=policy.review_date,
    )
    created = _insert_records(template, new)
    orgs_through = Record.audience_organisations.through
    groups_through = Record.audience_groups.through
    areas_through = Record.crime_areas.through
    orgs_through.objects.bulk_create(
        [
            orgs_through(record_id=pk, organisation_id=o)
            for pk in created
            for o in policy.audience_organisations
        ]
    )
    groups_through.objects.bulk_create(
        [groups_through(record_id=pk, sharinggroup_id=g) for pk in created for g in policy.audience_groups]
    )
    areas_through.objects.bulk_create(
        [areas_through(record_id=pk, crimearea_id=a.pk) for pk in created for a in areas]
    )
    # History, postings and jobs are many rows: written with executemany, not as ORM objects
    # (building ~20 model instances per record was most of an import's time); the time is
    # adapted for the database once, not for every row.
    stamp = connection.ops.adapt_datetimefield_value(now)
    bulk.insert(
        RecordVersion._meta.db_table,
        [
            "record_id",
            "version",
            "change",
            "schema",
            "properties",
            "caption",
            "status",
            "changed_by_id",
            "changed_at",
        ],
        [
            (pk, 1, "imported", r.schema, r.properties_json, r.caption, template.status, actor.pk, stamp)
            for pk, r in zip(created, new, strict=True)
        ],
    )
    job_queue.enqueue_many(
        MATCH_TASK, [(match_key(pk, 1), {"record_id": pk, "version": 1}) for pk in created]
    )
    match_index.index_packed(created, [r.packed_keys for r in new], [r.keys_json for r in new])
    report.created += len(created)
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_IMPORTED,
        target_type="records.record",
        target_owner=owner,
        data={"records": created},
    )
    return changed
