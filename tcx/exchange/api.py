"""Exchange endpoints, so national case-management systems send and receive without the UI.
Every read of a thread or attachment is audited; what the caller may not see answers 404."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field, ValidationError

from tcx.api.inputs import refuse_unsafe
from tcx.api.pagination import LimitOffsetPagination
from tcx.api.problems import ApiProblem
from tcx.api.routing import ApiRouter
from tcx.api.schemas import PolicyTextsIn, StrictInput
from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.exchange import downloads, selectors, services, storage
from tcx.exchange.models import Exchange, Message
from tcx.kernel.pages import actor_of
from tcx.policy import rules
from tcx.policy.rules import NotFound, Policy

router = ApiRouter(tags=["exchange"])

# An id: the API's input guard (tcx.api.inputs) refuses, naming the field, any integer a database
# could not bind, before the endpoint runs; the services refuse one no row can have.
Id = int


class ExchangeInput(StrictInput):
    """A request body of the exchange. A NUL character in any of its texts (PostgreSQL cannot
    store one) is refused, naming the field, by the API's input guard (tcx.api.inputs) before
    the endpoint runs."""


class AttachmentIn(ExchangeInput):
    name: str
    content_base64: str
    sha256: str = ""


PolicyIn = PolicyTextsIn  # an exchange's audience is its recipients


class ExchangeIn(ExchangeInput):
    subject: str
    body: str
    recipients: list[Id]
    copy_recipients: list[Id] = []
    # agency id -> the id of the unit of that agency that should receive it (else: its national
    # contact point)
    units: dict[Id, Id] = {}
    priority: str = "normal"
    crime_areas: list[str] = []
    policy: PolicyIn = PolicyIn()
    attachments: list[AttachmentIn] = []
    linked_record_ids: list[Id] = []


class ReplyIn(ExchangeInput):
    body: str
    policy: PolicyIn = PolicyIn()
    # organisations of the thread the reply goes to (default: all of them)
    audience: list[Id] = []
    attachments: list[AttachmentIn] = []


class AssignIn(ExchangeInput):
    assignee: Id | None


class ForwardIn(ExchangeInput):
    organisation: Id
    reason: str = ""


class ForwardDecisionIn(ExchangeInput):
    approve: bool


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    content_type: str


class ReceiptOut(Schema):
    reader: str
    organisation: str
    read_at: dt.datetime


class MessageOut(Schema):
    id: int
    gid: uuid.UUID = Field(description="The message's global id: the same on every node")
    author: str
    organisation: str
    body: str
    is_answer: bool
    created_at: dt.datetime
    policy: dict[str, Any]
    attachments: list[AttachmentOut]
    receipts: list[ReceiptOut]


class ParticipantOut(Schema):
    organisation: int
    organisation_name: str
    role: str
    addressed_to: int | None
    routing: str
    assigned_to: str | None
    delivered_at: dt.datetime | None
    acknowledged_at: dt.datetime | None


class ExchangeOut(Schema):
    id: int
    gid: uuid.UUID = Field(description="The exchange's global id: the same on every node")
    reference: str
    subject: str
    sender_organisation: str
    priority: str
    status: str
    overdue: bool
    created_at: dt.datetime
    deadline_at: dt.datetime
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None
    crime_areas: list[str]
    tlp: str
    handling_codes: list[str]


class LinkedRecordOut(Schema):
    id: int
    schema_: str = Field(alias="schema")
    caption: str
    owner: str
    tlp: str
    handling_codes: list[str]


class ThreadOut(ExchangeOut):
    participants: list[ParticipantOut]
    messages: list[MessageOut]
    # only the linked records the caller may see (tcx.records' policy); the others are left out
    linked_record_ids: list[int]
    linked_records: list[LinkedRecordOut]


class ForwardOut(Schema):
    id: int
    exchange: int
    reference: str
    organisation: str
    requested_by: str
    status: str
    reason: str
    # the agencies whose consent the forward still waits for (each decides for its own parts)
    waiting_for: list[str]


class MeasureOut(Schema):
    organisation: str
    due: int
    answered_in_time: int
    share_in_time: float | None
    answered_within_5_days: int
    share_within_5_days: float | None


def _uploads(items: list[AttachmentIn]) -> list[services.Upload]:
    uploads = []
    for n, item in enumerate(items):
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiProblem(
                422,
                f"attachment {n} ({item.name}) is not valid base64",
                errors=[{"field": f"attachments.{n}.content_base64", "message": "not valid base64"}],
            ) from exc
        uploads.append(services.Upload(item.name, data, item.sha256))
    return uploads


def _exchange_out(exchange: Exchange) -> dict[str, Any]:
    return {
        "id": exchange.pk,
        "gid": exchange.gid,
        "reference": exchange.reference,
        "subject": exchange.subject,
        "sender_organisation": exchange.owner.name,
        "priority": exchange.priority,
        "status": exchange.status,
        "overdue": exchange.is_overdue,
        "created_at": exchange.created_at,
        "deadline_at": exchange.deadline_at,
        "answered_at": exchange.answered_at,
        "closed_at": exchange.closed_at,
        "crime_areas": [a.code for a in exchange.crime_areas.all()],
        "tlp": exchange.tlp,
        "handling_codes": list(exchange.handling_codes or []),
    }


def _message_out(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "gid": message.gid,
        "author": message.author.get_full_name() or message.author.username,
        "organisation": message.owner.name,
        "body": message.body,
        "is_answer": message.is_answer,
        "created_at": message.created_at,
        "policy": rules.policy_of(message),
        "attachments": [
            {"id": a.pk, "name": a.name, "size": a.size, "sha256": a.sha256, "content_type": a.content_type}
            for a in message.attachments.all()
        ],
        "receipts": [
            {"reader": r.reader.username, "organisation": r.organisation.name, "read_at": r.read_at}
            for r in message.receipts.all()
        ],
    }


def _thread_out(request: HttpRequest, exchange: Exchange) -> dict[str, Any]:
    actor = actor_of(request)
    messages = selectors.thread_messages(actor=actor, exchange=exchange)
    records = selectors.linked_records(actor=actor, exchange=exchange)
    services.exchange_mark_read(
        actor=actor, exchange=exchange, messages=messages, records=records, request=request
    )
    messages = selectors.thread_messages(actor=actor, exchange=exchange)
    return {
        **_exchange_out(exchange),
        "participants": [
            {
                "organisation": p.organisation_id,
                "organisation_name": p.organisation.name,
                "role": p.role,
                "addressed_to": p.addressed_to_id,
                "routing": p.routing,
                "assigned_to": p.assigned_to.username if p.assigned_to else None,
                "delivered_at": p.delivered_at,
                "acknowledged_at": p.acknowledged_at,
            }
            for p in selectors.participants_of(actor=actor, exchange=exchange)
        ],
        "messages": [_message_out(m) for m in messages],
        "linked_record_ids": [r.pk for r in records],
        "linked_records": [
            {
                "id": r.pk,
                "schema": r.schema,
                "caption": r.caption,
                "owner": r.owner.name,
                "tlp": r.tlp,
                "handling_codes": list(r.handling_codes or []),
            }
            for r in records
        ],
    }


@router.get("/exchanges", response=list[ExchangeOut], summary="Exchanges you sent or received")
@paginate(LimitOffsetPagination)
def list_exchanges(
    request: HttpRequest,
    box: str = "inbox",
    priority: str = "",
    overdue: bool = False,
    crime_area: str = "",
    country: str = "",
    assigned_to_me: bool = False,
    status: str = "",
    q: str = "",
) -> Any:
    # a NUL character in a filter is refused before this runs (tcx.api.inputs, every endpoint)
    filters = selectors.ExchangeFilters(
        box, priority, overdue, crime_area, country, assigned_to_me, status, q
    )
    if q:
        audit.record(
            actor=actor_of(request),
            action=AuditAction.EXCHANGE_SEARCHED,
            request=request,
            data={"q": q, "via": "api"},
        )
    return _ExchangePage(
        selectors.exchange_list(actor=actor_of(request), filters=filters).prefetch_related("crime_areas")
    )


class _ExchangePage:
    """The visible exchanges as the paginator sees them: counted and sliced in the database, and
    only the page read and serialised (it built up to 1,000 rows in Python to show 20). The
    offset is bounded by the pagination (``MAX_OFFSET``)."""

    def __init__(self, exchanges: Any):
        self.exchanges = exchanges

    def all(self) -> _ExchangePage:
        return self

    def count(self) -> int:
        return int(self.exchanges.count())

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [_exchange_out(e) for e in self.exchanges[window]]


def _send(request: HttpRequest, payload: ExchangeIn, files: list[services.Upload]) -> Any:
    exchange = services.exchange_send(
        actor=actor_of(request),
        subject=payload.subject,
        body=payload.body,
        recipients=payload.recipients,
        copy_recipients=payload.copy_recipients,
        units=payload.units,
        priority=payload.priority,
        crime_areas=payload.crime_areas,
        policy=Policy(**payload.policy.model_dump()),
        attachments=_uploads(payload.attachments) + files,
        linked_record_ids=payload.linked_record_ids,
        request=request,
    )
    return Status(201, _exchange_out(exchange))


@router.post(
    "/exchanges", response={201: ExchangeOut}, summary="Send a request (JSON; attachments in base64)"
)
def send_exchange(request: HttpRequest, payload: ExchangeIn) -> Any:
    return _send(request, payload, [])


@router.post(
    "/exchanges/upload",
    response={201: ExchangeOut},
    summary="Send a request with files (multipart: `payload` holds the JSON request, `files` the files)",
)
def send_exchange_multipart(
    request: HttpRequest,
    payload: Form[str],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    try:
        parsed = ExchangeIn.model_validate(json.loads(payload))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise ApiProblem(422, f"the payload field is not a valid request: {exc}") from exc
    refuse_unsafe({"payload": parsed})
    uploads = [services.Upload(f.name or "attachment", f.read()) for f in files or []]
    return _send(request, parsed, uploads)


@router.get(
    "/exchanges/{exchange_id}",
    response=ThreadOut,
    by_alias=True,
    summary="The thread (read receipts and audit)",
)
def get_exchange(request: HttpRequest, exchange_id: int) -> Any:
    exchange = selectors.access_exchange(actor=actor_of(request), exchange_id=exchange_id)
    return _thread_out(request, exchange)


@router.post("/exchanges/{exchange_id}/messages", response={201: MessageOut}, summary="Reply or answer")
def reply_exchange(request: HttpRequest, exchange_id: int, payload: ReplyIn) -> Any:
    exchange = selectors.access_exchange(actor=actor_of(request), exchange_id=exchange_id)
    message = services.message_reply(
        actor=actor_of(request),
        exchange=exchange,
        body=payload.body,
        policy=Policy(**payload.policy.model_dump(), audience_organisations=payload.audience),
        attachments=_uploads(payload.attachments),
        request=request,
    )
    return Status(201, _message_out(message))


def _state_change(request: HttpRequest, exchange_id: int, verb: Any, **kwargs: Any) -> Any:
    exchange = selectors.access_exchange(actor=actor_of(request), exchange_id=exchange_id)
    verb(actor=actor_of(request), exchange=exchange, request=request, **kwargs)
    exchange.refresh_from_db()
    return _exchange_out(exchange)


@router.post("/exchanges/{exchange_id}/acknowledge", response=ExchangeOut, summary="Acknowledge receipt")
def acknowledge_exchange(request: HttpRequest, exchange_id: int) -> Any:
    return _state_change(request, exchange_id, services.exchange_acknowledge)


@router.post("/exchanges/{exchange_id}/assign", response=ExchangeOut, summary="Assign to a colleague")
def assign_exchange(request: HttpRequest, exchange_id: int, payload: AssignIn) -> Any:
    return _state_change(request, exchange_id, services.exchange_assign, assignee_id=payload.assignee)


@router.post("/exchanges/{exchange_id}/close", response=ExchangeOut, summary="Close the exchange")
def close_exchange(request: HttpRequest, exchange_id: int) -> Any:
    return _state_change(request, exchange_id, services.exchange_close)


@router.post(
    "/exchanges/{exchange_id}/forward",
    response={201: ForwardOut},
    summary="Forward to a third agency (under H2: a request to the provider)",
)
def forward_exchange(request: HttpRequest, exchange_id: int, payload: ForwardIn) -> Any:
    exchange = selectors.access_exchange(actor=actor_of(request), exchange_id=exchange_id)
    forward = services.exchange_forward(
        actor=actor_of(request),
        exchange=exchange,
        organisation_id=payload.organisation,
        reason=payload.reason,
        request=request,
    )
    return Status(201, _forward_out(forward))


def _forward_out(forward: Any) -> dict[str, Any]:
    return {
        "id": forward.pk,
        "exchange": forward.exchange_id,
        "reference": forward.exchange.reference,
        "organisation": forward.organisation.name,
        "requested_by": forward.requested_by.username,
        "status": forward.status,
        "reason": forward.reason,
        "waiting_for": selectors.forward_waiting_for(forward=forward),
    }


@router.get("/forwards", response=list[ForwardOut], summary="Forward requests waiting for your agency")
def list_forwards(request: HttpRequest) -> Any:
    return [_forward_out(f) for f in selectors.forward_requests_for_provider(actor=actor_of(request))]


@router.post("/forwards/{forward_id}/decision", response=ForwardOut, summary="Approve or decline a forward")
def decide_forward(request: HttpRequest, forward_id: int, payload: ForwardDecisionIn) -> Any:
    forward = selectors.access_forward(actor=actor_of(request), forward_id=forward_id)
    forward = services.forward_decide(
        actor=actor_of(request), forward=forward, approve=payload.approve, request=request
    )
    return _forward_out(forward)


@router.get(
    "/attachments/{attachment_id}",
    summary="Download an attachment (audited)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as its content type",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment = selectors.access_attachment(actor=actor_of(request), attachment_id=attachment_id)
    try:
        return downloads.attachment_response(request, attachment)
    except storage.AttachmentError as exc:
        raise NotFound(str(exc)) from exc


@router.get(
    "/measures", response=MeasureOut, summary="Your agency's answers within the deadline (supervisors)"
)
def service_measures(request: HttpRequest) -> Any:
    measure = selectors.service_measures(actor=actor_of(request))
    if measure is None:
        raise NotFound("not found")
    return {
        "organisation": measure.organisation,
        "due": measure.due,
        "answered_in_time": measure.in_time,
        "share_in_time": measure.share,
        "answered_within_5_days": measure.within_5_days,
        "share_within_5_days": measure.share_5_days,
    }
