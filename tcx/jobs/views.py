"""The operator's view of the background job queue: what failed, why, and a retry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tcx.jobs import selectors, services
from tcx.jobs.models import Job, JobStatus
from tcx.policy.rules import NotFound


@login_required
def job_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", JobStatus.FAILED)
    if status not in JobStatus.values:
        status = JobStatus.FAILED
    try:
        queryset = selectors.jobs(actor=request.user, status=status)
        counts = selectors.counts(actor=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/list.html",
        {
            "page": page,
            "status": status,
            "statuses": [(value, label, counts[value]) for value, label in JobStatus.choices],
        },
    )


@login_required
@require_POST
def job_retry_view(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        selectors.jobs(actor=request.user)  # the operator only: others are told "not found"
        job = services.retry(job_id, actor=request.user, request=request)
    except (NotFound, Job.DoesNotExist) as exc:
        raise Http404("not found") from exc
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Job %(id)s is queued again.") % {"id": job.pk})
    return redirect("jobs:list")
