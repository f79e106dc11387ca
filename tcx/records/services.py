"""Writes on records: create, edit, archive (with history), matching, hits, releases.

Every write is one transaction with its audit event; the match index is kept current in the
same transaction, and the matching job runs after the commit.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.jobs import services as job_queue
from tcx.kernel.errors import FieldErrors
from tcx.kernel.text import text_problem
from tcx.kernel.updates import apply_changes
from tcx.matching import Matcher, keys_for, screen_one
from tcx.matching.io import UNSAFE_TEXT, shown
from tcx.organisations import selectors as org_selectors
from tcx.policy import rules
from tcx.policy.actors import Actor, user_of
from tcx.policy.capabilities import Capability, has_capability
from tcx.policy.rules import Action, NotFound, Policy
from tcx.records import bulk
from tcx.records import index as match_index
from tcx.records import notifications as records_notifications
from tcx.records.index import DatabaseIndex, entity_of
from tcx.records.models import (
    HitDisclosure,
    Match,
    MatchKind,
    MatchStatus,
    Priority,
    Record,
    RecordStatus,
    RecordVersion,
    ReleaseRequest,
    ReleaseStatus,
    SubjectRole,
)
from tcx.records.validation import content_errors, external_id_error

RELEASE_DEADLINES = {Priority.URGENT: dt.timedelta(hours=8), Priority.NORMAL: dt.timedelta(days=7)}


class RecordError(FieldErrors):
    """A record that breaks a rule; ``errors`` maps each field to what is wrong."""


class DecisionConflict(Exception):
    """A decision on a match or release request that was already decided (HTTP 409)."""


def _record_field_errors(subject_role: Any, hit_disclosure: Any, source_reference: Any) -> dict[str, str]:
    """What is wrong with the fields every record has beside its entity (one record's create, or
    all the rows of one :func:`create_records` call)."""
    errors: dict[str, str] = {}
    if not isinstance(subject_role, str) or (subject_role and subject_role not in SubjectRole.values):
        errors["subject_role"] = (
            f"unknown role {shown(subject_role)}; use one of {', '.join(SubjectRole.values)}"
        )
    if hit_disclosure not in HitDisclosure.values:
        errors["hit_disclosure"] = f"use one of {', '.join(HitDisclosure.values)}"
    if not isinstance(source_reference, str):
        errors["source_reference"] = _("must be text")
    elif problem := text_problem(source_reference, limit=200, one_line=True):
        errors["source_reference"] = problem
    return errors


def _check_content(
    schema: str,
    properties: Any,
    subject_role: Any,
    hit_disclosure: Any,
    source_reference: Any = "",
    external_id: Any = "",
) -> str:
    """Validate the entity part with the one check every write path uses (see
    :mod:`tcx.records.validation`); return its caption."""
    errors = content_errors(schema, properties)
    errors.update(_record_field_errors(subject_role, hit_disclosure, source_reference))
    if external_id and (problem := external_id_error(external_id)):
        errors["external_id"] = problem
    if errors:
        raise RecordError(errors)
    entity = entity_of(Record(pk=0, schema=schema, properties=properties))
    if entity is None or not (entity.names or entity.identifiers):
        raise RecordError({"properties": "the record needs a name or an identifier that can be matched"})
    return entity.caption[:300]


def check_policy_text(policy: Policy) -> None:
    """The policy's free texts obey the rules of every stored text (no NUL, controls or
    bidirectional overrides; a bounded length): the policy module checks their meaning."""
    errors = {
        field: problem
        for field, value in (
            ("legal_basis", policy.legal_basis),
            ("handling_h3_text", policy.handling_h3_text),
        )
        if (problem := text_problem(value or "", limit=500) if isinstance(value, str) else _("must be text"))
    }
    if errors:
        raise RecordError(errors)


def _snapshot(record: Record, *, change: str, actor: Actor) -> None:
    RecordVersion.objects.create(
        record=record,
        version=record.version,
        change=change,
        schema=record.schema,
        properties=record.properties,
        caption=record.caption,
        status=record.status,
        changed_by=user_of(actor),
    )


def _crime_areas(codes: list[str]) -> list[Any]:
    if any(not isinstance(c, str) or len(c) > 100 or UNSAFE_TEXT.search(c) for c in codes):
        raise RecordError({"crime_areas": _("crime area codes are short texts without control characters")})
    areas = list(org_selectors.crime_area_list().filter(code__in=codes))
    missing = set(codes) - {a.code for a in areas}
    if missing:
        raise RecordError({"crime_areas": f"unknown crime area(s): {', '.join(sorted(missing))}"})
    return areas


def _editor_check(actor: Actor) -> None:
    if not has_capability(actor, Capability.EDIT_OPERATIONAL):
        raise NotFound("not found")


class RecordContent(Protocol):
    """The content of one record to create, checked and made ready to store: what
    :func:`new_record` makes for one record, and an import's parsing processes for each row of a
    file (:class:`tcx.records.importing.Prepared`)."""

    schema: str
    properties_json: str  # the properties as JSON text
    caption: str
    packed_keys: bytes  # the match-index key hashes, packed (``Record.indexed_keys``)
    keys_json: str  # the same hashes as a JSON array
    external_id: str


@dataclasses.dataclass(slots=True)
class NewRecord:
    schema: str
    properties_json: str
    caption: str
    packed_keys: bytes
    keys_json: str
    external_id: str = ""


def content_ready(schema: str, properties: dict[str, Any], caption: str, external_id: str) -> NewRecord:
    """The stored form of content already checked (by :func:`_check_content`, or by an import's
    :func:`tcx.records.importing.prepare`)."""
    entity = entity_of(Record(pk=0, schema=schema, properties=properties))
    hashes = match_index.hash_keys(keys_for(entity)) if entity is not None else []
    return NewRecord(
        schema=schema,
        properties_json=json.dumps(properties, ensure_ascii=False),
        caption=caption,
        packed_keys=match_index.pack(hashes),
        keys_json="[" + ",".join(map(str, hashes)) + "]",
        external_id=external_id.strip(),
    )


def new_record(
    *,
    schema: str,
    properties: dict[str, list[str]],
    subject_role: str = "",
    hit_disclosure: str = HitDisclosure.COUNTRY,
    source_reference: str = "",
    external_id: str = "",
) -> NewRecord:
    """Check one record's content (every fault named, as :class:`RecordError`) and make it ready
    for :func:`create_records`."""
    caption = _check_content(schema, properties, subject_role, hit_disclosure, source_reference, external_id)
    return content_ready(schema, properties, caption, str(external_id or ""))


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


def _insert_records(template: Record, rows: Sequence[RecordContent]) -> list[int]:
    """Insert records that differ from ``template`` only in their content, with
    ``executemany`` (``COPY`` on PostgreSQL), and return their ids: the ORM's ``bulk_create``
    builds and prepares every field of every row, most of an import's time."""
    ids = _reserve_ids(len(rows))
    fields = Record._meta.concrete_fields
    constant = {f.attname: f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields}
    base = [constant[f.attname] for f in fields]
    at = {f.attname: i for i, f in enumerate(fields)}
    pk_at, gid_at, schema_at, properties_at = at["id"], at["gid"], at["schema"], at["properties"]
    caption_at, external_id_at, keys_at = at["caption"], at["external_id"], at["indexed_keys"]
    gid_field = Record._meta.get_field("gid")
    lines: list[list[Any]] = []
    for row, pk in zip(rows, ids, strict=True):
        line = base.copy()
        line[pk_at] = pk
        # Each record its own global id (the template's default would give every row the same).
        line[gid_at] = gid_field.get_db_prep_save(uuid.uuid4(), connection)
        line[schema_at] = row.schema
        line[properties_at] = row.properties_json
        line[caption_at] = row.caption
        line[external_id_at] = row.external_id
        line[keys_at] = row.packed_keys
        lines.append(line)
    bulk.insert(Record._meta.db_table, [str(f.column) for f in fields], lines)
    return ids


