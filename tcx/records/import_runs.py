"""Imports started on the import page: queued with their file, run in the background, their
progress kept in an ``ImportRun`` row that the page polls.

On the embedded default (``TCX_JOBS=inline``) a queued import runs in a thread of the web
process, started after the commit that queued it; in production ``tcx worker`` runs it. A run is
claimed with a lease: if its process dies, the run is claimed again when the lease runs out and
imports the file again from the start — an import is idempotent by owner + external id, so the
rows written before the crash are recognised and nothing is duplicated.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.matching.io import UNSAFE_TEXT
from tcx.policy import rules
from tcx.policy.rules import Policy
from tcx.records import jobs
from tcx.records.importing import check_file, import_file
from tcx.records.models import ImportRun, ImportStatus
from tcx.records.services import RecordError, _crime_areas, _editor_check, check_policy_text

logger = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 3
KEEP_ROWS = 1000  # rejected rows (and rows with warnings) listed on the page; the rest counted
SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".xlsx")


def folder() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def count_rows(path: Path) -> int:
    """Rows in a file, for the progress bar: data lines of a CSV or JSON-lines file, the rows of
    the first sheet of a workbook (an estimate: quoted line breaks and blank rows count)."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
            reason = _("the workbook cannot be read (%(error)s)") % {"error": type(exc).__name__}
            raise RecordError({"file": reason}) from exc
        try:
            return max((workbook.worksheets[0].max_row or 1) - 1, 0)
        except Exception:
            return 0  # only the progress bar's estimate
        finally:
            workbook.close()
    lines = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
    return max(lines - 1, 0) if path.suffix.lower() == ".csv" else lines


def queue(
    *,
    actor: Any,
    upload: UploadedFile,
    policy: Policy,
    mapping: dict[str, str],
    schema: str = "Person",
    crime_areas: list[str] | None = None,
    subject_role: str = "",
) -> ImportRun:
    """Check what can be checked before reading a row, keep the file and queue the import.
    Raises RecordError or PolicyError naming the field; then nothing is kept."""
    _editor_check(actor)
    check_policy_text(policy)
    name = UNSAFE_TEXT.sub("", upload.name or "")[:255] or "upload"  # shown and stored: no controls
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise RecordError(
            {
                "file": _("cannot import a %(suffix)s file; use .jsonl, .csv or .xlsx")
                % {"suffix": suffix[:20] or "nameless"}
            }
        )
    policy = rules.validate_policy(policy, owner=actor.organisation)
    _crime_areas(crime_areas or [])
    stored = folder() / f"{uuid.uuid4().hex}{suffix}"
    with stored.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    try:
        check_file(stored)
        total = count_rows(stored)
    except Exception:
        stored.unlink(missing_ok=True)
        raise
    options = {
        "mapping": mapping,
        "schema": schema,
        "crime_areas": crime_areas or [],
        "subject_role": subject_role,
        "policy": {
            "tlp": policy.tlp,
            "audience_organisations": list(policy.audience_organisations),
            "audience_groups": list(policy.audience_groups),
            "handling_codes": list(policy.handling_codes),
            "handling_h3_text": policy.handling_h3_text,
            "evaluation_source": policy.evaluation_source,
            "evaluation_information": policy.evaluation_information,
            "legal_basis": policy.legal_basis,
            "review_date": policy.review_date.isoformat() if policy.review_date else None,
        },
    }
    with transaction.atomic():  # the run and its audit event together
        run = ImportRun.objects.create(
            owner=actor.organisation,
            created_by=actor,
            file_name=name,
            stored_as=stored.name,
            options=options,
            rows_total=total,
        )
        audit.record(
            actor=actor,
            action=AuditAction.RECORD_IMPORT_QUEUED,
            target=run,
            target_owner=actor.organisation,
            data={"file": run.file_name, "rows": total},
        )
    if jobs.inline():
        transaction.on_commit(lambda: start_thread(run.pk))
    return run


def start_thread(run_id: int) -> None:
    threading.Thread(target=_run_in_thread, args=(run_id,), name=f"tcx-import-{run_id}", daemon=True).start()


def _run_in_thread(run_id: int) -> None:
    try:
        run = claim(run_id=run_id)
        if run is not None:
            run_one(run)
    finally:
        connection.close()  # this thread's own connection


def claim(*, run_id: int | None = None, now: dt.datetime | None = None) -> ImportRun | None:
    """Take a queued run (or one whose lease ran out): the oldest, or ``run_id``."""
    runs = ImportRun.objects.all() if run_id is None else ImportRun.objects.filter(pk=run_id)
    return jobs.claim_leased(
        runs,
        waiting=ImportStatus.QUEUED,
        running=ImportStatus.RUNNING,
        lease=LEASE,
        max_attempts=MAX_ATTEMPTS,
        now=now,
        rows_read=0,
    )


def run_one(run: ImportRun) -> ImportRun:
    """Import a claimed run's file, keeping its progress; the file is removed when done."""
    from tcx.accounts.models import User

    path = folder() / run.stored_as
    options = run.options
    raw = dict(options["policy"])
    if raw.get("review_date"):
        raw["review_date"] = dt.date.fromisoformat(raw["review_date"])
    policy = Policy(**raw)
    state = {"read": 0, "saved": time.monotonic()}

    def progress(rows: int) -> None:
        state["read"] += rows
        if time.monotonic() - state["saved"] >= 0.5:  # between chunks: its own short write
            ImportRun.objects.filter(pk=run.pk).update(
                rows_read=state["read"], lease_until=timezone.now() + LEASE
            )
            state["saved"] = time.monotonic()

    try:
        actor = User.objects.get(pk=run.created_by_id)
        report = import_file(
            actor=actor,
            path=path,
            policy=policy,
            mapping=options.get("mapping") or {},
            schema=options.get("schema") or "Person",
            crime_areas=options.get("crime_areas") or [],
            subject_role=options.get("subject_role") or "",
            progress=progress,
        )
    except Exception as exc:
        logger.exception("import %s failed", run.pk)
        errors = exc.errors if isinstance(exc, RecordError | rules.PolicyError) else {}
        message = "; ".join(f"{field}: {reason}" for field, reason in errors.items())
        failed = run.attempts >= MAX_ATTEMPTS or isinstance(exc, RecordError | rules.PolicyError)
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED if failed else ImportStatus.QUEUED,
            failure=UNSAFE_TEXT.sub("", message or f"{type(exc).__name__}: {exc}")[:2000],
            rows_read=state["read"],
            finished_at=timezone.now() if failed else None,
        )
        if failed:
            path.unlink(missing_ok=True)
        run.refresh_from_db()
        return run
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.DONE,
        rows_read=state["read"],
        rows_total=max(run.rows_total, state["read"]),
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=len(report.errors),
        warned=len(report.warnings),
        errors=[list(e) for e in report.errors[:KEEP_ROWS]],
        warnings=[list(w) for w in report.warnings[:KEEP_ROWS]],
        finished_at=timezone.now(),
        failure="",
    )
    path.unlink(missing_ok=True)
    run.refresh_from_db()
    return run


def run_queued(limit: int | None = None) -> int:
    """Run queued imports until none is left (``tcx worker``); return how many ran."""
    count = 0
    while limit is None or count < limit:
        run = claim()
        if run is None:
            break
        run_one(run)
        count += 1
    return count
