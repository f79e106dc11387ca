"""Sending an exchange and replying in it: recipients and routing, files, linked records."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.exchange import notifications as exchange_notifications
from tcx.exchange import selectors, storage
from tcx.exchange.models import (
    Attachment,
    Exchange,
    ExchangeStatus,
    Message,
    Participant,
    ParticipantRole,
    Priority,
)
from tcx.exchange.services._base import (
    DEFAULT_MAX_BODY_CHARS,
    ExchangeError,
    Upload,
    _advance,
    _contact_points,
    _participant_copy,
    _route,
    _thread_audience,
    check_no_nul,
    deadline_for,
    next_reference,
    policy_texts,
)
from tcx.kernel.text import nul_problem
from tcx.organisations import selectors as org_selectors
from tcx.policy import rules
from tcx.policy.actors import Actor, user_of
from tcx.policy.rules import NotFound, Policy


def _sender_check(actor: Actor) -> None:
    if not rules.sees_operational_data(actor):
        raise NotFound("not found")


def _storable(ids: Any) -> list[int]:
    """The ids among ``ids`` that the database can hold (64-bit): no larger one exists."""
    return [i for i in ids if isinstance(i, int) and 1 <= i <= selectors.MAX_ID]


def _recipients(ids: list[int], field: str, errors: dict[str, str]) -> list[Any]:
    orgs = list(org_selectors.organisation_list().filter(pk__in=_storable(ids), is_active=True))
    missing = set(ids) - {o.pk for o in orgs}
    if missing:
        errors[field] = f"unknown recipient organisation(s): {sorted(missing)}"
    return orgs


def _routes(agencies: list[Any], units: dict[int, int], errors: dict[str, str]) -> dict[int, tuple[Any, str]]:
    """The organisation each addressed agency's message is delivered to (see ``_route``)."""
    by_id = {a.pk: a for a in agencies}
    strays = sorted(set(units) - set(by_id))
    if strays:
        errors["units"] = f"a unit is named for organisation(s) that are not recipients: {strays}"
        return {}
    unit_list = org_selectors.organisation_list().filter(
        pk__in=_storable(set(units.values())), parent__isnull=False
    )
    named = {o.pk: o for o in unit_list} if units else {}
    wrong = [
        f"{unit_id} is not a unit of {by_id[agency_id].name}"
        for agency_id, unit_id in units.items()
        if unit_id not in named or named[unit_id].parent_id != agency_id
    ]
    if wrong:
        errors["units"] = "; ".join(wrong)
        return {}
    contact_points = _contact_points([a for a in agencies if a.pk not in units])
    routes = {a.pk: _route(a, named.get(units.get(a.pk, 0)), contact_points.get(a.pk)) for a in agencies}
    seen: dict[int, Any] = {}
    for agency_id, (organisation, _) in routes.items():
        if organisation.pk in seen:
            errors["recipients"] = (
                f"{seen[organisation.pk].name} and {by_id[agency_id].name} are both delivered to "
                f"{organisation.name}; name it once"
            )
        seen[organisation.pk] = by_id[agency_id]
    return routes


def _store_files(uploads: list[Upload], errors: dict[str, str]) -> list[tuple[Upload, str, str]]:
    checked = []
    problems = []
    for upload in uploads:
        if nul_problem(upload.name) or nul_problem(upload.sha256):
            problems.append(gettext("a file name contains a NUL character (\\x00); rename the file"))
            continue
        try:
            sha256, content_type = storage.inspect(upload.name, upload.data, declared_sha256=upload.sha256)
        except storage.AttachmentError as exc:
            problems.append(str(exc))
        else:
            checked.append((upload, sha256, content_type))
    if problems:
        errors["attachments"] = "; ".join(problems)
    return checked


def _attach(message: Message, checked: list[tuple[Upload, str, str]], written: list[str]) -> None:
    if not checked:
        return
    taken = {n.lower() for n in message.attachments.values_list("name", flat=True)}
    for upload, sha256, content_type in checked:
        stored = storage.write(upload.name, upload.data, sha256=sha256, content_type=content_type)
        written.append(stored.storage_name)
        name = storage.unique_name(stored.name, taken)
        taken.add(name.lower())
        Attachment.objects.create(
            message=message,
            name=name,
            size=stored.size,
            sha256=stored.sha256,
            content_type=stored.content_type,
            storage_name=stored.storage_name,
            key_id=stored.key_id,
        )