def held_external_ids(owner_id: int, external_ids: list[str]) -> list[str]:
    """Which of ``external_ids`` the owner holds already: asked with the ids as one parameter
    (the ORM's ``__in`` prepares each of a chunk's thousands of ids, a tenth of an import
    writer's time). ``NOT (external_id = '')`` lets the database search the partial unique index
    on (owner, external_id) instead of every record of the agency (that made a big import
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


def _queue_matching(versions: list[tuple[int, int]]) -> None:
    """Ask for each ``(record id, version)`` to be matched after the surrounding commit: the one
    place the record services talk to the job queue (on the embedded default this request then
    runs these jobs, and no other)."""
    job_queue.enqueue_many(
        MATCH_TASK,
        [(match_key(pk, version), {"record_id": pk, "version": version}) for pk, version in versions],
    )


@transaction.atomic
def create_records(
    *,
    actor: Actor,
    rows: Sequence[RecordContent],
    policy: Policy,
    crime_areas: list[str] | None = None,
    subject_role: str = "",
    source_reference: str = "",
    hit_disclosure: str = HitDisclosure.COUNTRY,
    operation_target: bool = False,
    request: HttpRequest | None = None,
) -> list[int]:
    """The one way records are created — a form, the API, an import, the demo: ``rows`` (made
    by :func:`new_record`, or by an import's parsing) become records of the actor's agency, all
    with the same sharing policy, crime areas, role, source, disclosure and operation flag, in
    one transaction with their first version, their match-index postings, their matching jobs
    (run after the commit) and one audit event. Returns the new records' ids, in order.

    Written with a few statements whatever the number of rows (see :mod:`tcx.records.bulk`)."""
    _editor_check(actor)
    errors: dict[str, str] = {}
    errors.update(_record_field_errors(subject_role, hit_disclosure, source_reference))
    if not isinstance(operation_target, bool):
        errors["operation_target"] = _("must be true or false")
    if errors:
        raise RecordError(errors)
    check_policy_text(policy)
    policy = rules.validate_policy(policy, owner=actor.organisation)
    areas = _crime_areas(crime_areas or [])
    if not rows:
        return []
    owner = actor.organisation
    given = [row.external_id for row in rows if row.external_id]
    twice = [external_id for external_id, n in collections.Counter(given).items() if n > 1]
    if twice:
        raise RecordError({"external_id": _("external id %(id)s is given twice") % {"id": shown(twice[0])}})
    held = held_external_ids(owner.pk, given)
    if held:
        raise RecordError({"external_id": f"your agency already has a record with external id {held[0]!r}"})
    now = timezone.now()
    template = Record(
        owner=owner,
        subject_role=subject_role,
        source_reference=source_reference.strip(),
        hit_disclosure=hit_disclosure,
        operation_target=operation_target,
        created_by=user_of(actor),
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
    created = _insert_records(template, rows)
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
            (pk, 1, "created", r.schema, r.properties_json, r.caption, template.status, actor.pk, stamp)
            for pk, r in zip(created, rows, strict=True)
        ],
    )
    match_index.index_packed(created, [r.packed_keys for r in rows], [r.keys_json for r in rows])
    _queue_matching([(pk, 1) for pk in created])
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_CREATED,
        target_type=Record._meta.label_lower,
        target_id=created[0] if len(created) == 1 else "",
        target_owner=owner,
        data={"records": created, "tlp": policy.tlp},
        request=request,
    )
    return created


def record_create(
    *,
    actor: Actor,
    schema: str,
    properties: dict[str, list[str]],
    policy: Policy,
    crime_areas: list[str] | None = None,
    subject_role: str = "",
    source_reference: str = "",
    external_id: str = "",
    hit_disclosure: str = HitDisclosure.COUNTRY,
    operation_target: bool = False,
    request: HttpRequest | None = None,
) -> Record:
    """Create one record of the actor's agency with its sharing policy (a form, the API): a
    one-row :func:`create_records`; it is matched after commit."""
    _editor_check(actor)
    row = new_record(
        schema=schema,
        properties=properties,
        subject_role=subject_role,
        hit_disclosure=hit_disclosure,
        source_reference=source_reference,
        external_id=external_id,
    )
    (pk,) = create_records(
        actor=actor,
        rows=[row],
        policy=policy,
        crime_areas=crime_areas,
        subject_role=subject_role,
        source_reference=source_reference,
        hit_disclosure=hit_disclosure,
        operation_target=operation_target,
        request=request,
    )
    return Record.objects.get(pk=pk)


@transaction.atomic
def record_update(
    *,
    actor: Actor,
    record: Record,
    data: dict[str, Any],
    policy: Policy | None = None,
    request: HttpRequest | None = None,
) -> Record:
    """Edit a record (its owner's officers, analysts and supervisors); kept in the history."""
    if not rules.can(actor, Action.EDIT, record):
        raise NotFound(f"record {record.pk} not found")
    allowed = {
        "schema",
        "properties",
        "crime_areas",
        "subject_role",
        "source_reference",
        "hit_disclosure",
        "operation_target",
    }
    unknown = set(data) - allowed
    if unknown:
        raise RecordError(dict.fromkeys(sorted(unknown), "this field cannot be changed"))
    data = dict(data)
    if "subject_role" in data and data["subject_role"] is None:
        data["subject_role"] = ""  # null: no role
    nulls = sorted(field for field, value in data.items() if value is None)
    if nulls:
        raise RecordError(dict.fromkeys(nulls, _("may not be null")))
    schema = data.get("schema", record.schema)
    properties = data.get("properties", record.properties)
    caption = _check_content(
        schema,
        properties,
        data.get("subject_role", record.subject_role),
        data.get("hit_disclosure", record.hit_disclosure),
        data.get("source_reference", record.source_reference),
    )
    if "crime_areas" in data and not (
        isinstance(data["crime_areas"], list) and all(isinstance(c, str) for c in data["crime_areas"])
    ):
        raise RecordError({"crime_areas": _("must be a list of crime area codes")})
    if "operation_target" in data and not isinstance(data["operation_target"], bool):
        raise RecordError({"operation_target": _("must be true or false")})
    if policy is not None:
        check_policy_text(policy)
        rules.apply_policy(record, rules.validate_policy(policy, owner=record.owner))
    if "crime_areas" in data:
        record.crime_areas.set(_crime_areas(data["crime_areas"]))
    values = {"schema": schema, "properties": properties, "caption": caption}
    for field in ("subject_role", "source_reference", "hit_disclosure", "operation_target"):
        if field in data:
            values[field] = data[field]
    # every edit is a new version, whatever it changed (the policy and crime areas included)
    apply_changes(record, {**values, "version": record.version + 1, "updated_at": timezone.now()})
    _snapshot(record, change="updated", actor=actor)
    _index(record)
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_UPDATED,
        target=record,
        request=request,
        data={"version": record.version, "fields": sorted(data)},
    )
    _queue_matching([(record.pk, record.version)])
    return record


@transaction.atomic
def record_archive(*, actor: Actor, record: Record, request: HttpRequest | None = None) -> Record:
    """Archive a record: it leaves the match index and raises no new hits; its history stays."""
    if not rules.can(actor, Action.ARCHIVE, record):
        raise NotFound(f"record {record.pk} not found")
    if record.status != RecordStatus.ARCHIVED:
        apply_changes(
            record,
            {"status": RecordStatus.ARCHIVED, "version": record.version + 1, "updated_at": timezone.now()},
        )
        _snapshot(record, change="archived", actor=actor)
        DatabaseIndex().remove(str(record.pk))
        audit.record(actor=actor, action=AuditAction.RECORD_ARCHIVED, target=record, request=request)
    return record


def _index(record: Record, *, new: bool = False) -> None:
    entity = entity_of(record)
    index = DatabaseIndex()
    if entity is None or record.status != RecordStatus.ACTIVE:
        if not new:
            index.remove(str(record.pk))
    elif new:
        index.add_new(entity)
    else:
        index.add(entity)


def reindex(*, progress: Any = None) -> int:
    """Rebuild the match index from the active records (``tcx reindex``)."""

    def active() -> Any:
        for record in Record.objects.filter(status=RecordStatus.ACTIVE).iterator(chunk_size=500):
            if progress is not None:
                progress(1)
            yield record

    with transaction.atomic():
        return match_index.rebuild(active())


MATCH_TASK = "records.match"


def match_key(record_id: int, version: int) -> str:
    return f"{record_id}:{version}"


def enqueue_match(record: Record) -> None:
    """Ask for the record's current version to be matched, after the surrounding commit (on the
    embedded default this request then runs that job, and no other)."""
    job_queue.enqueue(
        MATCH_TASK,
        match_key(record.pk, record.version),
        {"record_id": record.pk, "version": record.version},
    )


def match_record(record: Record) -> None:
    """Match one record against every other agency's records (visible or not) and its own
    agency's (possible duplicates). Called by the job runner, inside the job's transaction."""
    if record.status != RecordStatus.ACTIVE:
        return
    entity = entity_of(record)
    if entity is None:
        return
    matcher = Matcher()
    for hit in screen_one(entity, DatabaseIndex(), matcher, top=20):
        if hit.band == "none" or hit.entity_id == str(record.pk):
            continue
        other = Record.objects.select_related("owner").get(pk=int(hit.entity_id))
        a, b = sorted((record, other), key=lambda r: r.pk)
        kind = MatchKind.DUPLICATE if a.owner_id == b.owner_id else MatchKind.CROSS_AGENCY
        match = Match.objects.filter(record_a=a, record_b=b).first()
        if match is not None and match.status == MatchStatus.REJECTED:
            continue  # a rejected pair never alerts again
        deconfliction = kind == MatchKind.CROSS_AGENCY and a.operation_target and b.operation_target
        created = match is None
        if match is None:
            match = Match(record_a=a, record_b=b, kind=kind)
        match.score, match.band, match.explanation = hit.score, hit.band, hit.explanation
        newly_deconflicted = deconfliction and not match.deconfliction
        match.deconfliction = deconfliction
        match.updated_at = timezone.now()
        match.save()
        if created or newly_deconflicted:
            audit.record(
                action=AuditAction.MATCH_FOUND,
                target=match,
                target_owner=a.owner,
                data={
                    "records": [a.pk, b.pk],
                    "score": hit.score,
                    "kind": kind,
                    "deconfliction": deconfliction,
                },
            )
            if kind == MatchKind.CROSS_AGENCY:
                records_notifications.hit_found(match=match)


@transaction.atomic
def match_decide(*, actor: Actor, match: Match, confirm: bool, request: HttpRequest | None = None) -> Match:
    """An analyst confirms or rejects a match on their agency's record; rejected never alerts again.

    A match is decided once: its row is locked and its state read again under the lock, so of two
    concurrent decisions one is made and the other is refused (``DecisionConflict``)."""
    own = {match.record_a.owner_id, match.record_b.owner_id}
    if actor.organisation_id not in own or not has_capability(actor, Capability.DECIDE_MATCH):
        raise NotFound("match not found")
    try:
        match.refresh_from_db(
            from_queryset=Match.objects.select_for_update(), fields=["status", "decided_by", "updated_at"]
        )
    except Match.DoesNotExist as exc:
        raise NotFound("match not found") from exc
    if match.status == MatchStatus.REJECTED:
        raise NotFound("match not found")
    if match.status != MatchStatus.OPEN:
        raise DecisionConflict(_("this match was already %(status)s") % {"status": match.status})
    match.status = MatchStatus.CONFIRMED if confirm else MatchStatus.REJECTED
    match.decided_by = user_of(actor)
    match.updated_at = timezone.now()
    match.save(update_fields=["status", "decided_by", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.MATCH_DECIDED,
        target=match,
        target_owner=actor.organisation_id,
        data={"status": match.status},
        request=request,
    )
    return match


@transaction.atomic
def release_request_create(
    *,
    actor: Actor,
    match: Match,
    purpose: str,
    priority: str = Priority.NORMAL,
    request: HttpRequest | None = None,
) -> ReleaseRequest:
    """Ask the owner of the other record of a hit to release it to the actor's agency."""
    if not rules.sees_operational_data(actor):
        raise NotFound("hit not found")
    records = {match.record_a.owner_id: match.record_a, match.record_b.owner_id: match.record_b}
    if actor.organisation_id not in records or match.kind != MatchKind.CROSS_AGENCY:
        raise NotFound("hit not found")
    held = match.record_b if match.record_a.owner_id == actor.organisation_id else match.record_a
    errors: dict[str, str] = {}
    if not purpose.strip():
        errors["purpose"] = "say why your agency needs the record"
    if priority not in Priority.values:
        errors["priority"] = f"priority must be one of {', '.join(Priority.values)}"
    if rules.is_visible(held, actor):
        errors["match"] = "the record is already visible to your agency"
    if ReleaseRequest.objects.filter(
        record=held, requester=actor.organisation, status=ReleaseStatus.PENDING
    ).exists():
        errors["match"] = "your agency already has a pending request for this record"
    if errors:
        raise RecordError(errors)
    release = ReleaseRequest.objects.create(
        match=match,
        record=held,
        requester=actor.organisation,
        requested_by=user_of(actor),
        purpose=purpose.strip(),
        priority=priority,
        deadline=timezone.now() + RELEASE_DEADLINES[Priority(priority)],
    )
    audit.record(
        actor=actor,
        action=AuditAction.RELEASE_REQUESTED,
        target=release,
        target_owner=held.owner,
        data={"record": held.pk, "priority": priority},
        request=request,
    )
    records_notifications.release_requested(actor=actor, release=release)
    return release


@transaction.atomic
def release_decide(
    *,
    actor: Actor,
    release: ReleaseRequest,
    approve: bool,
    reason: str = "",
    handling_codes: list[str] | None = None,
    request: HttpRequest | None = None,
) -> ReleaseRequest:
    """The owner's supervisor releases the record (the requester joins its audience, with any
    added handling codes) or declines with a reason."""
    if not rules.can(actor, Action.RELEASE, release.record):
        raise NotFound("release request not found")
    # Lock the request, then its record (whose audience a release changes), and decide on the
    # state read under the lock: of two concurrent decisions one is made, the other refused.
    try:
        release.refresh_from_db(from_queryset=ReleaseRequest.objects.select_for_update())
    except ReleaseRequest.DoesNotExist as exc:
        raise NotFound("release request not found") from exc
    record = release.record
    record.refresh_from_db(from_queryset=Record.objects.select_for_update())
    if release.status != ReleaseStatus.PENDING:
        raise DecisionConflict(_("this request was already %(status)s") % {"status": release.status})
    if not approve and not reason.strip():
        raise RecordError({"reason": "give the requesting agency a reason for declining"})
    if approve:
        current = Policy(
            audience_organisations=[
                *record.audience_organisations.values_list("pk", flat=True),
                release.requester_id,
            ],
            audience_groups=list(record.audience_groups.values_list("pk", flat=True)),
            tlp=record.tlp,
            handling_codes=[*record.handling_codes, *(handling_codes or [])],
            handling_h3_text=record.handling_h3_text,
            evaluation_source=record.evaluation_source,
            evaluation_information=record.evaluation_information,
            legal_basis=record.legal_basis,
            review_date=None,
        )
        validated = rules.validate_policy(current, owner=record.owner)
        validated.review_date = record.review_date
        rules.apply_policy(record, validated)
    release.status = ReleaseStatus.RELEASED if approve else ReleaseStatus.DECLINED
    release.decided_by, release.decided_at = user_of(actor), timezone.now()
    release.reason = reason.strip()
    release.added_handling_codes = list(handling_codes or [])
    release.save()
    audit.record(
        actor=actor,
        action=AuditAction.RELEASE_DECIDED,
        target=release,
        target_owner=record.owner,
        data={"status": release.status, "requester": release.requester_id},
        request=request,
    )
    records_notifications.release_decided(actor=actor, release=release)
    return release


@transaction.atomic
def record_link_create(
    *,
    actor: Actor,
    source: Record,
    target: Record,
    schema: str,
    relationship: str = "",
    request: HttpRequest | None = None,
) -> Any:
    """Link two records of the actor's agency (FtM relationship schemata)."""
    from tcx.records.models import LinkSchema, RecordLink

    if not rules.can(actor, Action.EDIT, source) or not rules.can(actor, Action.EDIT, target):
        raise NotFound("record not found")
    errors: dict[str, str] = {}
    if schema not in LinkSchema.values:
        errors["schema"] = f"unknown link {shown(schema)}; use one of {', '.join(LinkSchema.values)}"
    elif source.pk == target.pk:
        errors["target"] = "a record cannot be linked to itself"
    elif RecordLink.objects.filter(source=source, target=target, schema=schema).exists():
        errors["target"] = "these records are already linked this way"
    if not isinstance(relationship, str):
        errors["relationship"] = _("must be text")
    elif problem := text_problem(relationship.strip(), limit=200, one_line=True):
        errors["relationship"] = problem
    if errors:
        raise RecordError(errors)
    link = RecordLink.objects.create(
        schema=schema,
        source=source,
        target=target,
        relationship=relationship.strip()[:200],
        created_by=user_of(actor),
    )
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_UPDATED,
        target=source,
        request=request,
        data={"link": schema, "target": target.pk},
    )
    return link
