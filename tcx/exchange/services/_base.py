"""What both sides of a thread share: errors, deadlines, reference numbers, participants."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tcx.exchange.models import (
    STATUS_ORDER,
    Exchange,
    ExchangeStatus,
    Participant,
    ReferenceSequence,
    Routing,
)
from tcx.kernel.errors import FieldErrors
from tcx.kernel.text import texts_problems
from tcx.kernel.updates import apply_changes
from tcx.organisations import selectors as org_selectors
from tcx.policy.actors import Actor

DEFAULT_DEADLINES = {
    "urgent": dt.timedelta(hours=8),
    "normal": dt.timedelta(days=7),
    "routine": dt.timedelta(days=30),
}
DEFAULT_MAX_BODY_CHARS = 100_000


class ExchangeError(FieldErrors):
    """Input that breaks a rule; ``errors`` maps each field to what is wrong."""


def check_no_nul(errors: dict[str, str], **texts: Any) -> None:
    """Name every text (a string, or strings in a list) that holds a NUL, control or
    bidirectional-override character (:mod:`tcx.kernel.text`, the check of every stored text)."""
    texts_problems(errors, **texts)


def policy_texts(policy: Any) -> dict[str, Any]:
    """The free-text fields of a sharing policy, for ``check_no_nul``."""
    return {
        "tlp": policy.tlp,
        "handling_codes": list(policy.handling_codes or []),
        "handling_h3_text": policy.handling_h3_text or "",
        "evaluation_source": policy.evaluation_source or "",
        "evaluation_information": policy.evaluation_information or "",
        "legal_basis": policy.legal_basis or "",
    }


@dataclasses.dataclass
class Upload:
    """A file as received: its name, its bytes, and (optionally) the SHA-256 the sender declared."""

    name: str
    data: bytes
    sha256: str = ""


def deadline_for(priority: str, *, sent_at: dt.datetime) -> dt.datetime:
    """The answer deadline (UTC) of a request of ``priority`` sent at ``sent_at``.

    ``TCX_EXCHANGE_DEADLINES`` maps priorities to timedeltas; read at call time."""
    deadlines: dict[str, dt.timedelta] = {
        **DEFAULT_DEADLINES,
        **getattr(settings, "TCX_EXCHANGE_DEADLINES", {}),
    }
    return (sent_at + deadlines[priority]).astimezone(dt.UTC)


def next_reference(*, country_code: str, year: int) -> str:
    """``VN-2026-000042``: the next number for the country and year, safe under concurrency.

    The UPDATE takes the row lock (PostgreSQL) or the database write lock (SQLite) until the
    caller's transaction ends, so two senders never get the same number."""
    for _ in range(3):
        updated = ReferenceSequence.objects.filter(country_code=country_code, year=year).update(
            last=F("last") + 1
        )
        if updated:
            break
        try:
            with transaction.atomic():
                ReferenceSequence.objects.create(country_code=country_code, year=year, last=1)
            break
        except IntegrityError:
            continue
    last = ReferenceSequence.objects.get(country_code=country_code, year=year).last
    return f"{country_code}-{year}-{last:06d}"


def _thread_audience(exchange: Exchange, *, without: int) -> list[int]:
    orgs = {exchange.owner_id, *exchange.participants.values_list("organisation_id", flat=True)}
    return sorted(orgs - {without})


def _participant(exchange: Exchange, actor: Actor) -> Participant | None:
    return exchange.participants.filter(organisation_id=actor.organisation_id).first()


def _participant_copy(exchange: Exchange) -> dict[str, Any]:
    """The exchange's columns every participant row copies (its inbox order and state)."""
    return {"updated_at": exchange.updated_at, "status": exchange.status, "deadline_at": exchange.deadline_at}


def _advance(exchange: Exchange, status: str, **fields: Any) -> None:
    """Move the exchange forward to ``status`` (never backwards); ``fields`` are saved too,
    and the participants' copies of the order and state follow."""
    forward = (
        STATUS_ORDER.index(status) > STATUS_ORDER.index(exchange.status)
        and exchange.status != ExchangeStatus.CLOSED
    )
    apply_changes(
        exchange, {**({"status": status} if forward else {}), "updated_at": timezone.now(), **fields}
    )
    Participant.objects.filter(exchange=exchange).update(**_participant_copy(exchange))


def _contact_points(agencies: list[Any]) -> dict[int, Any]:
    """The national contact point units of the agencies that are not one themselves."""
    parents = [a.pk for a in agencies if not a.is_national_contact_point]
    if not parents:
        return {}
    units = org_selectors.organisation_list().filter(parent__in=parents, is_national_contact_point=True)
    found: dict[int, Any] = {}
    for unit in units.order_by("-pk"):
        if unit.parent_id is not None:
            found[unit.parent_id] = unit  # the oldest wins
    return found


def _route(agency: Any, unit: Any | None = None, contact_point: Any | None = None) -> tuple[Any, str]:
    """Where a message to ``agency`` is delivered: the ``unit`` the sender named, else the
    agency's national contact point (its active unit flagged as one), else the agency itself.

    Never to another agency of the same country: the sender chose the agency that may read it."""
    if unit is not None:
        return unit, Routing.UNIT
    if contact_point is None and not agency.is_national_contact_point:
        contact_point = _contact_points([agency]).get(agency.pk)
    if contact_point is not None:
        return contact_point, Routing.CONTACT_POINT
    return agency, Routing.AGENCY