def _check_linked_records(actor: Actor, ids: list[int], errors: dict[str, str]) -> list[int]:
    """The ids of records the sender links, each one a record the sender may see."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    if not apps.is_installed("tcx.records"):
        errors["linked_record_ids"] = "this node has no records to link"
        return []
    from tcx.records import selectors as record_selectors

    seen = set(
        record_selectors.record_list(actor=actor).filter(pk__in=_storable(ids)).values_list("pk", flat=True)
    )
    missing = [i for i in ids if i not in seen]
    if missing:
        # "not found" for a record the sender may not see as for one that does not exist.
        errors["linked_record_ids"] = f"record(s) not found: {missing}"
    return ids


def _check_body(body: str, errors: dict[str, str]) -> str:
    body = (body or "").strip()
    limit = int(getattr(settings, "TCX_EXCHANGE_MAX_BODY_CHARS", DEFAULT_MAX_BODY_CHARS))
    if not body:
        errors["body"] = "write the message"
    elif len(body) > limit:
        errors["body"] = f"the message has {len(body)} characters; at most {limit} are allowed"
    return body


def _cleanup_on_failure(written: list[str]) -> None:
    for name in written:
        storage.remove(name)


def exchange_send(
    *,
    actor: Actor,
    subject: str,
    body: str,
    recipients: list[int],
    copy_recipients: list[int] | None = None,
    units: dict[int, int] | None = None,
    priority: str = Priority.NORMAL,
    crime_areas: list[str] | None = None,
    policy: Policy | None = None,
    attachments: list[Upload] | None = None,
    linked_record_ids: list[int] | None = None,
    request: HttpRequest | None = None,
) -> Exchange:
    """Send a new request: the thread, its first message and its attachments, whole or not at all.

    ``recipients`` and ``copy_recipients`` are agencies; ``units`` maps an agency to the unit of
    it that should receive the request; any other agency's copy goes to its national contact
    point (``_route``). The organisations reached are the audience of the exchange and of the
    message; a dialogue-partner recipient needs a legal basis."""
    _sender_check(actor)
    written: list[str] = []
    try:
        with transaction.atomic():
            exchange = _send(
                actor=actor,
                subject=subject,
                body=body,
                recipients=recipients,
                copy_recipients=copy_recipients or [],
                units=units or {},
                priority=priority,
                crime_areas=crime_areas or [],
                policy=policy or Policy(),
                attachments=attachments or [],
                linked_record_ids=linked_record_ids or [],
                written=written,
                request=request,
            )
    except BaseException:
        _cleanup_on_failure(written)
        raise
    return exchange


def _send(
    *,
    actor: Actor,
    subject: str,
    body: str,
    recipients: list[int],
    copy_recipients: list[int],
    units: dict[int, int],
    priority: str,
    crime_areas: list[str],
    policy: Policy,
    attachments: list[Upload],
    linked_record_ids: list[int],
    written: list[str],
    request: HttpRequest | None,
) -> Exchange:
    errors: dict[str, str] = {}
    check_no_nul(
        errors, subject=subject, body=body, priority=priority, crime_areas=crime_areas, **policy_texts(policy)
    )
    if errors:
        raise ExchangeError(errors)
    subject = (subject or "").strip()
    if not subject:
        errors["subject"] = "give the exchange a subject"
    elif len(subject) > 300:
        errors["subject"] = "the subject may have at most 300 characters"
    body = _check_body(body, errors)
    if priority not in Priority.values:
        errors["priority"] = f"unknown priority {priority!r}; use one of {', '.join(Priority.values)}"
    to_orgs = _recipients(recipients, "recipients", errors)
    cc_orgs = _recipients([i for i in copy_recipients if i not in recipients], "copy_recipients", errors)
    if not recipients and "recipients" not in errors:
        errors["recipients"] = "name at least one recipient organisation"
    routes = _routes(to_orgs + cc_orgs, units, errors)
    if actor.organisation_id in set(recipients) | set(copy_recipients) | {o.pk for o, _ in routes.values()}:
        errors["recipients"] = "your own agency cannot be a recipient"
    areas = list(org_selectors.crime_area_list().filter(code__in=crime_areas)) if crime_areas else []
    if len(areas) != len(set(crime_areas)):
        errors["crime_areas"] = f"unknown crime area(s): {sorted(set(crime_areas) - {a.code for a in areas})}"
    linked = _check_linked_records(actor, linked_record_ids, errors)
    checked = _store_files(attachments, errors)
    audience = [routes[o.pk][0].pk if o.pk in routes else o.pk for o in to_orgs + cc_orgs]
    try:
        validated = rules.validate_policy(
            dataclasses.replace(policy, audience_organisations=audience, audience_groups=[]),
            owner=actor.organisation,
        )
    except rules.PolicyError as exc:
        errors.update({k: v for k, v in exc.errors.items() if k not in ("audience_organisations",)})
        validated = policy
    if errors:
        raise ExchangeError(errors)
    now = timezone.now()
    country = actor.organisation.country.code if actor.organisation.country is not None else "XX"
    exchange = Exchange.objects.create(
        owner=actor.organisation,
        reference=next_reference(country_code=country, year=now.year),
        subject=subject,
        priority=priority,
        sender=user_of(actor),
        created_at=now,
        updated_at=now,
        deadline_at=deadline_for(priority, sent_at=now),
        linked_record_ids=linked,
    )
    rules.apply_policy(exchange, validated)
    if areas:
        exchange.crime_areas.set(areas)
    Participant.objects.bulk_create(
        [
            Participant(
                exchange=exchange,
                organisation=routes[o.pk][0],
                addressed_to=o,
                routing=routes[o.pk][1],
                role=role,
                **_participant_copy(exchange),
            )
            for orgs, role in ((to_orgs, ParticipantRole.RECIPIENT), (cc_orgs, ParticipantRole.COPY))
            for o in orgs
        ]
    )
    message = Message.objects.create(
        exchange=exchange, owner=actor.organisation, author=user_of(actor), body=body, created_at=now
    )
    rules.apply_policy(message, validated)
    _attach(message, checked, written)
    audit.record(
        actor=actor,
        action=AuditAction.EXCHANGE_SENT,
        target=exchange,
        request=request,
        data={
            "reference": exchange.reference,
            "recipients": [o.pk for o in to_orgs],
            "copy": [o.pk for o in cc_orgs],
            "delivered_to": sorted(audience),
            "priority": priority,
            "attachments": [c[1] for c in checked],
            "linked_records": linked,
        },
    )
    exchange_notifications.request_sent(actor=actor, exchange=exchange)
    return exchange


@transaction.atomic
def message_reply(
    *,
    actor: Actor,
    exchange: Exchange,
    body: str,
    policy: Policy | None = None,
    attachments: list[Upload] | None = None,
    request: HttpRequest | None = None,
) -> Message:
    """Reply in a thread; a reply from a recipient agency answers the request.

    The reply goes to every organisation of the thread (sender and participants), or to those of
    them named in ``policy.audience_organisations``."""
    written: list[str] = []
    try:
        return _reply(
            actor=actor,
            exchange=exchange,
            body=body,
            policy=policy or Policy(),
            attachments=attachments or [],
            written=written,
            request=request,
        )
    except BaseException:
        _cleanup_on_failure(written)
        raise


def _reply(
    *,
    actor: Actor,
    exchange: Exchange,
    body: str,
    policy: Policy,
    attachments: list[Upload],
    written: list[str],
    request: HttpRequest | None,
) -> Message:
    if not rules.is_visible(exchange, actor):
        raise NotFound("not found")
    errors: dict[str, str] = {}
    check_no_nul(errors, body=body, **policy_texts(policy))
    if errors:
        raise ExchangeError(errors)
    if exchange.status == ExchangeStatus.CLOSED:
        errors["exchange"] = "the exchange is closed"
    body = _check_body(body, errors)
    checked = _store_files(attachments, errors)
    audience = _thread_audience(exchange, without=actor.organisation_id)
    chosen = set(policy.audience_organisations)
    if chosen:
        # A reply may go to fewer of the thread's organisations ("for Viet Nam only"), never
        # to one outside the thread.
        outside = sorted(chosen - set(audience))
        if outside:
            errors["audience_organisations"] = gettext(
                "organisation(s) %(ids)s do not take part in this exchange: a reply goes only to "
                "organisations of the thread"
            ) % {"ids": outside}
        audience = [o for o in audience if o in chosen]
    try:
        validated = rules.validate_policy(
            dataclasses.replace(policy, audience_organisations=audience, audience_groups=[]),
            owner=actor.organisation,
        )
    except rules.PolicyError as exc:
        errors.update(exc.errors)
        validated = policy
    if errors:
        raise ExchangeError(errors)
    is_answer = actor.organisation_id != exchange.owner_id
    message = Message.objects.create(
        exchange=exchange, owner=actor.organisation, author=user_of(actor), body=body, is_answer=is_answer
    )
    rules.apply_policy(message, validated)
    _attach(message, checked, written)
    if is_answer:
        _advance(exchange, ExchangeStatus.ANSWERED, answered_at=exchange.answered_at or message.created_at)
    else:
        _advance(exchange, exchange.status)
    audit.record(
        actor=actor,
        action=AuditAction.EXCHANGE_REPLIED,
        target=message,
        request=request,
        data={"exchange": exchange.pk, "reference": exchange.reference, "answer": is_answer},
    )
    exchange_notifications.replied(actor=actor, exchange=exchange, message=message)
    return message
