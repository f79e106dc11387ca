"""Imports started on the import page: queued with their file as a job of the queue
(:mod:`tcx.jobs`), run by ``tcx worker`` (on the embedded default, by the request that queued it,
once its response has been sent), their progress kept in an ``ImportRun`` row that the page polls.

A run whose process dies is taken again by a worker when its job's lease runs out and imports
the file again from the start — an import is idempotent by owner + external id, so the rows
written before the crash are recognised and nothing is duplicated.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.jobs import services as job_queue
from tcx.jobs.registry import JobContext, LeaseLost
from tcx.matching.io import UNSAFE_TEXT
from tcx.policy import rules
from tcx.policy.actors import Actor, user_of
from tcx.policy.rules import Policy
from tcx.records.importing import check_file, import_file
from tcx.records.models import ImportRun, ImportStatus
from tcx.records.services import RecordError, _crime_areas, _editor_check, check_policy_text

logger = logging.getLogger(__name__)
IMPORT_TASK = "records.import"
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
    actor: Actor,
    upload: UploadedFile[bytes],
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
            created_by=user_of(actor),
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
        job_queue.enqueue(IMPORT_TASK, str(run.pk), {"run_id": run.pk})
    return run


def mark_failed(run_id: int, error: str) -> None:
    """The import's job failed for good (its last attempt): the page says so."""
    ImportRun.objects.filter(pk=run_id).exclude(status__in=[ImportStatus.DONE, ImportStatus.FAILED]).update(
        status=ImportStatus.FAILED,
        failure=UNSAFE_TEXT.sub("", error.strip().splitlines()[-1] if error.strip() else "")[:2000],
        finished_at=timezone.now(),
    )


def run(ctx: JobContext, run_id: int) -> None:
    """The import job: import the run's file from the start (again, after a crash)."""
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None or run.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return  # already finished: a job run twice does nothing twice
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), rows_read=0, attempts=ctx.attempt
    )
    run.refresh_from_db()
    run_one(run, heartbeat=ctx.heartbeat, last_attempt=ctx.last_attempt)


def run_one(
    run: ImportRun, *, heartbeat: Callable[[], None] = lambda: None, last_attempt: bool = True
) -> ImportRun:
    """Import a run's file, keeping its progress; the file is removed when done. A refused file
    (a bad mapping, a bad policy) fails the run at once; another error is raised, for the job
    queue to retry the run (the run waits, queued, meanwhile)."""
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
            ImportRun.objects.filter(pk=run.pk).update(rows_read=state["read"])
            heartbeat()  # keeps the job's lease, or stops this run if another worker took it
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
    except (RecordError, rules.PolicyError) as exc:
        # the file or its options are refused: trying again would be refused again
        message = "; ".join(f"{field}: {reason}" for field, reason in exc.errors.items())
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED,
            failure=UNSAFE_TEXT.sub("", message or str(exc))[:2000],
            rows_read=state["read"],
            finished_at=timezone.now(),
        )
        path.unlink(missing_ok=True)
        run.refresh_from_db()
        return run
    except LeaseLost:
        raise  # another worker has the run now: leave its state to it
    except Exception as exc:
        logger.exception("import %s failed", run.pk)
        if not last_attempt:  # the queue retries it after its back-off
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportStatus.QUEUED,
                failure=UNSAFE_TEXT.sub("", f"{type(exc).__name__}: {exc}")[:2000],
                rows_read=state["read"],
            )
        raise
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
