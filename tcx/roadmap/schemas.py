"""The roadmap API's request and response bodies (endpoints in ``api.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from tcx.api.schemas import StrictInput
from tcx.roadmap import selectors
from tcx.roadmap.models import (
    MAX_QUANTITY,
    MAX_SEATS_PER_COUNTRY,
    MeetingKind,
    MeetingMode,
    NominationStatus,
    OfferStatus,
    ProgrammeKind,
)

# The limits of the inputs, as the models and services hold them (the OpenAPI document shows them).
CountryCode = Annotated[str, Field(max_length=2)]
CountryCodes = Annotated[list[CountryCode], Field(max_length=50)]
AreaCode = Annotated[str, Field(max_length=40)]
AreaCodes = Annotated[list[AreaCode], Field(max_length=50)]
# No minimum where the service names an empty field together with the other bad ones.
MeetingNumber = Annotated[str, Field(max_length=60)]
Reference = Annotated[str, Field(max_length=60)]
Title = Annotated[str, Field(min_length=1, max_length=200)]
LineTitle = Annotated[str, Field(max_length=300)]
OptionalTitle = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=50_000)]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]


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
    number: MeetingNumber
    title: OptionalTitle = ""
    starts_on: dt.date
    ends_on: dt.date
    host: CountryCode | None = None
    chair: CountryCode | None = None
    mode: MeetingMode = MeetingMode.IN_PERSON
    partners: CountryCodes = []
    parent: Annotated[str, Field(max_length=60)] | None = None
    participants: LongText = ""
    agenda: LongText = ""
    outcome: LongText = ""
    unconfirmed: bool = False


class MeetingPatch(StrictInput):
    """The fields to change; those left out stay as they are."""

    kind: MeetingKind | None = None
    number: MeetingNumber | None = None
    title: OptionalTitle | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    host: CountryCode | None = None
    chair: CountryCode | None = None
    mode: MeetingMode | None = None
    partners: CountryCodes | None = None
    parent: Annotated[str, Field(max_length=60)] | None = None
    participants: LongText | None = None
    agenda: LongText | None = None
    outcome: LongText | None = None
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
    reference: Reference
    text: LongText
    crime_areas: AreaCodes = []
    proposed_by: CountryCode | None = None
    component: Annotated[str, Field(max_length=60)] | None = None


class DecisionPatch(StrictInput):
    """The fields to change; those left out stay as they are."""

    reference: Reference | None = None
    text: LongText | None = None
    crime_areas: AreaCodes | None = None
    proposed_by: CountryCode | None = None
    component: Annotated[str, Field(max_length=60)] | None = None


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

    title: LineTitle | None = None
    description: LongText | None = None
    crime_area: AreaCode | None = None
    lead: CountryCode | None = None
    co_leads: CountryCodes | None = None
    partners: CountryCodes | None = None
    starts_on: dt.date | None = None
    due_on: dt.date | None = None
    decision_id: int | None = None


class MilestoneIn(StrictInput):
    title: LineTitle
    due_on: dt.date
    done_on: dt.date | None = None


class MilestonePatch(StrictInput):
    title: LineTitle | None = None
    due_on: dt.date | None = None
    done_on: dt.date | None = None


class ProgressIn(StrictInput):
    text: LongText
    status: Annotated[str, Field(max_length=12)]
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
    reason: LongText


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
    title: Title
    kind: ProgrammeKind
    sponsor: CountryCode | None = None
    host: CountryCode | None = None
    crime_area: AreaCode | None = None
    starts_on: dt.date
    ends_on: dt.date
    seats_per_country: Annotated[int, Field(ge=1, le=MAX_SEATS_PER_COUNTRY)] = 2
    description: LongText = ""


class NominationIn(StrictInput):
    nominee_name: Title
    nominee_title: OptionalTitle = ""


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
    title: Title
    description: LongText = ""
    quantity: Quantity = 1


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
    title: Title
    description: LongText = ""
    quantity: Quantity = 1
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
