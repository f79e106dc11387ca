"""The roadmap API's request and response bodies (endpoints in ``api.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from tcx.api.schemas import StrictInput
from tcx.roadmap import selectors
from tcx.roadmap.models import MeetingKind, MeetingMode, NominationStatus, OfferStatus, ProgrammeKind


def _codes(items: Any) -> list[str]:
    return [c.code for c in items.all()]


class MeetingOut(Schema):
    id: int
    kind: str
    number: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    host: str | None
    chair: str | None
    mode: str
    partners: list[str]
    participants: str
    agenda: str
    outcome: str
    parent: str | None
    unconfirmed: bool

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent.number if obj.parent_id else None

    @staticmethod
    def resolve_host(obj: Any) -> str | None:
        return obj.host.code if obj.host else None

    @staticmethod
    def resolve_chair(obj: Any) -> str | None:
        return obj.chair.code if obj.chair else None

    @staticmethod
    def resolve_partners(obj: Any) -> list[str]:
        return _codes(obj.partners)


class MeetingIn(StrictInput):
    kind: MeetingKind
    number: str
    title: str = ""
    starts_on: dt.date
    ends_on: dt.date
    host: str | None = None
    chair: str | None = None
    mode: MeetingMode = MeetingMode.IN_PERSON
    partners: list[str] = []
    parent: str | None = None
    participants: str = ""
    agenda: str = ""
    outcome: str = ""
    unconfirmed: bool = False


class MeetingPatch(StrictInput):
    """The fields to change; those left out stay as they are."""

    kind: MeetingKind | None = None
    number: str | None = None
    title: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    host: str | None = None
    chair: str | None = None
    mode: MeetingMode | None = None
    partners: list[str] | None = None
    parent: str | None = None
    participants: str | None = None
    agenda: str | None = None
    outcome: str | None = None
    unconfirmed: bool | None = None


class DecisionOut(Schema):
    id: int
    meeting: str
    reference: str
    text: str
    crime_areas: list[str]
    proposed_by: str | None

    @staticmethod
    def resolve_meeting(obj: Any) -> str:
        return str(obj.meeting.number)

    @staticmethod
    def resolve_crime_areas(obj: Any) -> list[str]:
        return _codes(obj.crime_areas)

    @staticmethod
    def resolve_proposed_by(obj: Any) -> str | None:
        return obj.proposed_by.code if obj.proposed_by else None


class DecisionIn(StrictInput):
    reference: str
    text: str
    crime_areas: list[str] = []
    proposed_by: str | None = None
    component: str | None = None


class DecisionPatch(StrictInput):
    """The fields to change; those left out stay as they are."""

    reference: str | None = None
    text: str | None = None
    crime_areas: list[str] | None = None
    proposed_by: str | None = None
    component: str | None = None


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date
    done_on: dt.date | None


class ActionLineOut(Schema):
    id: int
    code: str
    title: str
    component: str
    decision: str | None
    crime_area: str | None
    lead: str
    co_leads: list[str]
    partners: list[str]
    starts_on: dt.date | None
    due_on: dt.date
    status: str
    decided_status: str
    dropped_reason: str
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_component(obj: Any) -> str:
        return str(obj.component.code)

    @staticmethod
    def resolve_decision(obj: Any) -> str | None:
        return str(obj.decision) if obj.decision else None

    @staticmethod
    def resolve_crime_area(obj: Any) -> str | None:
        return obj.crime_area.code if obj.crime_area else None

    @staticmethod
    def resolve_lead(obj: Any) -> str:
        return str(obj.lead.code)

    @staticmethod
    def resolve_co_leads(obj: Any) -> list[str]:
        return _codes(obj.co_leads)

    @staticmethod
    def resolve_partners(obj: Any) -> list[str]:
        return _codes(obj.partners)

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return selectors.line_status(obj)

    @staticmethod
    def resolve_decided_status(obj: Any) -> str:
        return str(obj.status)

    @staticmethod
    def resolve_milestones(obj: Any) -> list[Any]:
        return list(obj.milestones.all())


class LinePatch(StrictInput):
    """The fields to change; those left out stay. ``lead`` null: the crime area's lead shepherd."""

    title: str | None = None
    description: str | None = None
    crime_area: str | None = None
    lead: str | None = None
    co_leads: list[str] | None = None
    partners: list[str] | None = None
    starts_on: dt.date | None = None
    due_on: dt.date | None = None
    decision_id: int | None = None


