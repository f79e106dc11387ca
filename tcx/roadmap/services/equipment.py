"""Equipment support: needs posted by member-state agencies, offers by dialogue partners,
matched and tracked to delivery."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tcx.accounts.services import Refused
from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.policy.actors import Actor
from tcx.policy.capabilities import Capability, has_capability
from tcx.policy.rules import NotFound
from tcx.roadmap import selectors
from tcx.roadmap.models import MAX_QUANTITY, EquipmentNeed, EquipmentOffer, OfferStatus
from tcx.roadmap.services._base import RoadmapError, _check_text, _own_country


def _check_equipment(title: str, quantity: int) -> str:
    """The title and quantity of a need or an offer; raises RoadmapError naming each bad one."""
    errors: dict[str, str] = {}
    title = _check_text(title, "title", errors, max_length=200)
    if not 1 <= quantity <= MAX_QUANTITY:
        errors["quantity"] = f"between 1 and {MAX_QUANTITY:,}"
    if errors:
        raise RoadmapError(errors)
    return title


@transaction.atomic
def need_post(*, actor: Actor, title: str, description: str = "", quantity: int = 1) -> EquipmentNeed:
    if selectors.scope_of(actor) is None:
        raise NotFound("not found")
    if not has_capability(actor, Capability.CONTRIBUTE_ROADMAP):
        raise Refused("member-state agencies post equipment needs")
    title = _check_equipment(title, quantity)
    need = EquipmentNeed.objects.create(
        organisation=actor.organisation, title=title, description=description, quantity=quantity
    )
    audit.record(actor=actor, action=AuditAction.ROADMAP_NEED_POSTED, target=need, data={"title": need.title})
    return need


@transaction.atomic
def offer_post(
    *, actor: Actor, title: str, description: str = "", quantity: int = 1, need: EquipmentNeed | None = None
) -> EquipmentOffer:
    scope = selectors.scope_of(actor)
    if scope is None:
        raise NotFound("not found")
    if scope.partner_country_id is None:
        raise Refused("dialogue partners offer equipment")
    title = _check_equipment(title, quantity)
    offer = EquipmentOffer.objects.create(
        organisation=actor.organisation,
        country=_own_country(actor),
        title=title,
        description=description,
        quantity=quantity,
    )
    audit.record(
        actor=actor, action=AuditAction.ROADMAP_OFFER_POSTED, target=offer, data={"title": offer.title}
    )
    if need is not None:
        offer = offer_match(actor=actor, offer=offer, need=need)
    return offer


def _manages_offer(actor: Actor, offer: EquipmentOffer) -> bool:
    scope = selectors.scope_of(actor)
    if scope is None:
        return False
    return has_capability(actor, Capability.EDIT_ROADMAP) or offer.country_id == scope.partner_country_id


@transaction.atomic
def offer_match(*, actor: Actor, offer: EquipmentOffer, need: EquipmentNeed) -> EquipmentOffer:
    """Match an offer to a need: the offering partner or the Secretariat."""
    selectors.access_offer(actor=actor, offer_id=offer.pk)
    selectors.access_need(actor=actor, need_id=need.pk)
    if not _manages_offer(actor, offer):
        raise Refused("the offering partner or the ASEAN Secretariat matches an offer")
    if offer.status != OfferStatus.OFFERED:
        raise RoadmapError({"status": f"the offer is already {offer.get_status_display().lower()}"})
    if need.status != "open":
        raise RoadmapError({"need_id": f"the need is {need.get_status_display().lower()}"})
    offer.need = need
    offer.status = OfferStatus.MATCHED
    offer.save(update_fields=["need", "status"])
    need.status = "matched"
    need.save(update_fields=["status"])
    audit.record(
        actor=actor, action=AuditAction.ROADMAP_OFFER_UPDATED, target=offer, data={"matched": need.pk}
    )
    return offer


OFFER_STEPS = {
    OfferStatus.OFFERED: {OfferStatus.WITHDRAWN},
    OfferStatus.MATCHED: {OfferStatus.SHIPPED, OfferStatus.DELIVERED, OfferStatus.WITHDRAWN},
    OfferStatus.SHIPPED: {OfferStatus.DELIVERED},
}


@transaction.atomic
def offer_track(
    *, actor: Actor, offer: EquipmentOffer, status: str, on: dt.date | None = None
) -> EquipmentOffer:
    """Track an offer to delivery (shipped, delivered) or withdraw it."""
    selectors.access_offer(actor=actor, offer_id=offer.pk)
    if not _manages_offer(actor, offer):
        raise Refused("the offering partner or the ASEAN Secretariat tracks an offer")
    allowed = OFFER_STEPS.get(OfferStatus(offer.status), set())
    if status not in allowed:
        raise RoadmapError(
            {
                "status": f"an offer that is {offer.status} cannot become {status!r} "
                f"(allowed: {', '.join(sorted(allowed)) or 'none'})"
            }
        )
    offer.status = status
    if status == OfferStatus.DELIVERED:
        offer.delivered_on = on or timezone.localdate()
    offer.save(update_fields=["status", "delivered_on"])
    if offer.need_id:
        need = offer.need
        assert need is not None
        need.status = {"delivered": "delivered", "withdrawn": "open"}.get(status, need.status)
        need.save(update_fields=["status"])
        if status == OfferStatus.WITHDRAWN:
            offer.need = None
            offer.save(update_fields=["need"])
    audit.record(actor=actor, action=AuditAction.ROADMAP_OFFER_UPDATED, target=offer, data={"status": status})
    return offer
