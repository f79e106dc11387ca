"""Progress on action lines, reported by the member states that lead or co-lead them."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tcx.accounts.services import Refused
from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.policy.actors import Actor, user_of
from tcx.roadmap import selectors
from tcx.roadmap.models import CLOSED_STATUSES, ActionLine, LineStatus, Meeting, ProgressUpdate
from tcx.roadmap.services._base import RoadmapError, _own_country

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


@transaction.atomic
def progress_record(
    *,
    actor: Actor,
    line: ActionLine,
    text: str,
    status: str,
    evidence: UploadedFile[bytes] | None = None,
    meeting: Meeting | None = None,
) -> ProgressUpdate:
    """A member-state agency reports progress on a line its state leads or co-leads; the status it
    reports becomes the line's status (done closes the line)."""
    selectors.access_action_line(actor=actor, line_id=line.pk)
    line = ActionLine.objects.select_for_update().get(pk=line.pk)
    if not selectors.can_record_progress(actor, line):
        raise Refused("only the lead and co-lead member states record progress on this action line")
    if line.status in CLOSED_STATUSES:
        raise RoadmapError(
            {
                "status": f"the action line is {line.get_status_display().lower()}: "
                "it takes no more progress updates"
            }
        )
    errors = {}
    if not text.strip():
        errors["text"] = "say what was done"
    if status not in (LineStatus.NOT_STARTED, LineStatus.ON_TRACK, LineStatus.AT_RISK, LineStatus.DONE):
        errors["status"] = (
            f"{status!r} is not a status a member state reports (not_started, on_track, at_risk, done)"
        )
    if evidence is not None and evidence.size and evidence.size > MAX_EVIDENCE_BYTES:
        errors["evidence"] = "evidence files are limited to 20 MB"
    if errors:
        raise RoadmapError(errors)
    now = timezone.now()
    update = ProgressUpdate.objects.create(
        action_line=line,
        country=_own_country(actor),
        organisation=actor.organisation,
        author=user_of(actor),
        meeting=meeting,
        text=text.strip(),
        status=status,
        evidence=evidence or "",
        created_at=now,
    )
    line.status = status
    line.updated_at = now
    line.closed_at = now if status == LineStatus.DONE else None
    line.save(update_fields=["status", "updated_at", "closed_at"])
    audit.record(
        actor=actor,
        action=AuditAction.ROADMAP_PROGRESS_RECORDED,
        target=line,
        data={"status": status, "update": update.pk, "evidence": bool(evidence)},
    )
    return update
