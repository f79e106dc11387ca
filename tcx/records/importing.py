"""Import of subject records from FollowTheMoney JSON lines, CSV or XLSX (with a column mapping).

Idempotent by owner + external id (the file's ``id``): a re-import updates what changed and
duplicates nothing. Each bad row is reported with its number and reason and the good rows are
kept; rows are written in chunks, each chunk whole or not at all, with one audit event each.
"""

from __future__ import annotations

import codecs
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.matching import Entity, keys_for
from tcx.matching.io import read_entities
from tcx.policy import rules
from tcx.policy.rules import Policy
from tcx.records import jobs
from tcx.records.models import MatchJob, MatchKey, Record, RecordVersion
from tcx.records.services import SCHEMATA, RecordError, _crime_areas, _editor_check, record_update

CHUNK = 500
MAX_FILE_BYTES = 512 * 1024 * 1024


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


def check_file(path: Path) -> None:
    """Refuse, before reading a row, a file that is too big or not UTF-8 text."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RecordError({"file": f"the file is {size} bytes; the largest import is {MAX_FILE_BYTES} bytes"})
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    offset = 0
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
) -> ImportReport:
    """Import a file into the actor's agency, every record with ``policy``."""
    _editor_check(actor)
    policy = rules.validate_policy(policy, owner=actor.organisation)
    areas = _crime_areas(crime_areas or [])
    check_file(path)
    report = ImportReport()
    chunk: list[tuple[int, dict[str, Any], Entity]] = []
    seen: set[str] = set()
    for row in read_entities(path, mapping, schema):
        if progress is not None:
            progress(1)
        if row.error or row.record is None or row.entity is None:
            report.errors.append((row.line, row.error or "nothing to import"))
            continue
        record = row.record
        if record.get("schema") not in SCHEMATA:
            report.errors.append((row.line, f"unknown schema {record.get('schema')!r}"))
            continue
        if not (row.entity.names or row.entity.identifiers):
            report.errors.append((row.line, "no name or identifier that can be matched"))
            continue
        external_id = str(record.get("id") or "").strip()
        if external_id.startswith("row-"):
            external_id = ""  # the file gave no id: the row cannot be recognised on re-import
        if external_id and external_id in seen:
            report.errors.append((row.line, f"id {external_id!r} appears twice in the file"))
            continue
        seen.add(external_id)
        report.warnings.extend((row.line, warning) for warning in row.warnings)
        chunk.append((row.line, record, row.entity))
        if len(chunk) >= CHUNK:
            _write_chunk(actor, chunk, policy, areas, subject_role, report)
            chunk = []
    if chunk:
        _write_chunk(actor, chunk, policy, areas, subject_role, report)
    return report


@transaction.atomic
def _write_chunk(
    actor: Any,
    rows: list[tuple[int, dict[str, Any], Entity]],
    policy: Policy,
    areas: list[Any],
    subject_role: str,
    report: ImportReport,
) -> None:
    owner = actor.organisation
    ids = [r["id"] for _, r, _ in rows if r.get("id") and not str(r["id"]).startswith("row-")]
    existing = {r.external_id: r for r in Record.objects.filter(owner=owner, external_id__in=ids)}
    now = timezone.now()
    new: list[Record] = []
    entities: list[Any] = []
    for _line, data, entity in rows:
        external_id = "" if str(data.get("id", "")).startswith("row-") else str(data.get("id", ""))
        current = existing.get(external_id) if external_id else None
        if current is not None:
            if current.schema == data["schema"] and current.properties == data["properties"]:
                report.unchanged += 1
            else:
                record_update(
                    actor=actor,
                    record=current,
                    data={"schema": data["schema"], "properties": data["properties"]},
                )
                report.updated += 1
            continue
        entities.append(entity)
        new.append(
            Record(
                owner=owner,
                schema=data["schema"],
                properties=data["properties"],
                caption=entity.caption[:300],
                external_id=external_id,
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
        )
    if not new:
        return
    created = Record.objects.bulk_create(new, batch_size=CHUNK)  # ids come back on SQLite and PostgreSQL
    orgs_through = Record.audience_organisations.through
    groups_through = Record.audience_groups.through
    areas_through = Record.crime_areas.through
    orgs_through.objects.bulk_create(
        [
            orgs_through(record_id=r.pk, organisation_id=o)
            for r in created
            for o in policy.audience_organisations
        ]
    )
    groups_through.objects.bulk_create(
        [groups_through(record_id=r.pk, sharinggroup_id=g) for r in created for g in policy.audience_groups]
    )
    areas_through.objects.bulk_create(
        [areas_through(record_id=r.pk, crimearea_id=a.pk) for r in created for a in areas]
    )
    # History, postings and jobs are many rows: written with executemany, not as ORM objects
    # (building ~20 model instances per record was most of an import's time).
    postings = [
        (k[:255], r.pk) for r, entity in zip(created, entities, strict=True) for k in keys_for(entity)
    ]
    key_table, job_table = MatchKey._meta.db_table, MatchJob._meta.db_table
    version_table = RecordVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {version_table} (record_id, version, change, schema, properties, caption, "  # noqa: S608
            "status, changed_by_id, changed_at) VALUES (%s, 1, 'imported', %s, %s, %s, %s, %s, %s)",
            [
                (
                    r.pk,
                    r.schema,
                    json.dumps(r.properties, ensure_ascii=False),
                    r.caption,
                    r.status,
                    actor.pk,
                    now,
                )
                for r in created
            ],
        )
        cursor.executemany(f"INSERT INTO {key_table} (key, record_id) VALUES (%s, %s)", postings)  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {job_table} (record_id, version, status, attempts, created_at, error) "  # noqa: S608
            "VALUES (%s, 1, 'pending', 0, %s, '')",
            [(r.pk, now) for r in created],
        )
    report.created += len(created)
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_IMPORTED,
        target_type="records.record",
        target_owner=owner,
        data={"records": [r.pk for r in created]},
    )
    if jobs.inline():
        transaction.on_commit(jobs.run_pending)
