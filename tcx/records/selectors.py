"""Reads on records: what an actor may see, hits with only their metadata, release requests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any, overload

from django.db.models import IntegerField, Q, QuerySet, Value, prefetch_related_objects

from tcx.matching import Matcher, parse_entity
from tcx.policy import rules
from tcx.policy.actors import Actor
from tcx.policy.capabilities import Capability, has_capability
from tcx.policy.rules import NotFound
from tcx.records.index import DatabaseIndex
from tcx.records.models import (
    HitDisclosure,
    ImportRun,
    Match,
    MatchKind,
    MatchStatus,
    Record,
    RecordStatus,
    ReleaseRequest,
    ReleaseStatus,
)


def record_list(*, actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[Record]:
    """The records the actor may see, newest first."""
    qs = rules.visible(Record.objects.select_related("owner", "owner__country"), actor)
    filters = filters or {}
    if filters.get("status", RecordStatus.ACTIVE):
        qs = qs.filter(status=filters.get("status", RecordStatus.ACTIVE))
    if filters.get("schema"):
        qs = qs.filter(schema=filters["schema"])
    if filters.get("crime_area"):
        qs = qs.filter(crime_areas__code=filters["crime_area"])
    if filters.get("owned"):
        qs = qs.filter(owner_id=actor.organisation_id)
    # what every view of a record shows (its crime areas and its policy's audience), fetched
    # once for the rows read rather than once a row: a page costs the same queries for 20 or 500
    return qs.prefetch_related("crime_areas", "audience_organisations", "audience_groups")


def load_lists(records: list[Record]) -> list[Record]:
    """Read what every view of these records shows besides their own columns — their crime
    areas and their policy's audience — in one query for all of them (``record_out`` and
    ``rules.policy_of`` read it)."""
    if not records:
        return records
    areas = (
        Record.crime_areas.through.objects.filter(record_id__in=[r.pk for r in records])
        .order_by()
        .values_list(
            Value(rules.ALSO, output_field=IntegerField()),
            "record_id",
            "crimearea__code",
            "crimearea__name",
            "crimearea__position",
        )
    )
    codes = rules.load_audiences(records, also=areas)
    for record in records:
        record._tcx_crime_area_codes = codes.get(record.pk, [])  # type: ignore[attr-defined]
    return records


def access_record(*, actor: Actor, record_id: int, action: str = rules.Action.VIEW) -> Record:
    """The one lookup of a record: not found when it does not exist or the actor may not see it."""
    return rules.access(
        Record.objects.select_related("owner", "owner__country"), actor=actor, pk=record_id, action=action
    )


def record_search(
    *, actor: Actor, text: str, limit: int = 20, lists: bool = False
) -> list[tuple[Record, float]]:
    """Records the actor may see whose names or identifiers match ``text`` in any script or
    spelling (the matching engine), best first. ``lists``: their crime areas and audiences are
    read in one query (``load_lists``) rather than prefetched."""
    text = text.strip()
    if not text:
        return []
    query = parse_entity(
        {
            "id": "query",
            "schema": "LegalEntity",
            "properties": {"name": [text], "phone": [text], "idNumber": [text], "email": [text]},
        }
    )
    candidates = DatabaseIndex().candidates(query, 200)
    ids = [int(record_id) for record_id, _ in candidates]
    # the candidates are scored from their schema and properties alone; only the best ``limit``
    # are then read whole (owner, crime areas, audience), not all 200
    visible = {
        pk: {"id": str(pk), "schema": schema, "properties": properties}
        for pk, schema, properties in record_list(actor=actor)
        .filter(pk__in=ids)
        .prefetch_related(None)
        .values_list("pk", "schema", "properties")
    }
    matcher = Matcher()
    scored = []
    for record_id in ids:
        entity = visible.get(record_id)
        if entity is None:
            continue
        result = matcher.score(query, parse_entity(entity), explain=False)
        if result.score > 0.3:
            scored.append((record_id, result.score))
    scored.sort(key=lambda item: -item[1])
    best = scored[:limit]
    page = record_list(actor=actor).filter(pk__in=[pk for pk, _ in best])
    if lists:
        records = {r.pk: r for r in load_lists(list(page.prefetch_related(None)))}
    else:
        records = {r.pk: r for r in page}
    return [(records[pk], score) for pk, score in best if pk in records]


@dataclasses.dataclass
class HitView:
    """A match as one side sees it: its own record, and the other record in full only if the
    other side's policy already lets it see it; otherwise hit metadata only."""

    match: Match
    own: Record
    other: Record | None
    holder: str
    schema: str
    crime_areas: list[str]
    band: str
    found_at: dt.datetime
    pending_release: ReleaseRequest | None

    @property
    def is_hit(self) -> bool:
        return self.other is None


def _holder_label(record: Record) -> str:
    owner = record.owner
    if record.hit_disclosure == HitDisclosure.ORGANISATION:
        return owner.name
    if record.hit_disclosure == HitDisclosure.COUNTRY and owner.country:
        return f"an agency of {owner.country.name}"
    return "a member-state agency" if owner.kind == "member_state_agency" else "another agency"


def _hit_matches(*, actor: Actor, include_duplicates: bool, status: str | None = None) -> QuerySet[Match]:
    """The matches on the actor's agency's records that its hit list shows, newest first, as
    one query: the visibility (the actor's agency holds one side) is in the ``WHERE``."""
    if not rules.sees_operational_data(actor):
        return Match.objects.none()
    org = actor.organisation_id
    qs = (
        Match.objects.select_related("record_a__owner__country", "record_b__owner__country")
        .filter(Q(record_a__owner_id=org) | Q(record_b__owner_id=org))
        .exclude(status=MatchStatus.REJECTED)
        .order_by("-updated_at", "-pk")  # a total order: pages neither repeat nor skip a hit
    )
    if not include_duplicates:
        qs = qs.filter(kind=MatchKind.CROSS_AGENCY)
    if status:
        qs = qs.filter(status=status)
    return qs