class MilestoneIn(StrictInput):
    title: str
    due_on: dt.date
    done_on: dt.date | None = None


class MilestonePatch(StrictInput):
    title: str | None = None
    due_on: dt.date | None = None
    done_on: dt.date | None = None


class ProgressIn(StrictInput):
    text: str
    status: str
    meeting_id: int | None = None


class ProgressOut(Schema):
    id: int
    country: str
    organisation: str
    text: str
    status: str
    evidence: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return str(obj.organisation.name)

    @staticmethod
    def resolve_evidence(obj: Any) -> bool:
        return bool(obj.evidence)


class DropIn(StrictInput):
    reason: str


class ProgrammeOut(Schema):
    id: int
    title: str
    kind: str
    sponsor: str
    host: str | None
    crime_area: str | None
    starts_on: dt.date
    ends_on: dt.date
    seats_per_country: int
    description: str

    @staticmethod
    def resolve_sponsor(obj: Any) -> str:
        return str(obj.sponsor.code)

    @staticmethod
    def resolve_host(obj: Any) -> str | None:
        return obj.host.code if obj.host else None

    @staticmethod
    def resolve_crime_area(obj: Any) -> str | None:
        return obj.crime_area.code if obj.crime_area else None


class ProgrammeIn(StrictInput):
    title: str
    kind: ProgrammeKind
    sponsor: str | None = None
    host: str | None = None
    crime_area: str | None = None
    starts_on: dt.date
    ends_on: dt.date
    seats_per_country: int = 2
    description: str = ""


class NominationIn(StrictInput):
    nominee_name: str
    nominee_title: str = ""


class NominationOut(Schema):
    id: int
    programme_id: int
    country: str
    organisation: str
    nominee_name: str
    nominee_title: str
    status: str

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return str(obj.organisation.name)


class NominationDecisionIn(StrictInput):
    status: NominationStatus


class NeedIn(StrictInput):
    title: str
    description: str = ""
    quantity: int = 1


class NeedOut(Schema):
    id: int
    organisation: str
    country: str | None
    title: str
    description: str
    quantity: int
    status: str

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return str(obj.organisation.name)

    @staticmethod
    def resolve_country(obj: Any) -> str | None:
        return obj.organisation.country.code if obj.organisation.country else None


class OfferIn(StrictInput):
    title: str
    description: str = ""
    quantity: int = 1
    need_id: int | None = None


class OfferOut(Schema):
    id: int
    organisation: str
    country: str
    title: str
    description: str
    quantity: int
    need_id: int | None
    status: str
    delivered_on: dt.date | None

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return str(obj.organisation.name)

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)


class OfferMatchIn(StrictInput):
    need_id: int


class OfferTrackIn(StrictInput):
    status: OfferStatus
    on: dt.date | None = None


class PlanLoaded(Schema):
    code: str
    components: int
    action_lines: int


class DocumentOut(Schema):
    id: int
    title: str
    file_name: str
    size: int
    uploaded_at: dt.datetime
    download: str

    @staticmethod
    def resolve_file_name(obj: Any) -> str:
        return str(obj.file.name).rsplit("/", 1)[-1]

    @staticmethod
    def resolve_size(obj: Any) -> int:
        return int(obj.file.size)

    @staticmethod
    def resolve_download(obj: Any) -> str:
        from django.urls import reverse

        return reverse("roadmap:document", args=[obj.pk])
