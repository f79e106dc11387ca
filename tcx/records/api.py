"""Record, hit and release endpoints. Every read of a record is audited; what the caller may
not see answers 404."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from tcx.api.pagination import LimitOffsetPagination
from tcx.api.problems import ApiProblem
from tcx.api.routing import ApiRouter, operation
from tcx.api.schemas import PatchInput, PolicyIn, StrictInput
from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.kernel.pages import actor_of, read
from tcx.policy import rules
from tcx.policy.rules import Policy
from tcx.records import selectors, services

router = ApiRouter(tags=["records"])
logger = logging.getLogger(__name__)


class RecordIn(StrictInput):
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    policy: PolicyIn = PolicyIn()
    crime_areas: list[str] = []
    subject_role: str = ""
    source_reference: str = Field("", max_length=200)
    external_id: str = Field("", max_length=200)
    hit_disclosure: str = "country"
    operation_target: bool = False


class RecordPatch(PatchInput):
    nullable = frozenset({"subject_role"})  # null clears the role, as "" does

    properties: dict[str, list[str]] | None = None
    crime_areas: list[str] | None = None
    subject_role: str | None = None
    source_reference: str | None = Field(None, max_length=200)
    hit_disclosure: str | None = None
    operation_target: bool | None = None
    policy: PolicyIn | None = None


class RecordOut(Schema):
    id: int
    gid: uuid.UUID = Field(description="The record's global id: the same on every node and in every export")
    schema_: str = Field(alias="schema")
    caption: str
    properties: dict[str, Any]
    owner: str
    status: str
    subject_role: str
    crime_areas: list[str]
    version: int
    policy: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime


class HitOut(Schema):
    id: int
    own_record: int
    other_record: int | None
    hit: bool
    holder: str
    schema_: str = Field(alias="schema")
    crime_areas: list[str]
    band: str
    score: float | None
    found_at: dt.datetime
    status: str
    deconfliction: bool
    pending_release: int | None


class ReleaseIn(StrictInput):
    purpose: str
    priority: str = "normal"


class ReleaseDecisionIn(StrictInput):
    approve: bool
    reason: str = ""
    handling_codes: list[str] = []


class ReleaseOut(Schema):
    id: int
    record: int
    requester: str
    purpose: str
    priority: str
    deadline: dt.datetime
    overdue: bool
    status: str
    reason: str


class MatchDecisionIn(StrictInput):
    confirm: bool


def _record_out(record: Any) -> dict[str, Any]:
    return {
        "id": record.pk,
        "gid": record.gid,
        "schema": record.schema,
        "caption": record.caption,
        "properties": record.properties,
        "owner": record.owner.name,
        "status": record.status,
        "subject_role": record.subject_role,
        "crime_areas": _crime_area_codes(record),
        "version": record.version,
        "policy": rules.policy_of(record),
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


def _crime_area_codes(record: Any) -> list[str]:
    codes = getattr(record, "_tcx_crime_area_codes", None)  # read by selectors.load_lists
    if codes is None:
        return [a.code for a in record.crime_areas.all()]
    return list(codes)


def _hit_out(view: selectors.HitView) -> dict[str, Any]:
    return {
        "id": view.match.pk,
        "own_record": view.own.pk,
        "other_record": view.other.pk if view.other else None,
        "hit": view.is_hit,
        "holder": view.holder,
        "schema": view.schema,
        "crime_areas": view.crime_areas,
        "band": view.band,
        "score": None if view.is_hit else view.match.score,
        "found_at": view.found_at,
        "status": view.match.status,
        "deconfliction": view.match.deconfliction,
        "pending_release": view.pending_release.pk if view.pending_release else None,
    }


def _policy(payload: PolicyIn) -> Policy:
    return Policy(**payload.dict())


@router.get("/records", response=list[RecordOut], by_alias=True, summary="Records you may see")
@operation(audit_read=AuditAction.RECORD_SEARCHED)
@paginate(LimitOffsetPagination)
def list_records(
    request: HttpRequest, entity_schema: str | None = None, crime_area: str | None = None, owned: bool = False
) -> Any:
    records = selectors.record_list(
        actor=actor_of(request), filters={"schema": entity_schema, "crime_area": crime_area, "owned": owned}
    )
    read(request, data={"via": "api", "schema": entity_schema, "crime_area": crime_area})
    return _RecordPage(records.defer("indexed_keys"))


MAX_LIST_OFFSET = 1_000_000


class _RecordPage:
    """The visible records as the paginator sees them: it counts them and slices one page in
    the database, and only that page is read and serialised (a constant number of queries,
    whatever the caller may see). An offset past ``MAX_LIST_OFFSET`` is an empty page."""

    def __init__(self, records: Any):
        self.records = records

    def all(self) -> _RecordPage:
        return self

    def count(self) -> int:
        return int(self.records.count())

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        if (window.start or 0) > MAX_LIST_OFFSET:
            return []
        records = selectors.load_lists(list(self.records.prefetch_related(None)[window]))
        return [_record_out(r) for r in records]


@router.post("/records", response={201: RecordOut}, by_alias=True, summary="Create a record of your agency")
def create_record(request: HttpRequest, payload: RecordIn) -> Any:
    data = payload.model_dump()
    record = services.record_create(
        actor=actor_of(request),
        schema=data.pop("schema_"),
        properties=data.pop("properties"),
        policy=_policy(payload.policy),
        request=request,
        **{k: v for k, v in data.items() if k != "policy"},
    )
    return Status(201, _record_out(selectors.load_lists([record])[0]))


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]


@router.post("/records/import", response=ImportOut, summary="Import FtM JSON lines, CSV or XLSX (multipart)")
def import_records(
    request: HttpRequest,
    file: File[UploadedFile],
    mapping: Form[str] = "",
    entity_schema: Form[str] = "Person",
    tlp: Form[str] = "AMBER",
    share_with_groups: Form[str] = "",
    legal_basis: Form[str] = "",
) -> Any:
    from tcx.matching.io import UNSAFE_TEXT, parse_mapping, shown
    from tcx.organisations.selectors import sharing_group_list
    from tcx.records.importing import import_file

    suffix = Path(file.name or "").suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".json", ".csv", ".xlsx"):
        raise ApiProblem(415, f"cannot import a {suffix or 'nameless'} file; send .jsonl, .csv or .xlsx")
    slugs = [s.strip() for s in share_with_groups.split(",") if s.strip()]
    if any(len(s) > 100 or UNSAFE_TEXT.search(s) for s in slugs):
        raise ApiProblem(
            422,
            _("sharing group slugs are short texts without control characters"),
            errors=[{"field": "share_with_groups", "message": "not a sharing group slug"}],
        )
    groups = list(sharing_group_list().filter(slug__in=slugs).values_list("pk", flat=True))
    if len(groups) != len(set(slugs)):
        raise ApiProblem(
            422,
            _("unknown sharing group in %(slugs)s") % {"slugs": ", ".join(shown(s) for s in slugs[:20])},
            errors=[{"field": "share_with_groups", "message": "unknown group"}],
        )
    try:
        columns = parse_mapping(mapping)
    except ValueError as exc:
        raise ApiProblem(422, str(exc), errors=[{"field": "mapping", "message": str(exc)}]) from exc
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as handle:
            for chunk in file.chunks():
                handle.write(chunk)
        try:
            report = import_file(
                actor=actor_of(request),
                path=path,
                mapping=columns,
                schema=entity_schema,
                policy=Policy(tlp=tlp, audience_groups=groups, legal_basis=legal_basis),
            )
        except DatabaseError as exc:
            # the chunk being written was rolled back whole; what was committed before it stays,
            # and a re-run recognises it (imports are idempotent by external id)
            logger.exception("import through the API failed on the database")
            raise ApiProblem(
                503,
                _(
                    "the database could not take the import just now; the rows written before were kept "
                    "and a re-run imports the rest without duplicating them"
                ),
            ) from exc
    return {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": [{"line": line, "reason": reason} for line, reason in report.errors],
        "warnings": [{"line": line, "reason": reason} for line, reason in report.warnings],
    }


@router.get(
    "/records/export",
    summary="Export what you may see (FtM JSON lines or CSV), with policy metadata",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The records, streamed",
                "content": {
                    "application/x-ndjson": {"schema": {"type": "string"}},
                    "text/csv": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def export_records(request: HttpRequest, format: str = "jsonl", owned: bool = False) -> Any:
    from tcx.records.exporting import FORMATS
    from tcx.records.exporting import export_records as export

    if format not in FORMATS:
        raise ApiProblem(
            422,
            f"unknown format {format!r}; use jsonl or csv",
            errors=[{"field": "format", "message": "use jsonl or csv"}],
        )
    content_type = "application/x-ndjson" if format == "jsonl" else "text/csv"
    response = StreamingHttpResponse(
        export(actor=actor_of(request), fmt=format, filters={"owned": owned}, request=request),
        content_type=f"{content_type}; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="tcx-records.{format}"'
    return response


@router.get(
    "/records/search",
    response=list[RecordOut],
    by_alias=True,
    summary="Search by name or identifier, any script",
)
@operation(audit_read=AuditAction.RECORD_SEARCHED)
def search_records(request: HttpRequest, q: str) -> Any:
    results = selectors.record_search(actor=actor_of(request), text=q, lists=True)
    read(request, data={"via": "api", "q": q, "results": [r.pk for r, _ in results]})
    return [_record_out(r) for r, _ in results]


@router.get("/records/{record_id}", response=RecordOut, by_alias=True)
@operation(audit_read=AuditAction.RECORD_VIEWED)
def get_record(request: HttpRequest, record_id: int) -> Any:
    record = selectors.access_record(actor=actor_of(request), record_id=record_id)
    read(request, target=record)
    selectors.load_lists([record])
    return _record_out(record)


@router.patch("/records/{record_id}", response=RecordOut, by_alias=True)
def update_record(request: HttpRequest, record_id: int, payload: RecordPatch) -> Any:
    record = selectors.access_record(actor=actor_of(request), record_id=record_id, action=rules.Action.EDIT)
    data = payload.dict(exclude_unset=True)
    policy = _policy(payload.policy) if payload.policy is not None else None
    data.pop("policy", None)
    record = services.record_update(
        actor=actor_of(request), record=record, data=data, policy=policy, request=request
    )
    return _record_out(selectors.load_lists([record])[0])


@router.post("/records/{record_id}/archive", response=RecordOut, by_alias=True)
def archive_record(request: HttpRequest, record_id: int) -> Any:
    record = selectors.access_record(
        actor=actor_of(request), record_id=record_id, action=rules.Action.ARCHIVE
    )
    record = services.record_archive(actor=actor_of(request), record=record, request=request)
    return _record_out(selectors.load_lists([record])[0])


@router.get("/hits", response=list[HitOut], by_alias=True, summary="Hits on your agency's records")
@paginate(LimitOffsetPagination)
def list_hits(request: HttpRequest, duplicates: bool = False) -> Any:
    return _HitPage(request, selectors.hit_list(actor=actor_of(request), include_duplicates=duplicates))


class _HitPage:
    """The hits as the paginator sees them: counted and sliced in the database, every hit
    reachable by its offset; the page read is audited with the matches it shows."""

    def __init__(self, request: HttpRequest, hits: selectors.HitList):
        self.request = request
        self.hits = hits

    def all(self) -> _HitPage:
        return self

    def count(self) -> int:
        return self.hits.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        views = self.hits[window]
        audit.record(
            actor=actor_of(self.request),
            action=AuditAction.MATCH_VIEWED,
            request=self.request,
            data={"via": "api", "matches": [v.match.pk for v in views], "offset": window.start or 0},
        )
        return [_hit_out(v) for v in views]


@router.post(
    "/hits/{match_id}/decision", response=HitOut, by_alias=True, summary="Confirm or reject a match (analyst)"
)
def decide_match(request: HttpRequest, match_id: int, payload: MatchDecisionIn) -> Any:
    view = selectors.access_hit(actor=actor_of(request), match_id=match_id)
    try:
        match = services.match_decide(
            actor=actor_of(request), match=view.match, confirm=payload.confirm, request=request
        )
    except services.DecisionConflict as exc:
        raise ApiProblem(409, str(exc)) from exc
    # the match as decided (a rejected one leaves the hit list, but the answer still shows it)
    return _hit_out(selectors.hit_view(actor=actor_of(request), match=match))


@router.post(
    "/hits/{match_id}/release-requests",
    response={201: ReleaseOut},
    summary="Ask the holder to release the record behind a hit",
)
def request_release(request: HttpRequest, match_id: int, payload: ReleaseIn) -> Any:
    view = selectors.access_hit(actor=actor_of(request), match_id=match_id)
    release = services.release_request_create(
        actor=actor_of(request),
        match=view.match,
        purpose=payload.purpose,
        priority=payload.priority,
        request=request,
    )
    return Status(201, _release_out(release))


def _release_out(release: Any) -> dict[str, Any]:
    return {
        "id": release.pk,
        "record": release.record_id,
        "requester": release.requester.name,
        "purpose": release.purpose,
        "priority": release.priority,
        "deadline": release.deadline,
        "overdue": release.is_overdue,
        "status": release.status,
        "reason": release.reason,
    }


@router.get("/release-requests", response=list[ReleaseOut], summary="Requests to release your records")
@paginate(LimitOffsetPagination)
def list_release_requests(request: HttpRequest) -> Any:
    return _ReleasePage(selectors.release_requests_to_decide(actor=actor_of(request)))


class _ReleasePage:
    """The requests as the paginator sees them: counted and sliced in the database."""

    def __init__(self, releases: Any):
        self.releases = releases

    def all(self) -> _ReleasePage:
        return self

    def count(self) -> int:
        return int(self.releases.count())

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [_release_out(r) for r in self.releases[window]]


@router.post(
    "/release-requests/{release_id}/decision",
    response=ReleaseOut,
    summary="Release or decline (the holder's supervisor)",
)
def decide_release(request: HttpRequest, release_id: int, payload: ReleaseDecisionIn) -> Any:
    release = selectors.access_release_request(actor=actor_of(request), release_id=release_id)
    try:
        release = services.release_decide(
            actor=actor_of(request),
            release=release,
            approve=payload.approve,
            reason=payload.reason,
            handling_codes=payload.handling_codes,
            request=request,
        )
    except services.DecisionConflict as exc:
        raise ApiProblem(409, str(exc)) from exc
    return _release_out(release)


class LinkIn(StrictInput):
    target: int
    schema_: str = Field(alias="schema")
    relationship: str = ""


class LinkOut(Schema):
    id: int
    schema_: str = Field(alias="schema")
    source: int
    target: int
    relationship: str


def _link_out(link: Any) -> dict[str, Any]:
    return {
        "id": link.pk,
        "schema": link.schema,
        "source": link.source_id,
        "target": link.target_id,
        "relationship": link.relationship,
    }


@router.get("/records/{record_id}/links", response=list[LinkOut], by_alias=True)
def list_links(request: HttpRequest, record_id: int) -> Any:
    record = selectors.access_record(actor=actor_of(request), record_id=record_id)
    return [_link_out(link) for link in selectors.record_links(actor=actor_of(request), record=record)]


@router.post(
    "/records/{record_id}/links",
    response={201: LinkOut},
    by_alias=True,
    summary="Link two of your agency's records (Family, Associate, Ownership ...)",
)
def create_link(request: HttpRequest, record_id: int, payload: LinkIn) -> Any:
    source = selectors.access_record(actor=actor_of(request), record_id=record_id, action=rules.Action.EDIT)
    target = selectors.access_record(
        actor=actor_of(request), record_id=payload.target, action=rules.Action.EDIT
    )
    link = services.record_link_create(
        actor=actor_of(request),
        source=source,
        target=target,
        schema=payload.schema_,
        relationship=payload.relationship,
        request=request,
    )
    return Status(201, _link_out(link))
