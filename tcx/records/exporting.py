"""Export of what the actor may see, as FtM JSON lines or CSV, with the policy metadata."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.policy import rules
from tcx.policy.actors import Actor
from tcx.records.selectors import record_list

FORMATS = ("jsonl", "csv")
POLICY_COLUMNS = [
    "owner",
    "tlp",
    "handling_codes",
    "handling_h3_text",
    "evaluation",
    "legal_basis",
    "review_date",
    "audience_organisations",
    "audience_groups",
]


def export_records(
    *, actor: Actor, fmt: str, filters: dict[str, Any] | None = None, request: Any = None
) -> Iterator[str]:
    """Yield the export line by line. Every exported record is named in one audit event."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    records = list(
        record_list(actor=actor, filters=filters).prefetch_related(
            "audience_organisations", "audience_groups"
        )
    )
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_EXPORTED,
        request=request,
        data={"format": fmt, "records": [r.pk for r in records]},
    )
    if fmt == "jsonl":
        for record in records:
            yield (
                json.dumps(
                    {
                        "id": f"tcx-{record.pk}",
                        "schema": record.schema,
                        "properties": record.properties,
                        "tcx": {
                            "gid": str(record.gid),
                            **rules.policy_of(record),
                            "crime_areas": [a.code for a in record.crime_areas.all()],
                            "subject_role": record.subject_role,
                            "status": record.status,
                            "version": record.version,
                        },
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
        return
    properties = sorted({p for r in records for p in r.properties})
    header = ["id", "gid", "schema", "caption", *POLICY_COLUMNS, "crime_areas", *properties]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for record in records:
        policy = rules.policy_of(record)
        writer.writerow(
            [
                f"tcx-{record.pk}",
                str(record.gid),
                record.schema,
                record.caption,
                *(
                    ";".join(v) if isinstance(v, list) else (v or "")
                    for v in (policy[c] for c in POLICY_COLUMNS)
                ),
                ";".join(a.code for a in record.crime_areas.all()),
                *(";".join(record.properties.get(p, [])) for p in properties),
            ]
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if not records:
        yield buffer.getvalue()
