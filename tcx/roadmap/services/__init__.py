"""Writes on the roadmap. Each is a verb with keyword-only arguments, in a transaction, writing
its audit event. Permission checks refuse with ``NotFound`` when the actor may not even see the
object, and with ``Refused`` when they see it but may not do this; bad input raises
``RoadmapError`` naming every bad field, and nothing is written.

The ``*_check`` functions run the same checks without writing: a page shows their findings next
to its own form errors, so that one submission lists every bad field."""

from tcx.roadmap.services._base import RoadmapError, _require_secretariat, require_secretariat
from tcx.roadmap.services.capacity import (
    NOMINATION_STEPS,
    nomination_create,
    nomination_decide,
    programme_create,
)
from tcx.roadmap.services.equipment import OFFER_STEPS, need_post, offer_match, offer_post, offer_track
from tcx.roadmap.services.plan import (
    action_line_check,
    action_line_drop,
    action_line_save,
    action_line_update,
    decision_check,
    decision_create,
    decision_update,
    meeting_check,
    meeting_create,
    meeting_document_add,
    meeting_update,
    milestone_add,
    milestone_check,
    milestone_remove,
    milestone_update,
)
from tcx.roadmap.services.progress import MAX_EVIDENCE_BYTES, progress_record

__all__ = [
    "MAX_EVIDENCE_BYTES",
    "NOMINATION_STEPS",
    "OFFER_STEPS",
    "RoadmapError",
    "_require_secretariat",
    "action_line_check",
    "action_line_drop",
    "action_line_save",
    "action_line_update",
    "decision_check",
    "decision_create",
    "decision_update",
    "meeting_check",
    "meeting_create",
    "meeting_document_add",
    "meeting_update",
    "milestone_add",
    "milestone_check",
    "milestone_remove",
    "milestone_update",
    "need_post",
    "nomination_create",
    "nomination_decide",
    "offer_match",
    "offer_post",
    "offer_track",
    "programme_create",
    "progress_record",
    "require_secretariat",
]
