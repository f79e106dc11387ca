"""The records' notification kinds, and who is told what (discovered by tcx.notifications).

Each side is told only about its own record: a hit names the recipient agency's record and the
score band, never the other agency's record or the other agency; a release request names the
record of the agency asked and the requester's stated purpose (written for that agency); a
decision tells the requester the outcome and the reason given to it, not the record."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tcx.notifications import services as notifications
from tcx.notifications.registry import register_kind
from tcx.policy.actors import Actor
from tcx.policy.capabilities import Capability
from tcx.records.models import Priority, ReleaseStatus

HIT = "records.hit"
RELEASE_REQUEST = "records.release_request"
RELEASE_DECISION = "records.release_decision"

register_kind(HIT, gettext_lazy("A new hit on your agency's record"))
register_kind(RELEASE_REQUEST, gettext_lazy("A request to release your agency's record"))
register_kind(RELEASE_DECISION, gettext_lazy("A decision on your agency's release request"))

# who is told of hits and asked for releases: the people who decide releases
DECIDERS = Capability.RELEASE


def hit_found(*, match: Any) -> None:
    """Both agencies, each about its own record: its supervisors and the record's author."""
    for record in (match.record_a, match.record_b):
        recipients: list[Any] = [
            notifications.Recipients(organisation_id=record.owner_id, capability=DECIDERS)
        ]
        if record.created_by is not None:
            recipients.append(record.created_by)
        if match.deconfliction:
            title = _("Deconfliction alert on your record #%(record)s") % {"record": record.pk}
        else:
            title = _("A new hit on your record #%(record)s") % {"record": record.pk}
        notifications.notify(
            recipients=recipients,
            kind=HIT,
            target=match,
            title=title,
            body=_(
                "Another agency holds a record that matches your record #%(record)s (%(schema)s, score "
                "band %(band)s). Open the hits to see it and ask for its release."
            )
            % {"record": record.pk, "schema": record.schema, "band": match.band},
            url=reverse("records:hits"),
            urgent=bool(match.deconfliction),
        )


def release_requested(*, actor: Actor, release: Any) -> None:
    notifications.notify(
        recipients=notifications.Recipients(organisation_id=release.record.owner_id, capability=DECIDERS),
        kind=RELEASE_REQUEST,
        target=release,
        title=_("%(agency)s asks for the release of your record #%(record)s")
        % {"agency": release.requester.display_name, "record": release.record_id},
        body=release.purpose,
        url=reverse("records:releases"),
        urgent=release.priority == Priority.URGENT,
        actor=actor,
    )


def release_decided(*, actor: Actor, release: Any) -> None:
    """The person who asked (and the requesting agency's supervisors)."""
    if release.status == ReleaseStatus.RELEASED:
        title = _("%(agency)s released the record you asked for") % {
            "agency": actor.organisation.display_name
        }
        body = ""
    else:
        title = _("%(agency)s declined your release request") % {"agency": actor.organisation.display_name}
        body = _("Reason: %(reason)s") % {"reason": release.reason}
    notifications.notify(
        recipients=[
            release.requested_by,
            notifications.Recipients(organisation_id=release.requester_id, capability=DECIDERS),
        ],
        kind=RELEASE_DECISION,
        target=release,
        title=title,
        body=body,
        url=reverse("records:hits"),
        actor=actor,
    )
