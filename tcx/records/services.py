"""Writes on records: create, edit, archive (with history), matching, hits, releases.

Every write is one transaction with its audit event; the match index is kept current in the
same transaction, and the matching job runs after the commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.jobs import services as job_queue
from tcx.matching import Matcher, screen_one
from tcx.matching.io import UNSAFE_TEXT, shown
from tcx.organisations import selectors as org_selectors
from tcx.policy import rules
from tcx.policy.rules import Action, NotFound, Policy
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
from tcx.records.validation import content_errors, external_id_error, text_problem

RELEASE_DEADLINES = {Priority.URGENT: dt.timedelta(hours=8), Priority.NORMAL: dt.timedelta(days=7)}


class RecordError(ValueError):
    """A record that breaks a rule; ``errors`` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class DecisionConflict(Exception):
    """A decision on a match or release request that was already decided (HTTP 409)."""


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


def _snapshot(record: Record, *, change: str, actor: Any) -> None:
    RecordVersion.objects.create(
        record=record,
        version=record.version,
        change=change,
        schema=record.schema,
        properties=record.properties,
        caption=record.caption,
        status=record.status,
        changed_by=actor,
    )


def _crime_areas(codes: list[str]) -> list[Any]:
    if any(not isinstance(c, str) or len(c) > 100 or UNSAFE_TEXT.search(c) for c in codes):
        raise RecordError({"crime_areas": _("crime area codes are short texts without control characters")})
    areas = list(org_selectors.crime_area_list().filter(code__in=codes))
    missing = set(codes) - {a.code for a in areas}
    if missing:
        raise RecordError({"crime_areas": f"unknown crime area(s): {', '.join(sorted(missing))}"})
    return areas


def _editor_check(actor: Any) -> None:
    if not rules.sees_operational_data(actor) or actor.role not in rules.EDITOR_ROLES:
        raise NotFound("not found")


@transaction.atomic
def record_create(
    *,
    actor: Any,
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
    """Create a record of the actor's agency with its sharing policy; it is matched after commit."""
    _editor_check(actor)
    caption = _check_content(schema, properties, subject_role, hit_disclosure, source_reference, external_id)
    check_policy_text(policy)
    policy = rules.validate_policy(policy, owner=actor.organisation)
    areas = _crime_areas(crime_areas or [])
    same_id = Record.objects.filter(owner=actor.organisation, external_id=external_id).exclude(external_id="")
    if external_id and same_id.exists():
        raise RecordError(
            {"external_id": f"your agency already has a record with external id {external_id!r}"}
        )
    record = Record.objects.create(
        owner=actor.organisation,
        schema=schema,
        properties=properties,
        caption=caption,
        subject_role=subject_role,
        source_reference=source_reference.strip(),
        external_id=external_id.strip(),
        hit_disclosure=hit_disclosure,
        operation_target=operation_target,
        created_by=actor,
    )
    rules.apply_policy(record, policy)
    record.crime_areas.set(areas)
    _snapshot(record, change="created", actor=actor)
    _index(record)
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_CREATED,
        target=record,
        request=request,
        data={"schema": schema, "tlp": record.tlp},
    )
    enqueue_match(record)
    return record


@transaction.atomic
def record_update(
    *,
    actor: Any,
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
    for field in ("subject_role", "source_reference", "hit_disclosure", "operation_target"):
        if field in data:
            setattr(record, field, data[field])
    record.schema, record.properties, record.caption = schema, properties, caption
    record.version += 1
    record.updated_at = timezone.now()
    record.save()
    _snapshot(record, change="updated", actor=actor)
    _index(record)
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_UPDATED,
        target=record,
        request=request,
        data={"version": record.version, "fields": sorted(data)},
    )
    enqueue_match(record)
    return record


@transaction.atomic
def record_archive(*, actor: Any, record: Record, request: HttpRequest | None = None) -> Record:
    """Archive a record: it leaves the match index and raises no new hits; its history stays."""
    if not rules.can(actor, Action.ARCHIVE, record):
        raise NotFound(f"record {record.pk} not found")
    if record.status != RecordStatus.ARCHIVED:
        record.status = RecordStatus.ARCHIVED
        record.version += 1
        record.updated_at = timezone.now()
        record.save(update_fields=["status", "version", "updated_at"])
        _snapshot(record, change="archived", actor=actor)
        DatabaseIndex().remove(str(record.pk))
        audit.record(actor=actor, action=AuditAction.RECORD_ARCHIVED, target=record, request=request)
    return record


def _index(record: Record) -> None:
    entity = entity_of(record)
    index = DatabaseIndex()
    if entity is None or record.status != RecordStatus.ACTIVE:
        index.remove(str(record.pk))
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
def match_decide(*, actor: Any, match: Match, confirm: bool, request: HttpRequest | None = None) -> Match:
    """An analyst confirms or rejects a match on their agency's record; rejected never alerts again.

    A match is decided once: its row is locked and its state read again under the lock, so of two
    concurrent decisions one is made and the other is refused (``DecisionConflict``)."""
    own = {match.record_a.owner_id, match.record_b.owner_id}
    if actor.organisation_id not in own or actor.role not in ("analyst", "supervisor"):
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
    match.decided_by = actor
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
    actor: Any,
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
        requested_by=actor,
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
    actor: Any,
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
    release.decided_by, release.decided_at = actor, timezone.now()
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
    actor: Any,
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
        schema=schema, source=source, target=target, relationship=relationship.strip()[:200], created_by=actor
    )
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_UPDATED,
        target=source,
        request=request,
        data={"link": schema, "target": target.pk},
    )
    return link