def hit_views(*, actor: Actor, matches: list[Match]) -> list[HitView]:
    """The views of some matches already read (a page), in a constant number of queries: the
    other sides' crime areas, which of them the actor may see, and the agency's pending release
    requests are each read once for the whole page."""
    if not matches:
        return []
    org = actor.organisation_id
    sides = [
        (m.record_a, m.record_b) if m.record_a.owner_id == org else (m.record_b, m.record_a) for m in matches
    ]
    others = [other for _, other in sides]
    prefetch_related_objects(others, "crime_areas")
    other_ids = {other.pk for other in others}
    shown_ids = set(
        rules.visible(Record.objects.filter(pk__in=other_ids), actor).values_list("pk", flat=True)
    )
    pending = {
        r.record_id: r
        for r in ReleaseRequest.objects.filter(
            requester_id=org, status=ReleaseStatus.PENDING, record_id__in=other_ids
        )
    }
    views = []
    for match, (own, other) in zip(matches, sides, strict=True):
        shown = other if other.pk in shown_ids else None
        views.append(
            HitView(
                match=match,
                own=own,
                other=shown,
                holder=other.owner.name if shown else _holder_label(other),
                schema=other.schema,
                crime_areas=[a.name for a in other.crime_areas.all()],
                band=match.band,
                found_at=match.created_at,
                pending_release=pending.get(other.pk),
            )
        )
    return views


class HitList:
    """The hits on the actor's agency's records, newest first, with no cap: a lazy sequence over
    one queryset that a paginator counts and slices in the database; a page of views costs the
    same few queries whatever its size (``hit_views``)."""

    def __init__(self, *, actor: Actor, matches: QuerySet[Match]):
        self.actor = actor
        self.matches = matches

    def count(self) -> int:
        return int(self.matches.count())

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> HitView: ...
    @overload
    def __getitem__(self, index: slice) -> list[HitView]: ...
    def __getitem__(self, index: int | slice) -> HitView | list[HitView]:
        if isinstance(index, slice):
            return hit_views(actor=self.actor, matches=list(self.matches[index]))
        (view,) = hit_views(actor=self.actor, matches=[self.matches[index]])
        return view

    def __iter__(self) -> Iterator[HitView]:
        # in pages, so that walking every hit never holds them all in memory at once
        start = 0
        while page := self[start : start + ITER_PAGE]:
            yield from page
            start += ITER_PAGE


ITER_PAGE = 200


def hit_list(*, actor: Actor, include_duplicates: bool = False, status: str | None = None) -> HitList:
    """Matches on the actor's agency's records, with what the actor may know of the other side
    (``status``: only the matches in that state)."""
    return HitList(
        actor=actor, matches=_hit_matches(actor=actor, include_duplicates=include_duplicates, status=status)
    )


def access_hit(*, actor: Actor, match_id: int) -> HitView:
    """The one lookup of a hit: one match by id, on a record of the actor's agency (duplicates
    included, rejected matches not); "not found" otherwise."""
    match = _hit_matches(actor=actor, include_duplicates=True).filter(pk=match_id).first()
    if match is None:
        raise NotFound(f"hit {match_id} not found")
    return hit_view(actor=actor, match=match)


def hit_view(*, actor: Actor, match: Match) -> HitView:
    """The view of one match of the actor's agency (e.g. as it stands after a decision)."""
    (view,) = hit_views(actor=actor, matches=[match])
    return view


def release_requests_to_decide(*, actor: Actor) -> QuerySet[ReleaseRequest]:
    """Requests for the actor's agency's records (its supervisors decide them)."""
    if not has_capability(actor, Capability.RELEASE):
        return ReleaseRequest.objects.none()
    return (
        ReleaseRequest.objects.select_related("requester", "record", "requested_by")
        .filter(record__owner_id=actor.organisation_id)
        .order_by("-created_at", "-pk")  # a total order: pages neither repeat nor skip a request
    )


def access_release_request(*, actor: Actor, release_id: int) -> ReleaseRequest:
    release = release_requests_to_decide(actor=actor).filter(pk=release_id).first()
    if release is None:
        raise NotFound(f"release request {release_id} not found")
    return release


def record_links(*, actor: Actor, record: Record) -> list[Any]:
    """The links of a record whose other end the actor may also see."""
    from tcx.records.models import RecordLink

    links = RecordLink.objects.select_related("source", "target").filter(Q(source=record) | Q(target=record))
    return [
        link
        for link in links
        if rules.is_visible(link.source, actor) and rules.is_visible(link.target, actor)
    ]


def import_runs(*, actor: Actor) -> QuerySet[ImportRun]:
    """The imports of the actor's agency, newest first (its editors'; nobody else's)."""
    if not has_capability(actor, Capability.EDIT_OPERATIONAL):
        return ImportRun.objects.none()
    return ImportRun.objects.filter(owner=actor.organisation).select_related("created_by").order_by("-pk")


def access_import_run(*, actor: Actor, run_id: int) -> ImportRun:
    run = import_runs(actor=actor).filter(pk=run_id).first()
    if run is None:
        raise NotFound(f"import {run_id} not found")
    return run
